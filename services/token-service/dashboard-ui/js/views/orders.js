import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { count, money, subtractDecimal } from '../format.js';
import { poll } from '../poll.js';
import { badge, emptyState, errorNotice, liveTable, loading, orderStateBadge, pageHeader, timeAgo } from '../ui.js';
import { connectionSubtitle, liveStatus, segmented } from './common.js';

const POLL_MS = 5000;

const FILTERS = {
  all: { label: 'All', query: '', empty: ['No orders yet', 'Orders appear here as the store sends them. If none arrive, register the webhooks on the connections page.'] },
  failed: { label: 'Failed', query: 'state=failed', empty: ['No failed orders', 'Every order that was tried went through or was skipped on purpose.'] },
  'not-reconciled': { label: 'Not reconciled', query: 'notReconciled=true', empty: ['Everything reconciles', 'Every synced invoice has exactly the store’s order total.'] },
};

export function render(root, { params, query, signal, app, setQuery }) {
  const id = params.id;
  let filter = FILTERS[query.get('filter')] ? query.get('filter') : 'all';
  const base = `#/c/${encodeURIComponent(id)}/orders`;

  const status = liveStatus();
  const summary = h('p', { class: 'muted small' });
  const content = h('div', { class: 'stack tight' }, loading('Loading orders…'));
  const table = liveTable({
    caption: 'Orders and their invoices',
    className: 'orders',
    columns: [
      { label: 'Order', render: (o) => [h('a', { href: `${base}/${encodeURIComponent(o.orderId)}` }, `#${o.orderNumber ?? o.orderId}`), o.orderStatus ? h('div', { class: 'muted small' }, o.orderStatus) : null] },
      { label: 'Sync', render: (o) => [orderStateBadge(o.state), o.reason ? h('div', { class: 'reason small' }, o.reason) : null] },
      { label: 'Invoice', render: (o) => (o.invoice ? [h('span', null, o.invoice.number ?? o.invoice.id), invoiceNote(o)] : h('span', { class: 'muted' }, '—')) },
      { label: 'Store total', className: 'num', render: (o) => money(o.orderTotal, o.currency) },
      { label: 'Zoho total', className: 'num', render: (o) => [money(o.zohoTotal, o.currency), difference(o)] },
      { label: 'Updated', render: (o) => timeAgo(o.updatedAt) },
    ],
  });

  root.append(
    pageHeader('Orders', { subtitle: connectionSubtitle(app, id) }),
    h('div', { class: 'toolbar' }, segmented('Show', FILTERS, filter, (next) => {
      filter = next;
      setQuery(next === 'all' ? {} : { filter: next });
      replace(content, loading('Loading orders…'));
      poller.refresh();
    }), status.element),
    content,
  );

  const poller = poll(
    async () => {
      const wanted = filter;
      const orders = await api(`/api/connections/${seg(id)}/orders?limit=200${FILTERS[wanted].query ? `&${FILTERS[wanted].query}` : ''}`, { signal });
      if (wanted !== filter) return; // the filter changed while this answer was on its way
      if (!orders.length) {
        replace(content, emptyState(...FILTERS[filter].empty));
      } else {
        table.update(orders, (o) => o.orderId, { rowClass: (o) => (o.state === 'failed' ? 'row-bad' : unreconciled(o) ? 'row-warn' : null) });
        summary.textContent = `${count(orders.length)} order${orders.length === 1 ? '' : 's'}, most recently updated first.`;
        if (!content.contains(table.element)) replace(content, summary, table.element);
      }
      status.ok();
    },
    {
      interval: POLL_MS,
      signal,
      onError: (error) => {
        if (!content.contains(table.element)) replace(content, errorNotice(error, 'The orders could not be loaded'));
        status.error(error.message);
      },
    },
  );
}

/** Under the invoice number: its Zoho status, or that it was deleted in Zoho (the record still names it). */
function invoiceNote(o) {
  if (o.invoiceDeletedAt) return h('div', null, badge('deleted in Zoho', 'warn'));
  return o.invoice.status ? h('div', { class: 'muted small' }, o.invoice.status) : null;
}

const unreconciled = (o) => o.state === 'synced' && o.orderTotal !== null && o.zohoTotal !== null && !o.reconciled;

function difference(o) {
  if (!unreconciled(o)) return null;
  const diff = subtractDecimal(o.zohoTotal, o.orderTotal);
  return h('div', null, badge(diff ? `differs by ${money(diff.replace(/^-/, ''), o.currency)}` : 'differs', 'warn'));
}
