import { Inject, Injectable } from '@nestjs/common';
import { Logger, PermanentError } from '@connector/common';
import { LOGGER } from '@connector/platform';
import type { OrderSyncEntity } from '@connector/persistence';
import { ZohoApiError, ZohoBooksClient, ZohoNotFoundError } from '@connector/zoho-books';
import { OrderSyncRepository } from './order-sync.repository';

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
 * Tells an invoice deleted in Zoho from other refusals of the steps on it, and records it. Zoho's
 * refusal may be about something else the call refers to (a contact, an item), so the invoice is
 * read once to be sure, except after a read of it that was answered "not found".
 */
@Injectable()
export class DeletedInvoices {
  constructor(
    private readonly records: OrderSyncRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A call on the order's invoice (update, void, reopen), whose "not found" may mean it was deleted. */
  async call<T>(record: OrderSyncEntity, zoho: ZohoBooksClient, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw error instanceof ZohoNotFoundError ? await this.explain(record, zoho, error) : error;
    }
  }

  /**
   * Zoho's refusal of a step on the order's invoice as it was, or InvoiceDeletedInZohoError when
   * the invoice is gone (the record then says when it was found deleted). A payment or credit note
   * for a deleted invoice is refused in words about the invoice, not with a "not found", so any
   * Zoho refusal of those steps is worth the read.
   */
  async explain(record: OrderSyncEntity, zoho: ZohoBooksClient, refusal: unknown): Promise<unknown> {
    if (!record.invoiceId || !(refusal instanceof ZohoApiError)) return refusal;
    const readAlready = refusal instanceof ZohoNotFoundError && refusal.operation === `GET /invoices/${record.invoiceId}`;
    if (!readAlready && !(await invoiceIsGone(zoho, record.invoiceId))) return refusal;
    await this.records.markInvoiceDeleted(record.connectionId, record.orderId);
    this.logger.warn({ connectionId: record.connectionId, orderId: record.orderId, invoiceId: record.invoiceId }, "the order's invoice was deleted in Zoho");
    return new InvoiceDeletedInZohoError(record);
  }
}

/** Whether Zoho no longer has the invoice; a read that fails for another reason answers no. */
async function invoiceIsGone(zoho: ZohoBooksClient, invoiceId: string): Promise<boolean> {
  try {
    await zoho.getInvoice(invoiceId);
    return false;
  } catch (error) {
    return error instanceof ZohoNotFoundError;
  }
}
