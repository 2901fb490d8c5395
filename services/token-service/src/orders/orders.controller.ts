import { BadRequestException, ConflictException, Controller, DefaultValuePipe, Get, HttpCode, NotFoundException, Param, ParseBoolPipe, ParseIntPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Decimal } from '@connector/accounting';
import { AuditTrail, ConnectionStore, DeadLetterStore, OrderPaymentEntity, OrderSyncEntity, RefundCreditEntity } from '@connector/persistence';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { EventRepublisher } from '../replay/event-republisher';

@ApiTags('orders')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('api/connections/:id/orders')
export class OrdersController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly audit: AuditTrail,
    private readonly deadLetters: DeadLetterStore,
    private readonly republisher: EventRepublisher,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Order sync records: state, invoice, both totals (filter: state, notReconciled)' })
  async list(
    @Param('id') id: string,
    @Query('state') state?: string,
    @Query('notReconciled', new DefaultValuePipe(false), ParseBoolPipe) notReconciled?: boolean,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit?: number,
  ) {
    await this.requireConnection(id);
    const query = this.dataSource
      .getRepository(OrderSyncEntity)
      .createQueryBuilder('o')
      .where('o.connection_id = :id', { id })
      .orderBy('o.updated_at', 'DESC')
      .limit(Math.min(Math.max(limit ?? 100, 1), 1000));
    if (state) query.andWhere('o.state = :state', { state });
    if (notReconciled) query.andWhere("o.state = 'synced' AND o.zoho_total IS DISTINCT FROM o.order_total");
    return (await query.getMany()).map(orderView);
  }

  @Get(':orderId')
  @ApiOperation({ summary: "One order's sync record and its story (its payment, credit notes of its refunds, audit trail, dead letters)" })
  async get(@Param('id') id: string, @Param('orderId') orderId: string) {
    await this.requireConnection(id);
    const record = await this.find(id, orderId);
    const [payment, credits, trail, letters] = await Promise.all([
      this.dataSource.getRepository(OrderPaymentEntity).findOneBy({ connectionId: id, orderId }),
      this.dataSource.getRepository(RefundCreditEntity).find({ where: { connectionId: id, orderId }, order: { refundId: 'ASC' } }),
      this.audit.forResource(id, 'order', orderId),
      this.deadLetters.list({ connectionId: id }),
    ]);
    const seqs = new Set(record.streamSeqs.map(String));
    return { ...orderView(record), payment: payment ? paymentView(payment) : null, creditNotes: credits.map(creditNoteView), audit: trail, deadLetters: letters.filter((l) => seqs.has(String(l.streamSeq))) };
  }

  @Post(':orderId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the latest event of this order through the pipeline again' })
  async retry(@Param('id') id: string, @Param('orderId') orderId: string) {
    await this.requireConnection(id);
    const record = await this.find(id, orderId);
    const latest = record.streamSeqs.map(Number).sort((a, b) => b - a)[0];
    if (!latest) throw new BadRequestException(`Order ${orderId} has no recorded event to retry`);
    return this.republisher.republish(latest, `retry of order ${orderId}`);
  }

  @Post(':orderId/rebook')
  @HttpCode(202)
  @ApiOperation({ summary: 'Book an order whose invoice was deleted in Zoho as a new invoice (forget the deleted one, run its latest event again)' })
  async rebook(@Param('id') id: string, @Param('orderId') orderId: string) {
    await this.requireConnection(id);
    const record = await this.find(id, orderId);
    const invoice = record.invoiceNumber ?? record.invoiceId;
    if (!record.invoiceDeletedAt || !record.invoiceId) {
      throw new ConflictException(
        `Order ${orderId}: rebook is only for an order whose invoice was deleted in Zoho, and ${invoice ? `its invoice ${invoice} was not found deleted` : 'it has no invoice'}; use retry instead`,
      );
    }
    const latest = record.streamSeqs.map(Number).sort((a, b) => b - a)[0];
    if (!latest) throw new BadRequestException(`Order ${orderId} has no recorded event to rebook`);
    const booked = await this.bookedWithInvoice(id, orderId);
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
              zoho_total = NULL, adjustment = NULL, adjustment_reason = NULL, exchange_rate = NULL, create_claimed_at = NULL,
              modified_gmt = NULL, content_hash = NULL, body_digest = NULL, invoice_deleted_at = NULL,
              reason = $4, updated_at = now()
        WHERE connection_id = $1 AND order_id = $2 AND invoice_id = $3 AND invoice_deleted_at IS NOT NULL`,
      [id, orderId, record.invoiceId, `rebooking: invoice ${invoice} was deleted in Zoho; a new invoice is being made`],
    );
    if (cleared === 0) throw new ConflictException(`Order ${orderId} changed meanwhile; look at it again`);
    await this.audit.record({
      connectionId: id,
      service: 'token-service',
      resource: 'order',
      resourceId: orderId,
      action: 'rebook',
      outcome: 'ok',
      message: `invoice ${invoice} (${record.invoiceId}) was deleted in Zoho: forgotten at the owner's request; event ${latest} runs again to book a new invoice`,
      detail: { deletedInvoiceId: record.invoiceId, deletedInvoiceNumber: record.invoiceNumber, invoiceDeletedAt: record.invoiceDeletedAt },
    });
    return this.republisher.republish(latest, `rebook of order ${orderId}`);
  }

  /** The payment and credit notes Connector booked in Zoho for the order, in words ("payment 46…"). */
  private async bookedWithInvoice(id: string, orderId: string): Promise<string[]> {
    const [payment, credits] = await Promise.all([
      this.dataSource.getRepository(OrderPaymentEntity).findOneBy({ connectionId: id, orderId }),
      this.dataSource.getRepository(RefundCreditEntity).find({ where: { connectionId: id, orderId } }),
    ]);
    const notes = credits.filter((c) => c.creditNoteId && c.state !== 'voided').map((c) => c.creditNoteNumber ?? c.creditNoteId);
    return [
      ...(payment?.paymentId ? [`payment ${payment.paymentId}`] : []),
      ...(notes.length > 0 ? [`credit note${notes.length === 1 ? '' : 's'} ${notes.join(', ')}`] : []),
    ];
  }

  private async find(id: string, orderId: string): Promise<OrderSyncEntity> {
    if (!/^\d{1,18}$/.test(orderId)) throw new NotFoundException(`Order ${orderId} has no sync record`);
    const record = await this.dataSource.getRepository(OrderSyncEntity).findOne({ where: { connectionId: id, orderId } });
    if (!record) throw new NotFoundException(`Order ${orderId} has no sync record`);
    return record;
  }

  private async requireConnection(id: string) {
    if (!(await this.connections.find(id))) throw new NotFoundException(`Connection ${id} does not exist`);
  }
}

export function orderView(record: OrderSyncEntity) {
  return {
    orderId: Number(record.orderId),
    orderNumber: record.orderNumber,
    orderStatus: record.orderStatus,
    state: record.state,
    reason: record.reason,
    invoice: record.invoiceId
      ? { id: record.invoiceId, number: record.invoiceNumber, status: record.invoiceStatus }
      : null,
    contactId: record.contactId,
    currency: record.currency,
    /** The invoice's rate to the organization's base currency; null in the base currency. */
    exchangeRate: record.exchangeRate,
    orderTotal: record.orderTotal,
    zohoTotal: record.zohoTotal,
    reconciled: record.orderTotal !== null && record.zohoTotal !== null && Decimal.from(record.orderTotal).compare(record.zohoTotal) === 0,
    adjustment: record.adjustment,
    adjustmentReason: record.adjustmentReason,
    modifiedGmt: record.modifiedGmt,
    streamSeqs: record.streamSeqs.map(Number),
    attempts: record.attempts,
    /** When the invoice was found deleted in Zoho (the order then waits for a rebook); null otherwise. */
    invoiceDeletedAt: record.invoiceDeletedAt,
    updatedAt: record.updatedAt,
  };
}

/** A refund and the Zoho credit note that books it. */
export function creditNoteView(credit: RefundCreditEntity) {
  return {
    refundId: Number(credit.refundId),
    state: credit.state,
    reason: credit.reason,
    creditNote: credit.creditNoteId ? { id: credit.creditNoteId, number: credit.creditNoteNumber } : null,
    invoiceId: credit.invoiceId,
    refundTotal: credit.refundTotal,
    zohoTotal: credit.zohoTotal,
    reconciled: credit.refundTotal !== null && credit.zohoTotal !== null && Decimal.from(credit.refundTotal).compare(credit.zohoTotal) === 0,
    adjustment: credit.adjustment,
    appliedAmount: credit.appliedAmount,
    exchangeRate: credit.exchangeRate,
    /** Given back to the customer out of the credit note (an order whose payment was booked). */
    cashRefund: credit.cashRefundId ? { id: credit.cashRefundId, amount: credit.cashRefundedAmount } : null,
    attempts: credit.attempts,
    updatedAt: credit.updatedAt,
  };
}

/** The order's payment and the Zoho customer payment that books it. */
export function paymentView(payment: OrderPaymentEntity) {
  return {
    state: payment.state,
    reason: payment.reason,
    paymentId: payment.paymentId,
    invoiceId: payment.invoiceId,
    mode: payment.paymentMode,
    date: payment.paidOn,
    orderTotal: payment.orderTotal,
    zohoAmount: payment.zohoAmount,
    reconciled: payment.orderTotal !== null && payment.zohoAmount !== null && Decimal.from(payment.orderTotal).compare(payment.zohoAmount) === 0,
    appliedAmount: payment.appliedAmount,
    exchangeRate: payment.exchangeRate,
    attempts: payment.attempts,
    updatedAt: payment.updatedAt,
  };
}
