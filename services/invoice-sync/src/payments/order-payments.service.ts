import { Inject, Injectable } from '@nestjs/common';
import { buildPayment, Decimal, paidAtGmt, paidOn, paymentIsBooked, paymentReference, reappliedPayment } from '@connector/accounting';
import { describeError, isTransient, Logger } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { ConnectionEntity, ConnectionSettings, connectionSettings, OrderPaymentEntity, OrderSyncEntity } from '@connector/persistence';
import { LOGGER } from '@connector/platform';
import type { ZohoBooksClient, ZohoCustomerPayment, ZohoInvoice, ZohoPaymentModeName } from '@connector/zoho-books';
import type { Outcome } from '../orders/order-audit-entry';
import { OrderSyncMetrics } from '../orders/order-sync.metrics';
import { OrderSyncRepository } from '../orders/order-sync.repository';
import { plannedPaymentKey } from '../refunds/dry-run-keys';
import { RefundCreditRepository } from '../refunds/refund-credit.repository';
import { bookedRate, ExchangeRates } from '../zoho/exchange-rates';
import { LostCreateGuard } from '../zoho/lost-create-guard';
import { OrderPaymentRepository } from './order-payment.repository';

/** The order's booked payment, read at most once per event (OrderSyncService.apply). */
export type BookedPaymentRead = () => Promise<OrderPaymentEntity | undefined>;

/** The audit action of a payment applied anew to its invoice. */
const REAPPLY_PAYMENT = 'reapply-payment';

/** What the payment step needs of the order's invoice: the one this event wrote, or read from Zoho. */
type InvoiceState = Pick<ZohoInvoice, 'invoice_id' | 'customer_id' | 'balance' | 'total' | 'status'>;

/**
 * Books a paid order's money in Zoho, after its invoice is in step, when the connection asks for
 * it (settings.paymentsSince):
 * - one customer payment per order, of the order's total, applied to its invoice up to the
 *   invoice's balance (recording a payment also takes a draft invoice to sent, as in Books);
 * - exactly once: the link is claimed (`creating`) before the create call, and a retry in that
 *   state searches Zoho by reference number (`<order>-P`) first;
 * - never for an order paid before paymentsSince (its payment may be in the books by hand), nor
 *   for a void invoice. Refunds are credit notes (RefundCreditsService), not a smaller payment;
 * - the payment follows its invoice when the order's total changes after it was paid: the money
 *   booked stays as it came in, and is applied anew to what the invoice can take (Zoho refuses an
 *   invoice total below the payments applied to it); the rest is the customer's credit.
 */
@Injectable()
export class OrderPaymentsService {
  constructor(
    private readonly payments: OrderPaymentRepository,
    private readonly records: OrderSyncRepository,
    private readonly credits: RefundCreditRepository,
    private readonly metrics: OrderSyncMetrics,
    private readonly exchangeRates: ExchangeRates,
    private readonly lostCreates: LostCreateGuard,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The payment's outcome, or nothing when there is none to book (most events: no query, no call). */
  async reconcile(
    connection: ConnectionEntity, order: WooOrder, currentRecord: () => Promise<OrderSyncEntity>, zoho: ZohoBooksClient, written: InvoiceState | undefined,
  ): Promise<Outcome[]> {
    const settings = connectionSettings(connection);
    const paidAt = settings.paymentsSince ? paidAtGmt(order) : null;
    if (!paidAt) return [];
    const record = await currentRecord();
    if (!record.invoiceId || record.state === 'voided' || record.invoiceStatus === 'void') return [];
    const existing = await this.payments.find(connection.id, order.id);
    if (existing?.state === 'recorded' || existing?.state === 'skipped') return [];
    if (paidAt < settings.paymentsSince!) {
      const reason = `order ${order.number || order.id} was paid on ${paidAt} UTC, before payments were booked (settings.paymentsSince ${settings.paymentsSince}): not recorded; record it by hand if Zoho does not have it`;
      await this.payments.markSkipped(connection.id, order.id, record.invoiceId, reason);
      this.metrics.payments.inc({ outcome: 'skipped' });
      return [{ action: 'skip', outcome: 'skipped', message: reason }];
    }
    // Claimed first, so that whatever fails below leaves a record of this payment with its reason.
    await this.payments.claim(connection.id, order.id, record.invoiceId);
    try {
      // Only a link claimed by an earlier attempt can have a payment whose answer was lost.
      const recovered = existing ? await this.findByReference(zoho, paymentReference(order), existing.createdAt) : undefined;
      return [await this.record(connection, settings, order, record, zoho, written, recovered)];
    } catch (error) {
      await this.payments.markFailed(connection.id, order.id, describeError(error), isTransient(error));
      if (!isTransient(error)) this.metrics.payments.inc({ outcome: 'failed' });
      throw error;
    }
  }

  /**
   * Before the invoice of an order whose payment Connector booked is rewritten to `newTotal`: when
   * that would leave the invoice less than the payment (and the credit notes) apply to it, the
   * payment is applied anew to what the invoice can take. Only on an invoice update; one query and
   * no call when the payment fits. A payment whose create answer was lost is adopted first
   * (recoverClaimed): it is on the invoice in Zoho, and would make the update refused.
   */
  async makeRoom(connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient, newTotal: string, bookedPayment: BookedPaymentRead): Promise<Outcome[]> {
    const recovered = await this.recoverClaimed(connection, order, record, zoho);
    const booked = await bookedPayment();
    if (!booked) return recovered;
    const room = await this.roomOn(connection, order, booked.invoiceId!, newTotal);
    if (!room.lt(booked.appliedAmount ?? '0')) return recovered;
    return [...recovered, await this.reapply(connection, order, record, zoho, booked, room, `the order's total fell to ${newTotal} after it was paid`)];
  }

  /**
   * Before the invoice is rewritten: the payment an earlier attempt claimed and made, whose answer
   * was lost, found by reference and recorded (as reconcile would, after the write). One query,
   * only for a paid order the connection books payments of; a search only for such a claim.
   */
  private async recoverClaimed(connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient): Promise<Outcome[]> {
    const settings = connectionSettings(connection);
    if (!settings.paymentsSince || !paidAtGmt(order) || !record.invoiceId) return [];
    const claimed = await this.payments.find(connection.id, order.id);
    if (!claimed || (claimed.state !== 'creating' && claimed.state !== 'failed') || claimed.invoiceId !== record.invoiceId) return [];
    const recovered = await this.findByReference(zoho, paymentReference(order), claimed.createdAt);
    return recovered ? [await this.record(connection, settings, order, record, zoho, undefined, recovered)] : [];
  }

  /**
   * After the invoice was rewritten: a payment of which less is applied than came in (its total
   * fell earlier, or it was voided and is now reinstated) takes up what the invoice owes now.
   */
  async followInvoice(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient, written: InvoiceState | undefined, bookedPayment: BookedPaymentRead,
  ): Promise<Outcome[]> {
    if (!written || !Decimal.from(written.balance ?? 0).isPositive()) return [];
    const booked = await bookedPayment();
    if (!booked || booked.invoiceId !== written.invoice_id || !Decimal.from(booked.zohoAmount ?? '0').gt(booked.appliedAmount ?? '0')) return [];
    const room = Decimal.from(booked.appliedAmount ?? '0').add(Decimal.from(written.balance!));
    return [await this.reapply(connection, order, record, zoho, booked, room, `the invoice owes ${Decimal.from(written.balance!).toString()} now`)];
  }

  /**
   * The order's invoice was voided: Zoho takes the payments off a void invoice and keeps the money
   * as the customer's credit. The payment's record says so (nothing applied, and what to do); no call.
   */
  async noteVoided(connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, bookedPayment: BookedPaymentRead): Promise<Outcome[]> {
    const booked = await bookedPayment();
    if (!booked) return [];
    const reason = `invoice ${record.invoiceNumber ?? record.invoiceId} voided (order ${order.status}): the ${booked.appliedAmount} of this payment applied to it is the customer's credit in Zoho; give it back or apply it there (reinstating the order applies it again)`;
    await this.payments.noteApplied(connection.id, order.id, Decimal.ZERO.toFixed(Decimal.from(booked.zohoAmount ?? '0').scale), reason);
    return [{ action: 'unapply-payment', outcome: 'ok', message: `payment ${booked.paymentId}: ${reason}`, detail: { paymentId: booked.paymentId } }];
  }

  /** Replay dry run: how makeRoom and followInvoice would apply the payment anew, for an invoice update to `newTotal`. */
  async previewReapplication(connection: ConnectionEntity, order: WooOrder, invoiceId: string, newTotal: string): Promise<Array<{ action: string; message: string }>> {
    const booked = await this.bookedOn(connection, order.id, invoiceId);
    if (!booked) return [];
    const room = await this.roomOn(connection, order, invoiceId, newTotal);
    const target = Decimal.min(booked.zohoAmount ?? '0', room);
    if (target.compare(booked.appliedAmount ?? '0') === 0) return [];
    return [{ action: REAPPLY_PAYMENT, message: `would apply ${target.toFixed(Decimal.from(booked.zohoAmount ?? '0').scale)} of payment ${booked.paymentId} (${booked.zohoAmount}) to the invoice, now ${booked.appliedAmount}; the rest is the customer's credit` }];
  }

  /** What an invoice rewritten to `newTotal` can take of a payment: its total less the order's credit notes applied to it. */
  private async roomOn(connection: ConnectionEntity, order: WooOrder, invoiceId: string, newTotal: string): Promise<Decimal> {
    return Decimal.max(0, Decimal.from(newTotal).sub(await this.credits.appliedTo(connection.id, order.id, invoiceId)));
  }

  /** The order's payment booked by Connector on this invoice, if any (the steps that move it take it from OrderSyncService, read once per event). */
  async bookedOn(connection: ConnectionEntity, orderId: number, invoiceId: string | null | undefined): Promise<OrderPaymentEntity | undefined> {
    if (!invoiceId) return undefined;
    const booked = await this.payments.find(connection.id, orderId);
    return booked?.state === 'recorded' && booked.paymentId && booked.invoiceId === invoiceId ? booked : undefined;
  }

  /**
   * Applies the booked payment anew: read as Zoho has it (the owner may have applied part of it to
   * another invoice, or edited it), and written back whole with only this invoice's share changed,
   * since Zoho's update replaces every application. Two calls, only when an order's total changed
   * after it was paid or its invoice is reinstated.
   */
  private async reapply(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient, booked: OrderPaymentEntity, room: Decimal, why: string,
  ): Promise<Outcome> {
    const current = await zoho.getCustomerPayment(booked.paymentId!);
    const invoiceId = booked.invoiceId!;
    const plan = reappliedPayment({ amount: current.amount, invoices: current.invoices ?? [] }, invoiceId, room.toString());
    const payment = await zoho.updateCustomerPayment(booked.paymentId!, {
      customer_id: current.customer_id,
      // As Zoho has it: a mode the organization added in Books is kept too.
      payment_mode: current.payment_mode as ZohoPaymentModeName,
      amount: current.amount,
      date: current.date,
      ...(current.reference_number !== undefined ? { reference_number: current.reference_number } : {}),
      ...(current.description !== undefined ? { description: current.description } : {}),
      ...(typeof current.account_id === 'string' && current.account_id ? { account_id: current.account_id } : {}),
      ...(current.exchange_rate !== undefined ? { exchange_rate: current.exchange_rate } : {}),
      invoices: plan.invoices,
    });
    const scale = Decimal.from(booked.zohoAmount ?? String(current.amount)).scale;
    const before = booked.appliedAmount;
    const onInvoice = payment.invoices?.find((entry) => entry.invoice_id === invoiceId);
    const applied = Decimal.from(onInvoice?.amount_applied ?? 0);
    const amount = Decimal.from(payment.amount).toFixed(scale);
    const unapplied = Decimal.from(payment.amount).sub(Decimal.sum((payment.invoices ?? []).map((entry) => Decimal.from(entry.amount_applied))));
    const reason = applied.lt(payment.amount)
      ? `only ${applied.toFixed(scale)} of ${amount} applied: ${why}${unapplied.isPositive() ? `; ${unapplied.toFixed(scale)} is the customer's credit in Zoho` : ''}`
      : null;
    await this.noteInvoiceStatus(connection.id, order.id, onInvoice);
    await this.payments.noteApplied(connection.id, order.id, applied.toFixed(scale), reason);
    // The row as it is now, for a later step of the same event.
    booked.appliedAmount = applied.toFixed(scale);
    booked.reason = reason;
    this.metrics.payments.inc({ outcome: 'reapplied' });
    return {
      action: REAPPLY_PAYMENT,
      outcome: 'ok',
      message: `payment ${payment.payment_id}: ${applied.toFixed(scale)} of ${amount} applied to invoice ${record.invoiceNumber ?? invoiceId}, was ${before} (${why}${unapplied.isPositive() ? `; ${unapplied.toFixed(scale)} is the customer's credit` : ''})`,
      detail: { paymentId: payment.payment_id },
    };
  }

  /**
   * Replay dry run: the payment the live run would record for this snapshot, listed once per dry
   * run. A payment an earlier attempt claimed is looked for by reference first, as reconcile does
   * (one Zoho read): one found is adopted, not made again.
   */
  async preview(
    connection: ConnectionEntity, order: WooOrder, invoice: { invoiceId?: string; void: boolean }, seen: Map<string, unknown>, zoho: () => Promise<ZohoBooksClient>,
  ): Promise<Array<{ action: string; message: string }>> {
    if (!paymentIsBooked(order, connectionSettings(connection).paymentsSince) || !invoice.invoiceId || invoice.void) return [];
    const existing = await this.payments.find(connection.id, order.id);
    const key = plannedPaymentKey(connection.id, order.id);
    if (existing?.state === 'recorded' || existing?.state === 'skipped' || seen.has(key)) return [];
    seen.set(key, true);
    const recovered = existing ? await this.findByReference(await zoho(), paymentReference(order), existing.createdAt) : undefined;
    if (recovered) {
      return [{ action: 'recover-payment', message: `would adopt payment ${recovered.payment_id} of ${recovered.amount} for order ${order.number || order.id} (made by an attempt whose answer was lost; found by reference ${paymentReference(order)})` }];
    }
    return [{ action: 'record-payment', message: `would record a payment of ${Decimal.from(order.total).toString()} for order ${order.number || order.id} and apply it to its invoice` }];
  }

  private async record(
    connection: ConnectionEntity, settings: ConnectionSettings, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient, written: InvoiceState | undefined,
    recovered: ZohoCustomerPayment | undefined,
  ): Promise<Outcome> {
    const invoiceId = record.invoiceId!;
    let payment: ZohoCustomerPayment;
    let orderTotal: string;
    let sentRate: number | undefined;
    if (recovered) {
      payment = recovered;
      orderTotal = Decimal.from(order.total).toString();
      this.logger.warn({ connectionId: connection.id, orderId: order.id, paymentId: payment.payment_id }, 'adopted a payment whose create response was lost');
    } else {
      // The invoice as this event wrote it, else as Zoho has it now (one read, only on this path).
      const invoice = written?.invoice_id === invoiceId ? written : await zoho.getInvoice(invoiceId);
      const plan = buildPayment(order, {
        customerId: invoice.customer_id ?? record.contactId!,
        invoiceId,
        invoiceBalance: String(invoice.balance ?? invoice.total),
        storeTimeZone: settings.storeTimeZone,
        accountId: settings.paymentAccountId,
        modes: settings.paymentModes,
        exchangeRate: await this.exchangeRates.rateFor(connection, zoho, order.currency, paidOn(order, settings.storeTimeZone)),
      });
      sentRate = plan.payload.exchange_rate;
      payment = await zoho.createCustomerPayment(plan.payload);
      orderTotal = plan.amount;
    }
    this.metrics.payments.inc({ outcome: recovered ? 'recovered' : 'recorded' });

    const scale = Decimal.from(orderTotal).scale;
    const zohoAmount = Decimal.from(payment.amount).toFixed(scale);
    const onInvoice = payment.invoices?.find((entry) => entry.invoice_id === invoiceId);
    const applied = Decimal.from(onInvoice?.amount_applied ?? 0);
    const appliedAmount = applied.toFixed(scale);
    const reconciled = Decimal.from(payment.amount).compare(orderTotal) === 0;
    const notes = [
      reconciled ? null : `Zoho amount ${zohoAmount} differs from the order total ${orderTotal}`,
      applied.lt(payment.amount) ? `only ${appliedAmount} of ${zohoAmount} applied: the invoice's balance; the rest is the customer's credit` : null,
    ].filter((note): note is string => note !== null);
    await this.noteInvoiceStatus(connection.id, order.id, onInvoice);
    await this.payments.markRecorded(connection.id, order.id, {
      paymentId: payment.payment_id,
      invoiceId,
      paymentMode: payment.payment_mode,
      paidOn: payment.date,
      orderTotal,
      zohoAmount,
      appliedAmount,
      exchangeRate: bookedRate(sentRate, payment.exchange_rate),
      reason: notes.join('; ') || null,
    });
    if (!reconciled) this.logger.error({ connectionId: connection.id, orderId: order.id, zohoAmount, orderTotal }, 'payment amount differs from order total');
    return {
      action: recovered ? 'recover-payment' : 'record-payment',
      outcome: 'ok',
      message:
        `payment ${payment.payment_id} (${payment.payment_mode}, ${payment.date}): Zoho amount ${zohoAmount}, order total ${orderTotal}${reconciled ? '' : ' (NOT reconciled)'}, ` +
        `${appliedAmount} applied to invoice ${record.invoiceNumber ?? invoiceId}${notes.length ? ` (${notes.join('; ')})` : ''}`,
      detail: { paymentId: payment.payment_id, reference: payment.reference_number },
    };
  }

  /**
   * A payment applied to the invoice takes it out of draft: the record says what Zoho now shows.
   * Noted before the payment's own row, so no reader sees a recorded payment on a draft invoice.
   */
  private async noteInvoiceStatus(connectionId: string, orderId: number, onInvoice: NonNullable<ZohoCustomerPayment['invoices']>[number] | undefined): Promise<void> {
    if (onInvoice?.balance_amount === undefined) return;
    await this.records.noteInvoiceStatus(connectionId, orderId, Decimal.from(onInvoice.balance_amount).isPositive() ? 'partially_paid' : 'paid');
  }

  /**
   * A payment made for this order since its claim whose response was lost (LostCreateGuard), read
   * whole: list rows need not carry the invoices it was applied to.
   */
  private async findByReference(zoho: ZohoBooksClient, reference: string, claimedAt: Date): Promise<ZohoCustomerPayment | undefined> {
    const found = await zoho.findPaymentsByReference(reference);
    const [ours] = await this.lostCreates.adoptable('payment', found, (payment) => ({ id: payment.payment_id, createdTime: payment.created_time }), claimedAt);
    return ours ? zoho.getCustomerPayment(ours.payment_id) : undefined;
  }
}
