import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditTrail, DeadLetterStore, OrderPaymentEntity, OrderSyncEntity, RefundCreditEntity } from '@connector/persistence';
import { retryOrderEvents } from '../dead-letters/dead-letter-retries';
import { EventRepublisher } from '../replay/event-republisher';
import { NewestOrderEvent } from './newest-order-event';

/**
 * Books an order whose invoice was deleted in Zoho as a new invoice, when its owner asks:
 * invoice-sync never does on its own (InvoiceDeletedInZohoError). The record forgets the deleted
 * invoice and the snapshot it showed, and the order's latest event runs again, which creates one.
 */
@Injectable()
export class OrderRebook {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
    private readonly republisher: EventRepublisher,
    private readonly newestEvent: NewestOrderEvent,
    private readonly deadLetters: DeadLetterStore,
  ) {}

  async rebook(record: OrderSyncEntity): Promise<{ originalSeq: number; seq: number }> {
    const { connectionId, orderId } = record;
    const invoice = record.invoiceNumber ?? record.invoiceId;
    if (!record.invoiceDeletedAt || !record.invoiceId) {
      throw new ConflictException(
        `Order ${orderId}: rebook is only for an order whose invoice was deleted in Zoho, and ${invoice ? `its invoice ${invoice} was not found deleted` : 'it has no invoice'}; use retry instead`,
      );
    }
    const latest = await this.newestEvent.of(record.streamSeqs);
    if (!latest) throw new BadRequestException(`Order ${orderId} has no recorded event to rebook`);
    const booked = await this.bookedWithInvoice(connectionId, orderId);
    if (booked.length > 0) {
      // Zoho keeps a payment or credit note apart from the invoice it was applied to; booking them
      // again for a new invoice could count the money twice, and Connector cannot tell.
      throw new ConflictException(
        `Order ${orderId}: Connector booked ${booked.join(' and ')} with the deleted invoice ${invoice}, which Zoho keeps apart from it; ` +
          'a new invoice from Connector could count that money twice, so book this order in Zoho by hand',
      );
    }
    // Only while the record still says deleted: an event handled meanwhile may have changed it.
    const [, cleared] = await this.dataSource.query(
      `UPDATE order_syncs SET state = 'pending', invoice_id = NULL, invoice_number = NULL, invoice_status = NULL, invoice_hash = NULL,
              zoho_total = NULL, adjustment = NULL, adjustment_reason = NULL, exchange_rate = NULL, create_claimed_at = NULL, create_sent_at = NULL,
              modified_gmt = NULL, content_hash = NULL, body_digest = NULL, invoice_deleted_at = NULL,
              reason = $4, updated_at = now()
        WHERE connection_id = $1 AND order_id = $2 AND invoice_id = $3 AND invoice_deleted_at IS NOT NULL`,
      [connectionId, orderId, record.invoiceId, `rebooking: invoice ${invoice} was deleted in Zoho; a new invoice is being made`],
    );
    if (cleared === 0) throw new ConflictException(`Order ${orderId} changed meanwhile; look at it again`);
    await this.audit.record({
      connectionId,
      service: 'token-service',
      resource: 'order',
      resourceId: orderId,
      action: 'rebook',
      outcome: 'ok',
      message: `invoice ${invoice} (${record.invoiceId}) was deleted in Zoho: forgotten at the owner's request; event ${latest} runs again to book a new invoice`,
      detail: { deletedInvoiceId: record.invoiceId, deletedInvoiceNumber: record.invoiceNumber, invoiceDeletedAt: record.invoiceDeletedAt },
    });
    return retryOrderEvents(this.deadLetters, this.republisher, record, latest, `rebook of order ${orderId}`);
  }

  /** The payment and credit notes Connector booked in Zoho for the order, in words ("payment 46…"). */
  private async bookedWithInvoice(connectionId: string, orderId: string): Promise<string[]> {
    const [payment, credits] = await Promise.all([
      this.dataSource.getRepository(OrderPaymentEntity).findOneBy({ connectionId, orderId }),
      this.dataSource.getRepository(RefundCreditEntity).find({ where: { connectionId, orderId } }),
    ]);
    const notes = credits.filter((c) => c.creditNoteId && c.state !== 'voided').map((c) => c.creditNoteNumber ?? c.creditNoteId);
    return [
      ...(payment?.paymentId ? [`payment ${payment.paymentId}`] : []),
      ...(notes.length > 0 ? [`credit note${notes.length === 1 ? '' : 's'} ${notes.join(', ')}`] : []),
    ];
  }
}
