/*
 * The words of each alert. Plain text (rendered as-is by Slack and look-alikes), starting with the
 * connection's name so one channel can serve several stores.
 */

export interface FailedOrderLine {
  orderId: string;
  orderNumber: string | null;
  reason: string | null;
}

const MAX_LISTED = 10;
const MAX_REASON = 300;

export function failedOrdersText(connectionName: string, orders: readonly FailedOrderLine[]): string {
  const what = orders.length === 1 ? 'An order could not be invoiced in Zoho Books' : `${orders.length} orders could not be invoiced in Zoho Books`;
  return listed(connectionName, `${what}. Fix the cause, then retry them from the dashboard.`, orders.map(orderItem));
}

export interface FailedRefundLine {
  orderId: string;
  orderNumber: string | null;
  refundId: string;
  reason: string | null;
}

export function failedRefundsText(connectionName: string, refunds: readonly FailedRefundLine[]): string {
  const what = refunds.length === 1 ? 'A refund could not be booked as a credit note in Zoho Books' : `${refunds.length} refunds could not be booked as credit notes in Zoho Books`;
  return listed(
    connectionName,
    `${what}. Fix the cause, then retry their orders from the dashboard.`,
    refunds.map((refund) => `order ${refund.orderNumber ?? refund.orderId}, refund ${refund.refundId}: ${clip(refund.reason ?? 'no reason recorded')}`),
  );
}

export function failedPaymentsText(connectionName: string, orders: readonly FailedOrderLine[]): string {
  const what = orders.length === 1 ? "A paid order's payment could not be booked in Zoho Books" : `${orders.length} paid orders' payments could not be booked in Zoho Books`;
  return listed(
    connectionName,
    `${what} (their invoices are fine). Fix the cause, then retry their orders from the dashboard.`,
    orders.map(orderItem),
  );
}

export function unsentInvoicesText(connectionName: string, orders: readonly FailedOrderLine[]): string {
  const what = orders.length === 1 ? 'An invoice could not be marked as sent in Zoho Books' : `${orders.length} invoices could not be marked as sent in Zoho Books`;
  return listed(
    connectionName,
    `${what}: they are written, but as drafts they do not count in the books yet. Fix the cause, then retry their orders from the dashboard (or mark them as sent in Zoho).`,
    orders.map(orderItem),
  );
}

/** `order WC-1001: <reason>`, the reason clipped. */
function orderItem(order: FailedOrderLine): string {
  return `order ${order.orderNumber ?? order.orderId}: ${clip(order.reason ?? 'no reason recorded')}`;
}

/** A headline and the first MAX_LISTED items as bullets, saying how many more there are. */
function listed(connectionName: string, headline: string, items: readonly string[]): string {
  const lines = items.slice(0, MAX_LISTED).map((item) => `• ${item}`);
  if (items.length > MAX_LISTED) lines.push(`• … and ${items.length - MAX_LISTED} more`);
  return `${head(connectionName)}${headline}\n${lines.join('\n')}`;
}

export function webhookProblemsText(connectionName: string, problems: readonly string[], repair: { ok: boolean; error?: string }): string {
  const outcome = repair.ok
    ? 'They were re-activated; orders changed meanwhile are fetched by the reconciliation sweep.'
    : `Re-activating them failed (${clip(repair.error ?? 'unknown error')}); check the store's API key and its webhooks.`;
  return `${head(connectionName)}the store stopped delivering webhooks: ${problems.join('; ')}. ${outcome}`;
}

export function reauthorizationText(connectionName: string, reason: string | null): string {
  return `${head(connectionName)}Zoho Books needs re-authorization${reason ? ` (${clip(reason)})` : ''}. Orders wait in the audit log until a new refresh token is given.`;
}

export function quotaText(connectionName: string, used: number, dailyLimit: number, resetsAt: Date): string {
  const percent = Math.floor((used / dailyLimit) * 100);
  return `${head(connectionName)}${used} of ${dailyLimit} Zoho Books API calls of the day used (${percent} %); the count resets at ${resetsAt.toISOString()}. When the quota is spent, Zoho refuses calls until then and orders wait.`;
}

export function quotaRefusedText(connectionName: string, resumesAt: Date): string {
  return `${head(connectionName)}Zoho Books refused further API calls: the organization's daily quota is spent (Zoho code 45). Calls resume at ${resumesAt.toISOString()} when Zoho's day resets; until then orders wait in the audit log and are synced after it.`;
}

function head(connectionName: string): string {
  return `Connector — ${clip(connectionName, 100)}: `;
}

function clip(text: string, max = MAX_REASON): string {
  const single = text.replace(/\s+/g, ' ').trim();
  return single.length > max ? `${single.slice(0, max - 1)}…` : single;
}
