import { PermanentError } from '@connector/common';
import type { OrderSyncEntity } from '@connector/persistence';
import { ZohoBooksClient, ZohoNotFoundError } from '@connector/zoho-books';

/**
 * An order's invoice deleted in Zoho by its owner. Connector does not book the order again on its
 * own: the owner may have deleted it on purpose, and a new invoice would undo that behind their
 * back. The record keeps the deleted invoice and the time it was found gone; every later event of
 * the order fails at once with this reason (no Zoho call) until the owner asks for a new invoice.
 */
export class InvoiceDeletedInZohoError extends PermanentError {
  override readonly name = 'InvoiceDeletedInZohoError';

  constructor(record: Pick<OrderSyncEntity, 'connectionId' | 'orderId' | 'invoiceId' | 'invoiceNumber'>) {
    const { connectionId, orderId } = record;
    super(
      `invoice ${record.invoiceNumber ?? record.invoiceId} was deleted in Zoho; Connector does not book the order again on its own. ` +
        `To book it as a new invoice: Book again on the order in the dashboard, connector orders rebook ${connectionId} ${orderId}, ` +
        `or POST /api/connections/${connectionId}/orders/${orderId}/rebook`,
      { code: 'invoice_deleted_in_zoho' },
    );
  }
}

/**
 * Whether Zoho no longer has the invoice: asked after it refused a call on it, since Zoho's refusal
 * may also be about something the call refers to (a contact, an item, a payment). A read that
 * fails for another reason answers no: the refusal then stands as it was.
 */
export async function invoiceIsGone(zoho: ZohoBooksClient, invoiceId: string): Promise<boolean> {
  try {
    await zoho.getInvoice(invoiceId);
    return false;
  } catch (error) {
    return error instanceof ZohoNotFoundError;
  }
}
