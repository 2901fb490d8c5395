import { BadRequestException, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Decimal } from '@connector/accounting';
import { AuditTrail, ConnectionStore, DeadLetterStore, OrderPaymentEntity, OrderSyncEntity, RefundCreditEntity } from '@connector/persistence';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { retryOrderEvents } from '../dead-letters/dead-letter-retries';
import { EventRepublisher } from '../replay/event-republisher';
import { ListOrdersQuery, ORDERS_PER_ANSWER } from './dto/list-orders.query';
import { OrderRebook } from './order-rebook.service';
import { NewestOrderEvent } from './newest-order-event';

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
    private readonly rebooks: OrderRebook,
    private readonly newestEvent: NewestOrderEvent,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Order sync records: state, invoice, both totals (filter: state, notReconciled)' })
  async list(@Param('id') id: string, @Query() { state, notReconciled, limit }: ListOrdersQuery) {
    await this.requireConnection(id);
    const query = this.dataSource
      .getRepository(OrderSyncEntity)
      .createQueryBuilder('o')
      .where('o.connection_id = :id', { id })
      .orderBy('o.updated_at', 'DESC')
      .limit(Math.min(limit, ORDERS_PER_ANSWER));
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
  @ApiOperation({ summary: 'Run the event with the newest snapshot of this order through the pipeline again' })
  async retry(@Param('id') id: string, @Param('orderId') orderId: string) {
    await this.requireConnection(id);
    const record = await this.find(id, orderId);
    const latest = await this.newestEvent.of(record.streamSeqs);
    if (!latest) throw new BadRequestException(`Order ${orderId} has no recorded event to retry`);
    return retryOrderEvents(this.deadLetters, this.republisher, record, latest, `retry of order ${orderId}`);
  }

  @Post(':orderId/rebook')
  @HttpCode(202)
  @ApiOperation({ summary: 'Book an order whose invoice was deleted in Zoho as a new invoice (forget the deleted one, run its latest event again)' })
  async rebook(@Param('id') id: string, @Param('orderId') orderId: string) {
    await this.requireConnection(id);
    return this.rebooks.rebook(await this.find(id, orderId));
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
