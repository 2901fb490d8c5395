import { h, replace } from './dom.js';
import { dateTime, relative } from './format.js';

export function badge(label, tone = 'neutral') {
  return h('span', { class: `badge ${tone}` }, label);
}

/** Order sync states in words, with a tone that is never the only signal (the word is always there). */
const ORDER_STATES = {
  synced: ['Synced', 'ok'],
  pending: ['Pending', 'info'],
  creating: ['Creating invoice', 'info'],
  voided: ['Voided', 'neutral'],
  failed: ['Failed', 'bad'],
  skipped: ['Skipped', 'neutral'],
};

export function orderStateBadge(state) {
  const [label, tone] = ORDER_STATES[state] ?? [state ?? 'Unknown', 'neutral'];
  return badge(label, tone);
}

const OUTCOMES = { ok: 'ok', failed: 'bad', retrying: 'warn', skipped: 'neutral', 'dry-run': 'info' };
export const outcomeBadge = (outcome) => badge(outcome, OUTCOMES[outcome] ?? 'neutral');

/** "5 minutes ago", with the exact time on hover and for assistive technology. */
export function timeAgo(value) {
  if (!value) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: String(value), title: dateTime(value), dataset: { relative: '' } }, relative(value));
}

// Relative times age while a page stays open; refresh their text in place (no re-render).
setInterval(() => {
  for (const element of document.querySelectorAll('time[data-relative]')) {
    const text = relative(element.getAttribute('datetime'));
    if (element.textContent !== text) element.textContent = text;
  }
}, 15_000);

export function pageHeader(title, { subtitle, actions } = {}) {
  return h(
    'div',
    { class: 'page-header' },
    h('div', null, h('h1', { tabindex: '-1' }, title), subtitle ? h('p', { class: 'muted' }, subtitle) : null),
    actions ? h('div', { class: 'actions' }, actions) : null,
  );
}

export function notice(tone, title, ...text) {
  return h('div', { class: `notice ${tone}`, role: tone === 'bad' ? 'alert' : null }, title ? h('strong', null, title) : null, text.length ? h('p', null, ...text) : null);
}

/**
 * What registering webhooks found out about the store reaching Connector (the API's
 * `deliveryCheck`): a warning when its ping did not arrive, else nothing to add.
 */
export function deliveryCheckNotice(check) {
  return check?.status === 'not-reached' ? notice('warn', 'The store cannot reach Connector', check.message) : null;
}

/** An API error in words; a route the server lacks is explained, not shown as a failure. */
export function errorNotice(error, what = 'This could not be loaded') {
  if (error?.missingEndpoint) return notice('info', 'Not available on this server yet', error.message, ' It appears once the connector is updated.');
  return notice('bad', what, error?.message ?? String(error));
}

export function emptyState(title, text, action) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), text ? h('p', { class: 'muted' }, text) : null, action ?? null);
}

export function loading(label = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, label);
}

/**
 * Runs `task` with the button marked busy (disabled, aria-busy, label kept so its width does not
 * jump). Returns the task's result; errors propagate to the caller, who knows where to show them.
 */
export async function busy(button, task) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

export function button(label, onclick, { tone = 'secondary', type = 'button', ...rest } = {}) {
  return h('button', { type, class: `button ${tone}`, onclick, ...rest }, label);
}

/** A short confirmation at the bottom of the screen, also read out by screen readers. */
export function toast(message, tone = 'ok') {
  const host = document.getElementById('toasts');
  const item = h('div', { class: `toast ${tone}` }, message);
  host.append(item);
  setTimeout(() => item.remove(), 6000);
}

export function jsonBlock(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return h('pre', { class: 'json', tabindex: '0' }, h('code', null, text ?? ''));
}

export function details(summary, ...content) {
  return h('details', { class: 'disclosure' }, h('summary', null, summary), ...content);
}

/** A `<dl>` of label/value pairs; values may be nodes. Pairs with an undefined value are left out. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, value]) => value !== undefined).map(([label, value]) => h('div', null, h('dt', null, label), h('dd', null, value ?? '—'))));
}

/**
 * A table whose rows can be updated in place (polling): rows are keyed, an unchanged row keeps
 * its DOM node (and focus, selection, scroll), and only changed rows are rebuilt.
 */
export function liveTable({ caption, columns, className = '' }) {
  const body = h('tbody');
  const rows = new Map();
  const table = h(
    'table',
    { class: `data ${className}` },
    h('caption', { class: caption?.visible ? null : 'visually-hidden' }, caption?.text ?? caption),
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.className }, c.label)))),
    body,
  );
  return {
    element: h('div', { class: 'table-wrap' }, table),
    update(items, key, { rowClass } = {}) {
      const seen = new Set();
      const ordered = items.map((item) => {
        const id = String(key(item));
        seen.add(id);
        const signature = JSON.stringify(item);
        const existing = rows.get(id);
        if (existing && existing.signature === signature) return existing.row;
        const row = h(
          'tr',
          { class: rowClass?.(item), dataset: { key: id } },
          // One wrapper per cell, so on narrow screens (label | value grid) a multi-part value stays together.
          columns.map((c) => h('td', { class: c.className, dataset: { label: c.label } }, h('div', { class: 'cell' }, c.render(item)))),
        );
        rows.set(id, { row, signature });
        return row;
      });
      for (const id of [...rows.keys()]) if (!seen.has(id)) rows.delete(id);
      // Only touch the DOM when the order or content changed.
      const current = [...body.children];
      if (current.length !== ordered.length || current.some((row, i) => row !== ordered[i])) replace(body, ordered);
    },
  };
}

/**
 * Asks before an action that touches many records. A native modal <dialog>: focus moves into
 * it, Escape cancels, and the page behind is inert.
 */
export function confirmDialog({ title, text, confirmLabel, tone = 'primary' }) {
  return new Promise((resolve) => {
    const confirm = h('button', { type: 'submit', class: `button ${tone}`, value: 'yes' }, confirmLabel);
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': 'dialog-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'dialog-title' }, title),
        h('p', null, text),
        h('div', { class: 'card-actions' }, confirm, h('button', { type: 'submit', class: 'button ghost', value: 'no' }, 'Cancel'))),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'yes');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    confirm.focus();
  });
}
