import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { bytes, count, dateTime } from '../format.js';
import { badge, busy, button, details, emptyState, errorNotice, jsonBlock, liveTable, loading, pageHeader } from '../ui.js';
import { auditEntry } from './audit-entry.js';
import { connectionSubtitle, segmented } from './common.js';

const PAGE = 50;
const VIEWS = { deliveries: { label: 'Deliveries' }, activity: { label: 'Service activity' } };
const ORIGINS = { webhook: 'neutral', reconcile: 'info', retry: 'warn' };

/** The audit stream: what the store sent (deliveries) and what the services did with it (activity). */
export function render(root, { params, query, signal, app, setQuery }) {
  const id = params.id;
  const base = `#/c/${encodeURIComponent(id)}`;
  let view = VIEWS[query.get('show')] ? query.get('show') : 'deliveries';
  const content = h('div', { class: 'stack' });

  root.append(
    pageHeader('Events', { subtitle: connectionSubtitle(app, id) }),
    h('div', { class: 'toolbar' }, segmented('Show', VIEWS, view, (next) => {
      view = next;
      setQuery(next === 'deliveries' ? {} : { show: next });
      show();
    })),
    content,
  );
  show();

  function show() {
    replace(content, view === 'deliveries' ? deliveries(id, base, signal, query) : activity(id, base, signal));
  }
}

function deliveries(id, base, signal, query) {
  let rows = [];
  const fromInput = h('input', { id: 'from-seq', type: 'number', min: '1', step: '1', value: query.get('from') ?? '1', inputmode: 'numeric' });
  const bodies = h('input', { id: 'with-bodies', type: 'checkbox' });
  const content = h('div', { class: 'stack tight' }, loading('Reading the audit stream…'));
  const more = button('Load more', () => busy(more, () => load(rows.at(-1).seq + 1, true)));
  more.hidden = true;
  const table = liveTable({
    caption: 'Deliveries recorded in the audit stream',
    className: 'events',
    columns: [
      { label: 'Event', render: (d) => h('code', null, `#${d.seq}`) },
      { label: 'Received', render: (d) => h('time', { datetime: d.time }, dateTime(d.time)) },
      { label: 'Topic', render: (d) => h('code', null, d.topic ?? d.subject.split('.').slice(-2).join('.')) },
      { label: 'Record', render: (d) => resourceCell(d, base) },
      { label: 'Origin', render: (d) => badge(d.origin ?? 'webhook', ORIGINS[d.origin] ?? 'neutral') },
      { label: 'Size', className: 'num', render: (d) => bytes(d.bytes) },
      { label: 'Body', className: 'wide', render: (d) => ('body' in d ? details('Show body', jsonBlock(d.body)) : h('span', { class: 'muted small' }, 'not loaded')) },
    ],
  });

  const form = h('form', {
    class: 'toolbar',
    novalidate: true,
    onsubmit: (event) => {
      event.preventDefault();
      load(Math.max(1, Number(fromInput.value) || 1), false);
    },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'from-seq' }, 'From event #'), fromInput),
  h('div', { class: 'check' }, bodies, h('label', { for: 'with-bodies' }, 'Include bodies')),
  h('button', { type: 'submit', class: 'button secondary' }, 'Show'));

  async function load(fromSeq, append) {
    if (!append) replace(content, loading('Reading the audit stream…'));
    try {
      const page = await api(`/api/connections/${seg(id)}/events?fromSeq=${fromSeq}&limit=${PAGE}&includeBody=${bodies.checked}`, { signal });
      rows = append ? [...rows, ...page] : page;
      more.hidden = page.length < PAGE;
      if (!rows.length) return replace(content, emptyState('No deliveries recorded', fromSeq > 1 ? `Nothing from event #${fromSeq} on.` : 'When the store sends an order or customer, it is recorded here before anything else happens.'));
      table.update(rows, (d) => d.seq);
      if (!content.contains(table.element)) replace(content, h('p', { class: 'muted small' }, `${count(rows.length)} deliveries, oldest first.`), table.element, more);
      else content.querySelector('p').textContent = `${count(rows.length)} deliveries, oldest first.`;
    } catch (error) {
      if (error.name !== 'AbortError') replace(content, errorNotice(error, 'The audit stream could not be read'));
    }
  }

  load(Math.max(1, Number(fromInput.value) || 1), false);
  return [form, content];
}

function resourceCell(delivery, base) {
  if (!delivery.resourceId) return h('span', { class: 'muted' }, '—');
  const resource = (delivery.topic ?? '').split('.')[0];
  if (resource === 'order') return h('a', { href: `${base}/orders/${encodeURIComponent(delivery.resourceId)}` }, `order ${delivery.resourceId}`);
  return `${resource || 'record'} ${delivery.resourceId}`;
}

function activity(id, base, signal) {
  const content = h('div', null, loading('Loading the audit trail…'));
  api(`/api/connections/${seg(id)}/audit?limit=100`, { signal })
    .then((entries) => {
      if (!entries.length) return replace(content, emptyState('No activity yet', 'The services record here what they did with each event: invoices created, skipped orders and failures.'));
      const resourceLink = (e) => (e.resource === 'order' && e.resourceId ? `${base}/orders/${encodeURIComponent(e.resourceId)}` : null);
      replace(content, h('p', { class: 'muted small' }, `The latest ${count(entries.length)} entries, newest first.`), h('ol', { class: 'timeline' }, entries.map((e) => auditEntry(e, { resourceLink }))));
    })
    .catch((error) => {
      if (error.name !== 'AbortError') replace(content, errorNotice(error, 'The audit trail could not be loaded'));
    });
  return content;
}
