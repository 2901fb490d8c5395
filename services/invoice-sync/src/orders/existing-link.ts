import { decideOrderAction, ExistingInvoiceLink, OrderDecision } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';
import type { OrderSyncEntity } from '@connector/persistence';

/** What the order decision is told of an order's record. */
export function existingLink(record: OrderSyncEntity): ExistingInvoiceLink | undefined {
  // A record without invoice still remembers the last snapshot it judged (e.g. a cancellation
  // that arrived first), so an older snapshot delivered late is recognised as stale. Without an
  // invoice, the same snapshot again is judged afresh (no content hash given): the sync settings
  // may have changed since, and a replay must be able to act on that.
  if (!record.invoiceId && record.state !== 'creating' && !record.modifiedGmt) return undefined;
  return {
    invoiceId: record.invoiceId ?? undefined,
    invoiceStatus: record.invoiceStatus ?? undefined,
    lastModifiedGmt: record.modifiedGmt ?? undefined,
    lastContentHash: record.invoiceId ? (record.contentHash ?? undefined) : undefined,
    state: voidedByConnector(record) ? 'voided' : record.state === 'synced' ? 'synced' : 'pending',
  };
}

/**
 * Connector voided the invoice: the record says `voided`, or it says `void` of an invoice whose
 * reinstatement failed or is being retried (only markVoided writes that status without Zoho's
 * answer saying so). The decision reinstates such an invoice when the order is invoiced again.
 */
function voidedByConnector(record: OrderSyncEntity): boolean {
  return record.state === 'voided' || (record.invoiceStatus === 'void' && (record.state === 'failed' || record.state === 'pending'));
}

/**
 * The order decision on a link (the live run's, or a dry run's simulated one). A link still
 * `voided` whose invoice a reinstatement already reopened as a draft in Zoho (its write failed
 * and is retried) holds an invoice that is not void: a cancellation meanwhile voids it again,
 * as it would a synced one, instead of being skipped as "already void".
 */
export function decideOnLink(order: WooOrder, existing: ExistingInvoiceLink | undefined, syncStatuses: readonly string[] | undefined): OrderDecision {
  const decision = decideOrderAction({ order, existing, syncStatuses });
  if (decision.action !== 'skip' || existing?.state !== 'voided' || existing.invoiceStatus !== 'draft') return decision;
  const reopened = decideOrderAction({ order, existing: { ...existing, state: 'synced' }, syncStatuses });
  return reopened.action === 'void' ? reopened : decision;
}
