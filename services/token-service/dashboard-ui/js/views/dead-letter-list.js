import { api, seg } from '../api.js';
import { h } from '../dom.js';
import { badge, busy, button, liveTable, timeAgo, toast } from '../ui.js';

const STATUS_TONES = { open: 'bad', retrying: 'info', resolved: 'ok', dismissed: 'neutral' };

/** `woo.<connection>.order.updated` → "order.updated" (the two last subject tokens). */
const topicOf = (subject) => String(subject ?? '').split('.').slice(-2).join('.');

/**
 * Dead letters as a table with a retry button per row. `onRetried` lets the page refresh;
 * the row itself shows the new state right away.
 */
export function deadLetterTable({ signal, onRetried, caption = 'Events given up on' }) {
  const table = liveTable({
    caption,
    className: 'dead-letters',
    columns: [
      { label: 'Since', render: (l) => timeAgo(l.createdAt) },
      { label: 'Event', render: (l) => [h('code', null, topicOf(l.subject)), h('div', { class: 'muted small' }, `#${l.streamSeq} · ${l.consumer}`)] },
      { label: 'Reason', className: 'wide', render: (l) => [h('div', { class: 'reason' }, l.reason), h('div', { class: 'muted small' }, `${l.errorClass} · ${l.deliveries} ${l.deliveries === 1 ? 'try' : 'tries'}`)] },
      { label: 'Status', render: (l) => badge(l.status, STATUS_TONES[l.status]) },
      { label: 'Action', render: (l) => retryButton(l) },
    ],
  });
  let current = [];

  function retryButton(letter) {
    if (letter.status === 'resolved' || letter.status === 'dismissed') return h('span', { class: 'muted' }, '—');
    const label = `Retry event #${letter.streamSeq}`;
    const control = button('Retry', () =>
      busy(control, async () => {
        try {
          const result = await api(`/api/dead-letters/${seg(letter.id)}/retry`, { method: 'POST', signal });
          toast(`Event #${letter.streamSeq} sent through again as #${result.seq}. It is listed under “Retrying” until it succeeds.`);
          update(current.map((l) => (l.id === letter.id ? { ...l, status: 'retrying' } : l)));
          onRetried?.();
        } catch (error) {
          if (error.name !== 'AbortError') toast(`Event #${letter.streamSeq} was not retried: ${error.message}`, 'bad');
        }
      }), { 'aria-label': label, title: label });
    return control;
  }

  function update(letters) {
    current = letters;
    table.update(letters, (l) => l.id, { rowClass: (l) => (l.status === 'open' ? 'row-bad' : null) });
  }

  return { element: table.element, update };
}

/** A fixed list (one order's dead letters) under a heading. */
export function deadLetterList(letters, { signal, title, onRetried }) {
  const table = deadLetterTable({ signal, onRetried, caption: title });
  table.update(letters);
  return h('section', { class: 'card', 'aria-label': title }, h('h2', null, title), table.element);
}
