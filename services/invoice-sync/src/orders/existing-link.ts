import type { ExistingInvoiceLink } from '@connector/accounting';
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
