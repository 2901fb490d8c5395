import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { count } from '../format.js';
import { poll } from '../poll.js';
import { busy, button, confirmDialog, emptyState, errorNotice, loading, pageHeader, toast } from '../ui.js';
import { connectionSubtitle, liveStatus, segmented } from './common.js';
import { deadLetterTable } from './dead-letter-list.js';
import { backfillPanel, replayPanel } from './replay.js';

const STATUSES = {
  open: { label: 'Open', empty: ['No open failures', 'Nothing is waiting for a retry. Events that fail for good are listed here with their reason.'] },
  retrying: { label: 'Retrying', empty: ['Nothing is being retried', 'Retried events show here until they succeed.'] },
  resolved: { label: 'Resolved', empty: ['Nothing resolved yet', 'Failures that later went through are kept here.'] },
  superseded: { label: 'Failed again', empty: ['No retry failed again', 'A retried event that fails again shows here, pointing to its new dead letter.'] },
  dismissed: { label: 'Dismissed', empty: ['Nothing dismissed', 'Failures put right by hand and dismissed are kept here with the reason.'] },
};

export function render(root, { params, query, signal, app, setQuery }) {
  const id = params.id;
  let status = STATUSES[query.get('status')] ? query.get('status') : 'open';
  let open = [];
  const live = liveStatus();
  const content = h('div', null, loading('Loading failures…'));
  const table = deadLetterTable({ signal, onRetried: () => poller.refresh() });
  const retryAll = button('Retry all open', () => retryEverything(), { tone: 'primary', disabled: true });

  root.append(
    pageHeader('Failures', {
      subtitle: connectionSubtitle(app, id),
      actions: h('a', { class: 'button ghost', href: `#/c/${encodeURIComponent(id)}/orders?filter=failed` }, 'Failed orders'),
    }),
    h('section', { class: 'card', 'aria-labelledby': 'dl-title' },
      h('div', { class: 'card-header' },
        h('div', null, h('h2', { id: 'dl-title' }, 'Dead letters'), h('p', { class: 'muted small' }, 'Events a service gave up on, with the reason: a refusal at once, a temporary failure (Zoho or the store down) only after a day of retries (“gave up after N deliveries over 24 h”). Fix the cause (for example re-authorize Zoho or pin a product), then retry.')),
        retryAll),
      h('div', { class: 'toolbar' }, segmented('Status', STATUSES, status, (next) => {
        status = next;
        setQuery(next === 'open' ? {} : { status: next });
        replace(content, loading('Loading failures…'));
        poller.refresh();
      }), live.element),
      content),
    replayPanel(id, signal),
    backfillPanel(id, signal),
  );

  const poller = poll(
    async () => {
      const wanted = status;
      const [letters, openLetters] = await Promise.all([
        api(`/api/dead-letters?connectionId=${seg(id)}&status=${seg(wanted)}`, { signal }),
        wanted === 'open' ? null : api(`/api/dead-letters?connectionId=${seg(id)}&status=open`, { signal }),
      ]);
      if (wanted !== status) return;
      open = openLetters ?? letters;
      retryAll.disabled = open.length === 0;
      retryAll.textContent = open.length ? `Retry all open (${count(open.length)})` : 'Retry all open';
      if (!letters.length) replace(content, emptyState(...STATUSES[wanted].empty));
      else {
        table.update(letters);
        if (!content.contains(table.element)) replace(content, table.element);
      }
      live.ok();
    },
    {
      interval: 10_000,
      signal,
      onError: (error) => {
        if (!content.contains(table.element)) replace(content, errorNotice(error, 'The failures could not be loaded'));
        live.error(error.message);
      },
    },
  );

  async function retryEverything() {
    const n = open.length;
    const confirmed = await confirmDialog({
      title: `Retry ${count(n)} event${n === 1 ? '' : 's'}?`,
      text: 'Each open dead letter of this connection goes through the services again. Events that already succeeded change nothing, so this is safe to repeat.',
      confirmLabel: `Retry ${count(n)}`,
    });
    if (!confirmed) return;
    await busy(retryAll, async () => {
      try {
        const result = await api('/api/dead-letters/retry', { method: 'POST', body: { connectionId: id }, signal });
        const sent = `${count(result.retried)} event${result.retried === 1 ? '' : 's'} sent through again`;
        if (result.failed > 0) toast(`${sent}; ${count(result.failed)} could not be sent and stay open: ${result.failures[0]?.reason ?? 'see the list'}`, 'bad');
        else toast(`${sent}.`);
        poller.refresh();
      } catch (error) {
        if (error.name !== 'AbortError') toast(`Nothing was retried: ${error.message}`, 'bad');
      }
    });
  }
}
