import { apiPath } from '../api-client';
import type { AuditEntry, OrderDetail, OrderPayment, OrderView, RefundCredit, Republished } from '../api-types';
import { flagOption, integerOption, ParsedArgs, stringOption } from '../args';
import type { Command, CommandContext } from '../command';
import { EXIT, ExitCode, onNewerRoute, UsageError } from '../errors';
import { Column, formatMoney, formatTime, renderDetails, renderTable } from '../output';
import { deadLetterColumns } from './dead-letters';

const show: Command = {
  path: ['orders'],
  summary: "List a connection's order sync records, or show one order and its timeline",
  positionals: [{ name: 'connectionId' }, { name: 'orderId', optional: true }],
  options: [
    { name: 'state', kind: 'string', placeholder: '<state>', description: 'Only orders in this state: pending, creating, synced, voided, failed, skipped' },
    { name: 'not-reconciled', kind: 'boolean', description: 'Only synced orders whose Zoho total differs from the order total' },
    { name: 'limit', kind: 'integer', placeholder: '<n>', description: 'At most this many orders, newest first (default 100, max 1000)' },
  ],
  details: [
    'With an order id: its state and reason, the invoice, both totals and the adjustment, and what',
    'the services did with each of its events (times in UTC). Exits 1 when that order failed.',
    'An order whose invoice was deleted in Zoho says so; `connector orders rebook` books it anew.',
  ],
  examples: ['connector orders 6f1c… --state failed', 'connector orders 6f1c… --not-reconciled', 'connector orders 6f1c… 1042'],
  run(context, args) {
    return args.positionals[1] === undefined ? listOrders(context, args) : showOrder(context, args);
  },
};

const retry: Command = {
  path: ['orders', 'retry'],
  summary: "Run the event with the order's newest snapshot through the pipeline again (after fixing the cause)",
  positionals: [{ name: 'connectionId' }, { name: 'orderId' }],
  options: [],
  details: [
    "The newest snapshot covers every older one, so this one copy settles the open dead letters of all the",
    "order's events: resolved when it succeeds, superseded by one new letter when it fails again.",
  ],
  examples: ['connector orders retry 6f1c… 1042'],
  async run({ api, out }, args) {
    const [connectionId, orderId] = args.positionals;
    const result = await api.post<Republished>(apiPath('connections', connectionId, 'orders', orderId, 'retry'));
    out.result(result, () => {
      out.line(`Order ${orderId}: event #${result.originalSeq} sent through the pipeline again as #${result.seq}.`);
      out.line("The order's open dead letters are resolved when it succeeds.");
      out.line(`Follow it with: connector orders ${connectionId} ${orderId}`);
    });
    return EXIT.ok;
  },
};

const rebook: Command = {
  path: ['orders', 'rebook'],
  summary: 'Book an order whose invoice was deleted in Zoho as a new invoice',
  positionals: [{ name: 'connectionId' }, { name: 'orderId' }],
  options: [],
  details: [
    'Connector does not book such an order again on its own (the invoice may have been deleted on',
    "purpose). This forgets the deleted invoice and runs the order's latest event again, which",
    'creates a new invoice. Refused (exit 1, with the reason) when the invoice was not deleted in',
    'Zoho, or when the order has a payment or credit notes on record.',
  ],
  examples: ['connector orders rebook 6f1c… 1042'],
  async run({ api, out }, args) {
    const [connectionId, orderId] = args.positionals;
    const result = await onNewerRoute('rebooking', () => api.post<Republished>(apiPath('connections', connectionId, 'orders', orderId, 'rebook')));
    out.result(result, () => {
      out.line(`Order ${orderId}: deleted invoice forgotten; event #${result.originalSeq} sent through the pipeline again as #${result.seq} to book a new invoice.`);
      out.line(`Follow it with: connector orders ${connectionId} ${orderId}`);
    });
    return EXIT.ok;
  },
};

async function listOrders({ api, out }: CommandContext, args: ParsedArgs): Promise<ExitCode> {
  const orders = await api.get<OrderView[]>(apiPath('connections', args.positionals[0], 'orders'), {
    state: stringOption(args, 'state'),
    notReconciled: flagOption(args, 'not-reconciled') || undefined,
    limit: integerOption(args, 'limit'),
  });
  out.result(orders, () => {
    if (orders.length === 0) return out.line('No orders match.');
    out.lines(renderTable(orders, [
      { header: 'ORDER', value: (o) => o.orderId, align: 'right' },
      { header: 'NUMBER', value: (o) => o.orderNumber },
      { header: 'STATE', value: (o) => o.state },
      { header: 'INVOICE', value: (o) => invoiceLabel(o) },
      { header: 'ORDER TOTAL', value: (o) => formatMoney(o.orderTotal, o.currency), align: 'right' },
      { header: 'ZOHO TOTAL', value: (o) => formatMoney(o.zohoTotal, o.currency), align: 'right' },
      { header: 'RECONCILED', value: (o) => o.reconciled },
      { header: 'UPDATED (UTC)', value: (o) => formatTime(o.updatedAt) },
      { header: 'REASON', value: (o) => o.reason, max: 60 },
    ]));
  });
  return EXIT.ok;
}

async function showOrder({ api, out }: CommandContext, args: ParsedArgs): Promise<ExitCode> {
  if (stringOption(args, 'state') || flagOption(args, 'not-reconciled') || integerOption(args, 'limit') !== undefined) {
    throw new UsageError('--state, --not-reconciled and --limit filter the list; leave them out when showing one order', 'orders');
  }
  const [connectionId, orderId] = args.positionals;
  const order = await api.get<OrderDetail>(apiPath('connections', connectionId, 'orders', orderId));
  out.result(order, () => {
    out.lines(renderOrder(order));
    if (order.payment) out.lines(['', 'Payment', ...renderPayment(order.payment, order.currency)]);
    if (order.creditNotes?.length) out.lines(['', 'Refunds (credit notes)', ...renderCredits(order.creditNotes, order.currency)]);
    out.lines(['', 'Timeline (UTC)', ...renderTimeline(order.audit)]);
    if (order.deadLetters.length > 0) {
      out.lines(['', 'Dead letters', ...renderTable(order.deadLetters, deadLetterColumns, { indent: 2 })]);
    }
    if (order.invoiceDeletedAt) {
      // A retry fails again at once (invoice-sync leaves a deleted invoice deleted): rebook is the way.
      out.lines([
        '',
        `The invoice was deleted in Zoho on ${formatTime(order.invoiceDeletedAt)} UTC; Connector does not book the order again on its own.`,
        `To book it as a new invoice: connector orders rebook ${connectionId} ${orderId}`,
      ]);
    } else if (order.state === 'failed') out.lines(['', `Fix the cause, then: connector orders retry ${connectionId} ${orderId}`]);
  });
  return order.state === 'failed' ? EXIT.failed : EXIT.ok;
}

/** The invoice's number (or id), marked when it was deleted in Zoho. */
function invoiceLabel(order: OrderView): string | null {
  const label = order.invoice?.number ?? order.invoice?.id ?? null;
  return label && order.invoiceDeletedAt ? `${label} (deleted)` : label;
}

function renderOrder(order: OrderDetail): string[] {
  const number = order.orderNumber ? `#${order.orderNumber} (id ${order.orderId})` : `id ${order.orderId}`;
  const invoice = order.invoice
    ? `${order.invoice.number ?? '(no number)'} (${order.invoice.id})${
      order.invoiceDeletedAt
        ? `, deleted in Zoho ${formatTime(order.invoiceDeletedAt)}`
        : order.invoice.status ? `, ${order.invoice.status}` : ''}`
    : null;
  const adjustment = order.adjustment
    ? `${formatMoney(order.adjustment, order.currency)}${order.adjustmentReason ? ` (${order.adjustmentReason})` : ''}`
    : null;
  return renderDetails([
    ['Order', `${number}${order.orderStatus ? `, store status ${order.orderStatus}` : ''}`],
    ['State', order.state],
    ['Reason', order.reason ?? undefined],
    ['Invoice', invoice],
    ['Contact', order.contactId],
    ['Order total', formatMoney(order.orderTotal, order.currency)],
    ['Zoho total', formatMoney(order.zohoTotal, order.currency)],
    ['Exchange rate', order.exchangeRate ?? undefined],
    ['Reconciled', order.reconciled],
    ['Adjustment', adjustment],
    ['Attempts', order.attempts],
    ['Events', order.streamSeqs.map((seq) => `#${seq}`).join(', ')],
    ['Updated', formatTime(order.updatedAt)],
  ]);
}

/** The payment Zoho holds for the order: amounts, how much went onto the invoice, and why not all. */
function renderPayment(payment: OrderPayment, currency: string | null): string[] {
  return renderTable([payment], [
    { header: 'STATE', value: (p) => p.state },
    { header: 'PAYMENT', value: (p) => p.paymentId },
    { header: 'MODE', value: (p) => p.mode },
    { header: 'DATE', value: (p) => p.date },
    { header: 'ORDER TOTAL', value: (p) => formatMoney(p.orderTotal, currency) },
    { header: 'ZOHO AMOUNT', value: (p) => formatMoney(p.zohoAmount, currency) },
    { header: 'APPLIED', value: (p) => formatMoney(p.appliedAmount, currency) },
    ...rateColumn([payment]),
    { header: 'NOTE', value: (p) => p.reason, max: 100 },
  ], { indent: 2 });
}

/** One line per refund: its credit note, the amounts, how much went onto the invoice, and why not all. */
function renderCredits(credits: RefundCredit[], currency: string | null): string[] {
  return renderTable(credits, [
    { header: 'REFUND', value: (c) => `#${c.refundId}` },
    { header: 'STATE', value: (c) => c.state },
    { header: 'CREDIT NOTE', value: (c) => c.creditNote?.number ?? c.creditNote?.id ?? null },
    { header: 'REFUND TOTAL', value: (c) => formatMoney(c.refundTotal, currency) },
    { header: 'ZOHO TOTAL', value: (c) => formatMoney(c.zohoTotal, currency) },
    { header: 'APPLIED', value: (c) => formatMoney(c.appliedAmount, currency) },
    { header: 'GIVEN BACK', value: (c) => c.cashRefund ? formatMoney(c.cashRefund.amount, currency) : null },
    ...rateColumn(credits),
    { header: 'NOTE', value: (c) => c.reason, max: 100 },
  ], { indent: 2 });
}

/** The documents' exchange rates, as a column only where one of them is in a foreign currency. */
function rateColumn<T extends { exchangeRate?: string | null }>(rows: readonly T[]): Column<T>[] {
  return rows.some((row) => row.exchangeRate) ? [{ header: 'RATE', value: (row) => row.exchangeRate ?? null, align: 'right' }] : [];
}

/** One line per audit entry, oldest first: when, which event, which service, what it did, how it went. */
function renderTimeline(entries: AuditEntry[]): string[] {
  if (entries.length === 0) return ['  (nothing recorded yet)'];
  return renderTable(entries, [
    { header: 'TIME', value: (e) => formatTime(e.createdAt) },
    { header: 'EVENT', value: (e) => (e.streamSeq ? `#${e.streamSeq}` : null) },
    { header: 'SERVICE', value: (e) => e.service },
    { header: 'ACTION', value: (e) => e.action },
    { header: 'OUTCOME', value: (e) => e.outcome },
    { header: 'MESSAGE', value: (e) => e.message, max: 100 },
  ], { headers: false, indent: 2 });
}

export const orderCommands = [show, retry, rebook];
