import type { WooOrder } from '@connector/contracts';
import { orderContentHash } from './order-content-hash';

/*
 * What to do with an order snapshot, given what was done before. Webhooks arrive late, twice and
 * out of order, so every snapshot is judged on its own content and date, never on the topic that
 * delivered it.
 */

export type OrderAction = 'create' | 'update' | 'reinstate' | 'void' | 'skip';

/**
 * Where our record of an order's invoice stands:
 * - `pending`: the invoice is being created (claimed before the Zoho call, so a lost response
 *   can be recovered by searching Zoho for the reference number);
 * - `synced`: an invoice exists and reflects `lastModifiedGmt`;
 * - `voided`: we voided the invoice.
 */
export type InvoiceLinkState = 'pending' | 'synced' | 'voided';

export interface ExistingInvoiceLink {
  invoiceId?: string;
  /** Zoho's invoice status (`draft`, `sent`, `paid`, `void`, …) as last seen. */
  invoiceStatus?: string;
  /** `date_modified_gmt` of the snapshot last applied. */
  lastModifiedGmt?: string;
  /** `orderContentHash` of the snapshot last applied. */
  lastContentHash?: string;
  state: InvoiceLinkState;
}

export interface OrderDecisionInput {
  order: WooOrder;
  existing?: ExistingInvoiceLink;
  /** Order statuses that get an invoice; DEFAULT_SYNC_STATUSES when absent or empty. */
  syncStatuses?: readonly string[];
}

export interface OrderDecision {
  action: OrderAction;
  reason: string;
}

export const DEFAULT_SYNC_STATUSES: readonly string[] = ['processing', 'completed', 'on-hold'];

/** Orders that exist only while a customer is still at the checkout, or as admin scratch. */
const DRAFT_STATUSES = new Set(['checkout-draft', 'auto-draft', 'draft']);
const VOIDING_STATUSES = new Set(['cancelled', 'failed']);

/** `wc-processing` (as stored in the database and sometimes configured) → `processing`. */
function normalizeStatus(status: string): string {
  return status.trim().toLowerCase().replace(/^wc-/, '');
}

/** Milliseconds since the epoch of a WooCommerce GMT date (`2026-11-27T10:00:00`, no zone suffix), or undefined without a valid one. */
export function gmtMillis(date: string | null | undefined): number | undefined {
  if (!date) return undefined;
  const millis = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(date) ? date : `${date}Z`);
  return Number.isNaN(millis) ? undefined : millis;
}

/**
 * The modification time (gmtMillis) of an order snapshot as stored in the audit stream (its JSON
 * bytes), or undefined for a body that is no order with one: for reading older events back.
 */
export function snapshotModifiedMillis(body: Uint8Array): number | undefined {
  try {
    const order = JSON.parse(Buffer.from(body).toString('utf8')) as { date_modified_gmt?: unknown };
    return typeof order.date_modified_gmt === 'string' ? gmtMillis(order.date_modified_gmt) : undefined;
  } catch {
    return undefined;
  }
}

function staleness(order: WooOrder, existing: ExistingInvoiceLink | undefined): string | undefined {
  const applied = gmtMillis(existing?.lastModifiedGmt);
  const incoming = gmtMillis(order.date_modified_gmt);
  if (applied === undefined || incoming === undefined) return undefined;
  if (incoming < applied) {
    return `stale snapshot: modified ${order.date_modified_gmt} GMT, older than the applied ${existing?.lastModifiedGmt} GMT`;
  }
  if (incoming === applied && existing?.lastContentHash !== undefined && existing.lastContentHash === orderContentHash(order)) {
    return sameContentReason(order.date_modified_gmt!);
  }
  return undefined;
}

function sameContentReason(modifiedGmt: string): string {
  return `stale snapshot: modified ${modifiedGmt} GMT with the same content as the one already applied`;
}

function isVoid(existing: ExistingInvoiceLink | undefined): boolean {
  return existing?.state === 'voided' || existing?.invoiceStatus?.toLowerCase() === 'void';
}

/**
 * The skip that follows from the snapshot alone, whatever the connection's settings: a draft, or
 * a snapshot no newer than the one applied (an older `date_modified_gmt`, or the same one with the
 * same content). decideOrderAction starts with it; a replay uses it to pass over events already
 * applied without taking the live path.
 */
export function snapshotSkip(order: WooOrder, existing: ExistingInvoiceLink | undefined): OrderDecision | undefined {
  const status = normalizeStatus(order.status);
  if (DRAFT_STATUSES.has(status)) {
    return { action: 'skip', reason: `order ${order.id} is a draft (${status}); drafts are not invoiced` };
  }
  const stale = staleness(order, existing);
  return stale ? { action: 'skip', reason: stale } : undefined;
}

/**
 * True when the snapshot is older than the one applied: it tells nothing current (not even which
 * refunds the order has), so nothing may be done from it.
 */
export function isStaleSnapshot(order: WooOrder, existing: ExistingInvoiceLink | undefined): boolean {
  const applied = gmtMillis(existing?.lastModifiedGmt);
  const incoming = gmtMillis(order.date_modified_gmt);
  return applied !== undefined && incoming !== undefined && incoming < applied;
}

/**
 * What snapshotSkip says of the very snapshot last applied (known to be it, e.g. by its bytes),
 * without the order in hand: the same-content skip. Undefined when the link keeps no snapshot
 * that snapshotSkip could recognise (no date or no content hash).
 */
export function appliedSnapshotSkip(existing: ExistingInvoiceLink | undefined): OrderDecision | undefined {
  if (gmtMillis(existing?.lastModifiedGmt) === undefined || existing?.lastContentHash === undefined) return undefined;
  return { action: 'skip', reason: sameContentReason(existing.lastModifiedGmt!) };
}

export function decideOrderAction(input: OrderDecisionInput): OrderDecision {
  const { order, existing } = input;
  const skip = snapshotSkip(order, existing);
  if (skip) return skip;

  const status = normalizeStatus(order.status);
  const syncStatuses = new Set((input.syncStatuses?.length ? input.syncStatuses : DEFAULT_SYNC_STATUSES).map(normalizeStatus));
  const invoice = existing?.invoiceId ? `invoice ${existing.invoiceId}` : 'the invoice';

  if (isVoid(existing)) {
    // Voided by Connector when the order was cancelled or failed: an order that is invoiced again
    // (reinstated, or paid late) gets the same invoice back, reopened as a draft and brought up to
    // date, so the sale is in the books once. One the owner voided in Zoho is hers to undo.
    if (existing?.state === 'voided' && existing.invoiceId && syncStatuses.has(status)) {
      return { action: 'reinstate', reason: `order ${order.id} is ${status} again; ${invoice}, voided when it was cancelled or failed, is reopened and brought up to date` };
    }
    return {
      action: 'skip',
      reason: `${invoice} of order ${order.id} is void; ${existing?.state === 'voided' ? `it is reopened if the order is invoiced again (status now ${status})` : `it was voided in Zoho, and Connector does not undo that (order status now ${status})`}`,
    };
  }
  if (VOIDING_STATUSES.has(status)) {
    if (!existing?.invoiceId) return { action: 'skip', reason: `order ${order.id} is ${status} and has no invoice to void` };
    return { action: 'void', reason: `order ${order.id} is ${status}; ${invoice} is voided` };
  }
  if (status === 'refunded') {
    // The sale happened and the money went back: the invoice stays, its refunds are credit notes.
    return {
      action: 'skip',
      reason: `order ${order.id} is refunded; ${existing?.invoiceId ? `${invoice} is kept as it is and its refunds are credited` : 'no invoice is created for it'}`,
    };
  }
  if (syncStatuses.has(status)) {
    if (existing?.invoiceId) return { action: 'update', reason: `order ${order.id} is ${status}; ${invoice} is brought up to date` };
    return { action: 'create', reason: `order ${order.id} is ${status}, which is invoiced, and has no invoice yet` };
  }
  return {
    action: 'skip',
    reason: `order ${order.id} is ${status}, which is not among the invoiced statuses (${[...syncStatuses].join(', ')})`,
  };
}
