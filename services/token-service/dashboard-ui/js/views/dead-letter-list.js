import { api, seg } from '../api.js';
import { h } from '../dom.js';
import { badge, busy, button, liveTable, timeAgo, toast } from '../ui.js';

const STATUS_TONES = { open: 'bad', retrying: 'info', resolved: 'ok', dismissed: 'neutral', superseded: 'neutral' };

/** `woo.<connection>.order.updated` → "order.updated" (the two last subject tokens). */
const topicOf = (subject) => String(subject ?? '').split('.').slice(-2).join('.');

/** What became of a letter, under its status: the copy a retry sent, the new letter, the operator's note. */
function outcomeOf(letter) {
  if (letter.status === 'retrying' && letter.retrySeq) return `sent again as #${letter.retrySeq}`;
  if (letter.status === 'superseded') return 'its retry failed again: see the newer letter';
  if (letter.status === 'dismissed' && letter.dismissedReason) return letter.dismissedReason;
  return null;
}

/**
 * Dead letters as a table with retry and dismiss buttons per row. `onRetried` (called after a
 * retry or a dismissal) lets the page refresh; the row itself shows the new state right away.
 */
export function deadLetterTable({ signal, onRetried, caption = 'Events given up on' }) {
  const table = liveTable({
    caption,
    className: 'dead-letters',
    columns: [
      { label: 'Since', render: (l) => timeAgo(l.createdAt) },
      { label: 'Event', render: (l) => [h('code', null, topicOf(l.subject)), h('div', { class: 'muted small' }, `#${l.streamSeq} · ${l.consumer}`)] },
      { label: 'Reason', className: 'wide', render: (l) => [h('div', { class: 'reason' }, l.reason), h('div', { class: 'muted small' }, `${l.errorClass} · ${l.deliveries} ${l.deliveries === 1 ? 'try' : 'tries'}`)] },
      { label: 'Status', render: (l) => [badge(l.status, STATUS_TONES[l.status]), outcomeOf(l) && h('div', { class: 'muted small' }, outcomeOf(l))] },
      { label: 'Action', render: (l) => actions(l) },
    ],
  });
  let current = [];

  function actions(letter) {
    const controls = [letter.status === 'open' && retryButton(letter), ['open', 'retrying'].includes(letter.status) && dismissButton(letter)].filter(Boolean);
    return controls.length ? h('div', { class: 'card-actions' }, controls) : h('span', { class: 'muted' }, '—');
  }

  function retryButton(letter) {
    const label = `Retry event #${letter.streamSeq}`;
    const control = button('Retry', () =>
      busy(control, async () => {
        try {
          const result = await api(`/api/dead-letters/${seg(letter.id)}/retry`, { method: 'POST', signal });
          toast(`Event #${letter.streamSeq} sent through again as #${result.seq}. It is listed under “Retrying” until it succeeds.`);
          changed(letter, { status: 'retrying', retrySeq: String(result.seq) });
        } catch (error) {
          if (error.name !== 'AbortError') toast(`Event #${letter.streamSeq} was not retried: ${error.message}`, 'bad');
        }
      }), { 'aria-label': label, title: label });
    return control;
  }

  function dismissButton(letter) {
    const label = `Dismiss event #${letter.streamSeq}`;
    const control = button('Dismiss', async () => {
      const reason = await dismissDialog(letter);
      if (reason === null) return;
      await busy(control, async () => {
        try {
          const dismissed = await api(`/api/dead-letters/${seg(letter.id)}/dismiss`, { method: 'POST', body: reason ? { reason } : {}, signal });
          toast(`Event #${letter.streamSeq} dismissed. It is no longer open and retry-all leaves it alone.`);
          changed(letter, dismissed);
        } catch (error) {
          if (error.name !== 'AbortError') toast(`Event #${letter.streamSeq} was not dismissed: ${error.message}`, 'bad');
        }
      });
    }, { tone: 'ghost', 'aria-label': label, title: label });
    return control;
  }

  function changed(letter, fields) {
    update(current.map((l) => (l.id === letter.id ? { ...l, ...fields } : l)));
    onRetried?.();
  }

  function update(letters) {
    current = letters;
    table.update(letters, (l) => l.id, { rowClass: (l) => (l.status === 'open' ? 'row-bad' : null) });
  }

  return { element: table.element, update };
}

/**
 * Asks what was done about the event (optional, kept with the letter). A native modal <dialog>
 * like confirmDialog's; resolves to the reason ('' for none), or null when cancelled.
 */
function dismissDialog(letter) {
  return new Promise((resolve) => {
    const reason = h('input', { id: 'dismiss-reason', name: 'reason', type: 'text', maxlength: '500', autocomplete: 'off', placeholder: 'e.g. invoice made by hand in Zoho' });
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': 'dismiss-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'dismiss-title' }, `Dismiss event #${letter.streamSeq}?`),
        h('p', null, 'Only when its outcome was put right another way: a dismissed letter is no longer open and is not retried.'),
        h('div', { class: 'field' }, h('label', { for: 'dismiss-reason' }, 'What was done (optional)'), reason),
        h('div', { class: 'card-actions' },
          h('button', { type: 'submit', class: 'button primary', value: 'yes' }, 'Dismiss'),
          h('button', { type: 'submit', class: 'button ghost', value: 'no' }, 'Cancel'))),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'yes' ? reason.value.trim() : null);
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    reason.focus();
  });
}

/** A fixed list (one order's dead letters) under a heading. */
export function deadLetterList(letters, { signal, title, onRetried }) {
  const table = deadLetterTable({ signal, onRetried, caption: title });
  table.update(letters);
  return h('section', { class: 'card', 'aria-label': title }, h('h2', null, title), table.element);
}
