import { api, seg } from '../api.js';
import { h, replace } from '../dom.js';
import { dateTime, money, subtractDecimal } from '../format.js';
import { poll } from '../poll.js';
import { badge, busy, button, emptyState, errorNotice, facts, loading, notice, orderStateBadge, pageHeader, timeAgo, toast } from '../ui.js';
import { auditEntry } from './audit-entry.js';
import { connectionSubtitle, liveStatus } from './common.js';
import { deadLetterList } from './dead-letter-list.js';

/** One order's story: its sync record, then every step from delivery to invoice. */
export function render(root, { params, signal, app }) {
  const { id, orderId } = params;
  const status = liveStatus();
  const summary = h('div', null, loading('Loading the order…'));
  const letters = h('div');
  const trail = h('ol', { class: 'timeline' });
  const story = h('section', { class: 'card', 'aria-labelledby': 'story-title' },
    h('h2', { id: 'story-title' }, 'What happened'),
    h('p', { class: 'muted small' }, 'Oldest first. Zoho requests and responses are shown as recorded, with credentials removed.'),
    trail);
  const retryButton = button('Retry this order', () => retry(), { tone: 'primary' });
  // Kept across refreshes (only the notice around it is rebuilt), like the Retry button.
  const bookAgainButton = button('Book again', () => bookAgain(), { tone: 'primary' });
  const invoiceDeleted = h('div');
  const bookAgainResult = h('div');
  const heading = pageHeader(`Order #${orderId}`, {
    subtitle: connectionSubtitle(app, id),
    actions: [h('a', { class: 'button ghost', href: `#/c/${encodeURIComponent(id)}/orders` }, 'All orders'), retryButton],
  });
  root.append(heading, status.element, invoiceDeleted, bookAgainResult, summary, letters, story);

  let lastSummary = '';
  const seen = new Set();
  const poller = poll(
    async () => {
      const order = await api(`/api/connections/${seg(id)}/orders/${seg(orderId)}`, { signal });
      const { audit = [], deadLetters = [], ...record } = order;
      const signature = JSON.stringify([record, deadLetters]);
      if (signature !== lastSummary) {
        lastSummary = signature;
        heading.querySelector('h1').textContent = `Order #${record.orderNumber ?? record.orderId}`;
        replace(summary, summaryCard(record));
        replace(invoiceDeleted, record.invoiceDeletedAt ? invoiceDeletedNotice(record, bookAgainButton) : null);
        // A retry of such an order fails again at once: Book again is the way, so Retry steps aside.
        retryButton.hidden = Boolean(record.invoiceDeletedAt);
        replace(letters, deadLetters.length ? deadLetterList(deadLetters, { signal, title: 'Given up on', onRetried: () => poller.refresh() }) : null);
      }
      // The trail only grows: append new entries so open request/response panels stay open.
      const fresh = audit.filter((entry) => !seen.has(entry.id));
      for (const entry of fresh) seen.add(entry.id);
      if (fresh.length) trail.append(...fresh.map(auditEntry));
      const empty = story.querySelector('.empty');
      if (seen.size) empty?.remove();
      else if (!empty) story.append(emptyState('No steps recorded yet', 'The order is known, but no service has reported on it yet.'));
      status.ok();
    },
    {
      interval: 5000,
      signal,
      onError: (error) => {
        if (!lastSummary) {
          replace(summary, errorNotice(error, error.status === 404 ? 'This order is not known' : 'The order could not be loaded'));
          retryButton.disabled = true;
        }
        status.error(error.message);
      },
    },
  );

  async function retry() {
    await busy(retryButton, async () => {
      try {
        const result = await api(`/api/connections/${seg(id)}/orders/${seg(orderId)}/retry`, { method: 'POST', signal });
        toast(`Order sent through again (event #${result.seq}), with its newest snapshot. When it succeeds, the order’s open dead letters are resolved. This page updates as the services report back.`);
        poller.refresh();
      } catch (error) {
        if (error.name !== 'AbortError') replace(letters, errorNotice(error, 'The order could not be retried'));
      }
    });
  }

  async function bookAgain() {
    replace(bookAgainResult, null);
    await busy(bookAgainButton, async () => {
      try {
        const result = await api(`/api/connections/${seg(id)}/orders/${seg(orderId)}/rebook`, { method: 'POST', signal });
        toast(`Booking the order as a new invoice (event #${result.seq}). This page updates as the services report back.`);
        poller.refresh();
      } catch (error) {
        if (error.name !== 'AbortError') replace(bookAgainResult, errorNotice(error, 'The order could not be booked again'));
      }
    });
  }
}

/** The order's invoice was deleted in Zoho: say so, and offer a new invoice (never made on its own). */
function invoiceDeletedNotice(order, bookAgainButton) {
  const invoice = order.invoice?.number ?? order.invoice?.id;
  return h('section', { class: 'notice warn', 'aria-label': 'Invoice deleted in Zoho' },
    h('strong', null, 'Invoice deleted in Zoho'),
    h('p', null,
      invoice ? `Invoice ${invoice}` : 'The invoice', ' was deleted in Zoho on ',
      h('time', { datetime: String(order.invoiceDeletedAt) }, dateTime(order.invoiceDeletedAt)),
      '. Connector does not book the order again on its own.'),
    h('p', { class: 'muted small' }, 'Book again forgets the deleted invoice and runs the event with the order’s newest snapshot once more, which creates a new invoice in Zoho.'),
    h('div', { class: 'card-actions' }, bookAgainButton));
}

function summaryCard(order) {
  const diff = order.orderTotal !== null && order.zohoTotal !== null ? subtractDecimal(order.zohoTotal, order.orderTotal) : null;
  const reconciled = order.reconciled
    ? badge('Totals match', 'ok')
    : diff
      ? badge(`Zoho differs by ${money(diff.replace(/^-/, ''), order.currency)}`, 'warn')
      : h('span', { class: 'muted' }, 'Not yet comparable');
  return h(
    'section',
    { class: 'card', 'aria-label': 'Sync record' },
    h('div', { class: 'card-header' }, h('div', { class: 'badges' }, orderStateBadge(order.state), order.orderStatus ? badge(`Store: ${order.orderStatus}`) : null)),
    order.reason ? notice(order.state === 'failed' ? 'bad' : 'info', order.state === 'failed' ? 'Why it failed' : 'Note', order.reason) : null,
    h('div', { class: 'totals' },
      h('div', null, h('span', { class: 'muted small' }, 'Store total'), h('span', { class: 'big-number' }, money(order.orderTotal, order.currency))),
      h('div', null, h('span', { class: 'muted small' }, 'Zoho total'), h('span', { class: 'big-number' }, money(order.zohoTotal, order.currency))),
      h('div', null, h('span', { class: 'muted small' }, 'Reconciliation'), reconciled)),
    facts([
      ['Invoice', order.invoice ? `${order.invoice.number ?? '(no number)'}${order.invoiceDeletedAt ? ' · deleted in Zoho' : order.invoice.status ? ` · ${order.invoice.status}` : ''}` : 'Not created yet'],
      ['Zoho invoice id', order.invoice?.id],
      ['Zoho contact id', order.contactId ?? undefined],
      ['Exchange rate', order.exchangeRate ? `${order.exchangeRate} (${order.currency} to the books' base currency, as the invoice holds it)` : undefined],
      ['Rounding adjustment', order.adjustment && Number(order.adjustment) !== 0 ? `${money(order.adjustment, order.currency)}${order.adjustmentReason ? ` — ${order.adjustmentReason}` : ''}` : undefined],
      ['Store snapshot', order.modifiedGmt ? `modified ${order.modifiedGmt} UTC` : undefined],
      ['Events', order.streamSeqs?.length ? order.streamSeqs.map((s) => `#${s}`).join(', ') : 'none'],
      ['Attempts', String(order.attempts ?? 0)],
      ['Last change', timeAgo(order.updatedAt)],
    ]),
    order.payment ? payment(order.payment, order.currency) : null,
    order.creditNotes?.length ? creditNotes(order.creditNotes, order.currency) : null,
  );
}

/** The order's payment and the Zoho customer payment that books it. */
function payment(paid, currency) {
  return h('div', { class: 'payment', 'aria-label': 'Payment' },
    h('h3', null, 'Payment, booked in Zoho'),
    h('p', null,
      badge(paid.state, paid.state === 'recorded' && paid.reconciled ? 'ok' : paid.state === 'skipped' ? 'neutral' : 'warn'), ' ',
      `${paid.paymentId ? `payment ${paid.paymentId}, ` : ''}${paid.mode ? `${paid.mode}, ` : ''}${paid.date ? `${paid.date}, ` : ''}`,
      `order ${money(paid.orderTotal, currency)}, Zoho ${money(paid.zohoAmount, currency)}, applied to the invoice ${money(paid.appliedAmount, currency)}`,
      paid.exchangeRate ? `, at ${paid.exchangeRate}` : '',
      paid.reason ? h('span', { class: 'muted small' }, ` — ${paid.reason}`) : null));
}

/** The order's refunds and the Zoho credit notes that book them. */
function creditNotes(credits, currency) {
  return h('div', { class: 'credit-notes', 'aria-label': 'Refunds' },
    h('h3', null, 'Refunds, booked as credit notes'),
    h('ul', { class: 'plain' }, ...credits.map((credit) => h('li', null,
      badge(credit.state, credit.state === 'credited' && credit.reconciled ? 'ok' : credit.state === 'voided' ? 'neutral' : 'warn'), ' ',
      `Refund #${credit.refundId}: ${credit.creditNote ? `credit note ${credit.creditNote.number ?? credit.creditNote.id}, ` : ''}`,
      `refund ${money(credit.refundTotal, currency)}, Zoho ${money(credit.zohoTotal, currency)}, applied to the invoice ${money(credit.appliedAmount, currency)}`,
      credit.cashRefund ? `, given back ${money(credit.cashRefund.amount, currency)}` : '',
      credit.exchangeRate ? `, at ${credit.exchangeRate}` : '',
      credit.reason ? h('span', { class: 'muted small' }, ` — ${credit.reason}`) : null))));
}
