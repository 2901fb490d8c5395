import { Inject, Injectable } from '@nestjs/common';
import { buildCashRefund, buildCreditNote, Decimal, refundAsOrder, refundDay } from '@connector/accounting';
import { describeError, isTransient, Logger } from '@connector/common';
import type { WooOrder, WooRefund } from '@connector/contracts';
import type { InboundEvent } from '@connector/messaging';
import { AWAITS_SENT_INVOICE, ConnectionEntity, connectionSettings, OrderPaymentEntity, OrderSyncEntity, RefundCreditEntity } from '@connector/persistence';
import { LOGGER, StoreClients } from '@connector/platform';
import type { ZohoBooksClient, ZohoCreditNote, ZohoCreditNoteRefund } from '@connector/zoho-books';
import { InvoiceContextResolver } from '../orders/invoice-context.resolver';
import { OrderSyncMetrics } from '../orders/order-sync.metrics';
import { OrderSyncRepository } from '../orders/order-sync.repository';
import type { Outcome } from '../orders/order-audit-entry';
import { REFUND_ITEM_LINE, REFUND_KEY } from '../orders/order-lines';
import { OrderPaymentRepository } from '../payments/order-payment.repository';
import { awaitsSentInvoice, openCredit, voidedWithInvoice, voidedWithInvoiceReason } from './credit-link-rules';
import { RefundCreditRepository } from './refund-credit.repository';
import { bookedRate, ExchangeRates } from '../zoho/exchange-rates';
import { LostCreateGuard } from '../zoho/lost-create-guard';

/**
 * Zoho takes credits only on an invoice that is sent (open, overdue, partially paid; a paid one
 * has no balance left, which is said as such). Drafts and void invoices take none.
 */
const CREDITABLE_INVOICE_STATUSES = new Set(['sent', 'overdue', 'partially_paid', 'unpaid', 'viewed', 'paid']);

/**
 * Keeps an order's refunds booked as Zoho credit notes, after its invoice is in step:
 * - a refund in the order's `refunds[]` without a credit note gets one (its full record read from
 *   the store: lines, taxes, amount), made against the order's invoice and applied to it as far
 *   as the invoice's balance goes; an invoice still a draft in Zoho cannot take credits, so the
 *   credit stays open on the customer and the record says so, until the invoice is sent (by
 *   Connector, or by the owner in Zoho: the order's next event applies it);
 * - exactly one credit note per refund: the link is claimed (`creating`) before the create call,
 *   and a retry in that state searches Zoho by reference number (`<order>-R<refund>`) first;
 * - a refund deleted in the store voids its credit note; a voided invoice voids its credit notes
 *   (the void already takes the whole sale off the books);
 * - when the order's payment is booked (OrderPaymentsService), the money went back too: what the
 *   invoice cannot take of the credit is refunded from the payment's deposit account, so the
 *   customer is owed nothing and the account shows the money gone.
 */
@Injectable()
export class RefundCreditsService {
  constructor(
    private readonly links: RefundCreditRepository,
    private readonly payments: OrderPaymentRepository,
    private readonly records: OrderSyncRepository,
    private readonly stores: StoreClients,
    private readonly contexts: InvoiceContextResolver,
    private readonly metrics: OrderSyncMetrics,
    private readonly exchangeRates: ExchangeRates,
    private readonly lostCreates: LostCreateGuard,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The order's invoice is reinstated (OrderSyncService): the credit notes voided with it are
   * forgotten here (Zoho keeps them, void), so its refunds are credited anew against it.
   */
  async releaseVoidedWithInvoice(connectionId: string, orderId: number): Promise<void> {
    await this.links.forget((await this.links.forOrder(connectionId, orderId)).filter(voidedWithInvoice));
  }

  /**
   * Applies to a draft invoice that was just sent (OrderSyncService.sendIfDraft) the credit notes
   * booked while it was a draft, which stayed open on the customer: oldest first, as far as the
   * invoice's balance goes. One outcome per credit note applied; nothing (and no call) for the
   * usual order without such a credit. A credit Zoho does not take stays open, as it was, with the
   * reason on its record: the invoice is sent either way, and the event is not failed for it.
   */
  async applyOpenCredits(connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient, balanceNow?: string | number): Promise<Outcome[]> {
    const open = await this.openCredits(connection, order, record.invoiceId!);
    if (open.length === 0) return [];
    let balance: Decimal;
    try {
      balance = Decimal.from(String(balanceNow ?? (await zoho.getInvoice(record.invoiceId!)).balance ?? 0));
    } catch (error) {
      return this.leaveOpen(open, `reading the sent invoice failed (${describeError(error)})`);
    }
    const outcomes: Outcome[] = [];
    for (const [index, { link, left }] of open.entries()) {
      if (!balance.isPositive()) {
        for (const rest of open.slice(index)) await this.links.noteApplied(rest.link, rest.link.appliedAmount ?? '0', 'the invoice has nothing left to pay: the credit stays open on the customer');
        break;
      }
      const amount = Decimal.min(left, balance);
      try {
        await zoho.applyCreditNoteToInvoices(link.creditNoteId!, [{ invoice_id: record.invoiceId!, amount_applied: amount.toNumber() }]);
      } catch (error) {
        outcomes.push(...(await this.leaveOpen([{ link }], `applying it to the sent invoice failed (${describeError(error)})`)));
        continue;
      }
      const scale = scaleOf(link);
      const applied = Decimal.from(link.appliedAmount ?? '0').add(amount);
      await this.links.noteApplied(link, applied.toFixed(scale), left.gt(amount) ? `only ${applied.toFixed(scale)} applied: the invoice's balance; the rest stays open on the customer` : null);
      balance = balance.sub(amount);
      outcomes.push({
        action: 'apply-credit',
        outcome: 'ok',
        message: `refund ${link.refundId}: ${amount.toFixed(scale)} of credit note ${link.creditNoteNumber ?? link.creditNoteId} applied to invoice ${record.invoiceNumber ?? record.invoiceId}, now that it is sent`,
        detail: { refundId: Number(link.refundId), creditNoteId: link.creditNoteId },
      });
    }
    return outcomes;
  }

  /** Credits Zoho did not take stay open, as they were, with the reason on their records. */
  private async leaveOpen(open: ReadonlyArray<{ link: RefundCreditEntity }>, why: string): Promise<Outcome[]> {
    const reason = `the credit stays open on the customer: ${why}; apply it in Zoho`;
    const outcomes: Outcome[] = [];
    for (const { link } of open) {
      await this.links.noteApplied(link, link.appliedAmount ?? Decimal.ZERO.toFixed(scaleOf(link)), reason);
      outcomes.push({ action: 'apply-credit', outcome: 'failed', message: `refund ${link.refundId}: ${reason}`, detail: { refundId: Number(link.refundId), creditNoteId: link.creditNoteId } });
    }
    return outcomes;
  }

  /** Replay dry run: the credits applyOpenCredits would apply once the invoice is marked as sent. */
  async previewOpenCredits(connection: ConnectionEntity, order: WooOrder, invoiceId: string, seen: Map<string, unknown>): Promise<Array<{ action: string; message: string }>> {
    return (await this.openCredits(connection, order, invoiceId))
      .filter(({ link }) => onceIn(seen, `apply-credit:${connection.id}:${link.refundId}`))
      .map(({ link, left }) => ({
        action: 'apply-credit',
        message: `would apply up to ${left.toString()} of credit note ${link.creditNoteNumber ?? link.creditNoteId} (refund ${link.refundId}) to the invoice once it is sent`,
      }));
  }

  /** The order's credit notes against `invoiceId` with credit left open (neither applied nor given back), oldest first. */
  private async openCredits(connection: ConnectionEntity, order: WooOrder, invoiceId: string): Promise<Array<{ link: RefundCreditEntity; left: Decimal }>> {
    return (await this.links.forOrder(connection.id, order.id))
      .filter((link) => link.state === 'credited' && link.creditNoteId && link.invoiceId === invoiceId)
      .map((link) => ({ link, left: openCredit(link) }))
      .filter(({ left }) => left.isPositive());
  }

  /** What was done, one outcome per credit note written or voided; nothing when the refunds are in step. */
  async reconcile(
    connection: ConnectionEntity, order: WooOrder, currentRecord: () => Promise<OrderSyncEntity>, zoho: ZohoBooksClient, event: InboundEvent,
  ): Promise<Outcome[]> {
    const { live, missing, pending, claimed } = refundWork(await this.links.forOrder(connection.id, order.id), order);
    // Most orders have no refund and no credit note: nothing more is read for them.
    if (live.length === 0 && pending.length === 0) return [];
    const record = await currentRecord();
    if (record.state === 'voided' || record.invoiceStatus === 'void') {
      // Money already given back stays booked: voiding the sale does not undo a refund paid out
      // (Zoho keeps the order's payment as the customer's credit, and this credit note closed).
      return this.voidAll(zoho, live.filter((link) => !link.cashRefundId), voidedWithInvoiceReason(record.invoiceNumber ?? record.invoiceId ?? '', order.status));
    }
    if (missing.length === 0 && pending.length === 0) return this.applyIfSent(connection, order, record, zoho, live);
    // The store is asked, not the snapshot: a snapshot from the same second as a refund, delivered
    // late, lacks it too, and must not void its credit note. One read, only when something differs.
    const inStore = await this.readRefunds(connection, order);
    const outcomes = await this.voidAll(zoho, missing.filter((link) => !inStore.has(Number(link.refundId))), 'refund deleted in the store');
    if (pending.length === 0) return [...outcomes, ...(await this.applyIfSent(connection, order, record, zoho, live))];
    if (!record.invoiceId) {
      return [...outcomes, {
        action: 'skip',
        outcome: 'skipped',
        message: `refunds ${pending.map((refund) => refund.id).join(', ')} not credited: order ${order.id} has no invoice to credit`,
      }];
    }
    const since = connectionSettings(connection).refundsSince;
    // The invoice's status and balance, and the order's payment, read once and only when a credit note is to be made.
    let invoice: InvoiceState | undefined;
    for (const summary of pending) {
      const refund = inStore.get(summary.id);
      if (!refund) {
        // Deleted between the snapshot and the read: the order.updated that deletion fires settles it.
        outcomes.push({ action: 'skip', outcome: 'skipped', message: `refund ${summary.id} is no longer in the store; not credited` });
        continue;
      }
      if (madeBefore(refund, since)) {
        const reason = `refund ${refund.id} of ${refund.date_created_gmt} UTC was made before refunds were booked (settings.refundsSince ${since}): not credited; book it by hand if Zoho does not have it`;
        await this.links.markSkipped(connection.id, order.id, refund.id, record.invoiceId, reason);
        outcomes.push({ action: 'skip', outcome: 'skipped', message: reason });
        continue;
      }
      if (!invoice) {
        const current = await zoho.getInvoice(record.invoiceId);
        const status = String(current.status);
        const payment = await this.payments.find(connection.id, order.id);
        invoice = { creditable: CREDITABLE_INVOICE_STATUSES.has(status), invoiceStatus: status, balance: Decimal.from(current.balance ?? current.total), payment: payment?.state === 'recorded' ? payment : undefined };
      }
      const outcome = await this.credit(connection, order, record, refund, zoho, event, claimed.get(refund.id), invoice);
      invoice.balance = invoice.balance.sub(outcome.applied);
      outcomes.push(outcome.outcome);
    }
    return [...outcomes, ...(await this.applyIfSent(connection, order, record, zoho, live, invoice))];
  }

  /**
   * Credit notes booked while the invoice was a draft stay open on the customer (a draft takes no
   * credits). Once the invoice is sent — by the owner in Zoho, or seen sent in an answer since —
   * the order's next event applies them, as sendIfDraft does when Connector marks it sent (for an
   * order that does not change, token-service's sweep publishes one when a check is due). An
   * invoice last seen as a draft is read (one call per event, only for an order with such a
   * credit), unless this event read it already (`known`).
   */
  private async applyIfSent(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient, live: readonly RefundCreditEntity[], known?: InvoiceState,
  ): Promise<Outcome[]> {
    if (!record.invoiceId || !live.some((link) => link.invoiceId === record.invoiceId && awaitsSentInvoice(link))) return [];
    let status = known?.invoiceStatus ?? record.invoiceStatus ?? 'draft';
    let balance = known?.balance.toString();
    if (!known && status === 'draft') {
      const current = await zoho.getInvoice(record.invoiceId);
      status = String(current.status);
      balance = String(current.balance ?? current.total);
    }
    if (!CREDITABLE_INVOICE_STATUSES.has(status)) return [];
    if (status !== record.invoiceStatus) {
      await this.records.noteInvoiceStatus(connection.id, order.id, status);
      record.invoiceStatus = status;
    }
    return this.applyOpenCredits(connection, order, record, zoho, balance);
  }

  /**
   * Replay dry run: the credit notes the live run would create or void for this snapshot, each
   * listed once per dry run (`seen`). Reads our records, and the store's refunds when the snapshot
   * lacks a credited one (as the live run does); no Zoho write, and a read only of an invoice last
   * seen as a draft that a credit waits for (as applyIfSent does).
   */
  async preview(
    connection: ConnectionEntity, order: WooOrder, invoice: { invoiceId?: string; void: boolean; status?: string | null; reinstated?: boolean }, seen: Map<string, unknown>,
    zoho: () => Promise<ZohoBooksClient>,
  ): Promise<Array<{ action: string; message: string }>> {
    // A reinstated invoice's refunds are credited anew (releaseVoidedWithInvoice), as the live run does.
    const links = (await this.links.forOrder(connection.id, order.id)).filter((link) => !(invoice.reinstated && voidedWithInvoice(link)));
    const { live, missing, pending } = refundWork(links, order);
    const once = (key: string) => onceIn(seen, key);
    const since = connectionSettings(connection).refundsSince;
    // The store's refunds, read as the live run would: to confirm a deletion, or to date a refund.
    const needsStore = !invoice.void && (missing.length > 0 || (!!since && !!invoice.invoiceId && pending.length > 0));
    const inStore = needsStore ? await this.readRefunds(connection, order) : new Map<number, WooRefund>();
    const writes: Array<{ action: string; message: string }> = [];
    for (const link of invoice.void ? live.filter((link) => !link.cashRefundId) : missing.filter((link) => !inStore.has(Number(link.refundId)))) {
      if (!once(`void-credit:${connection.id}:${link.refundId}`)) continue;
      const why = invoice.void ? 'the invoice is void' : 'the refund was deleted in the store';
      writes.push({ action: 'void-credit-note', message: `would void credit note ${link.creditNoteNumber ?? link.creditNoteId} of refund ${link.refundId}: ${why}` });
    }
    if (invoice.void || !invoice.invoiceId) return writes;
    // applyIfSent: credits a draft left open, once the invoice is sent; a draft is read, as the live run does.
    const waiting = live.filter((link) => link.invoiceId === invoice.invoiceId && awaitsSentInvoice(link));
    if (waiting.length > 0 && (await this.sentSince(invoice.invoiceId, invoice.status, seen, zoho))) {
      for (const link of waiting) {
        if (!once(`apply-credit:${connection.id}:${link.refundId}`)) continue;
        writes.push({ action: 'apply-credit', message: `would apply up to ${openCredit(link).toString()} of credit note ${link.creditNoteNumber ?? link.creditNoteId} (refund ${link.refundId}) to the invoice, sent in Zoho since its refund` });
      }
    }
    // An order whose payment is booked gets the money back too (see giveBack).
    const paid = pending.length > 0 && !!connectionSettings(connection).paymentAccountId && (await this.payments.find(connection.id, order.id))?.state === 'recorded';
    for (const refund of pending) {
      if (madeBefore(inStore.get(refund.id), since)) continue;
      if (!once(`credit:${connection.id}:${refund.id}`)) continue;
      const amount = Decimal.from(refund.total).abs().toString();
      writes.push({ action: 'create-credit-note', message: `would create a credit note of ${amount} for refund ${refund.id} of order ${order.number || order.id} and apply it to its invoice${paid ? ', giving back from the deposit account what the paid invoice cannot take' : ''}` });
    }
    return writes;
  }

  /** Dry run: whether the invoice takes credits now; one read of an invoice last seen as a draft, once per dry run. */
  private async sentSince(invoiceId: string, status: string | null | undefined, seen: Map<string, unknown>, zoho: () => Promise<ZohoBooksClient>): Promise<boolean> {
    if (status && status !== 'draft') return CREDITABLE_INVOICE_STATUSES.has(status);
    const key = `invoice-status:${invoiceId}`;
    if (!seen.has(key)) seen.set(key, String((await (await zoho()).getInvoice(invoiceId)).status));
    return CREDITABLE_INVOICE_STATUSES.has(seen.get(key) as string);
  }

  private async credit(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, refund: WooRefund, zoho: ZohoBooksClient, event: InboundEvent, claimedAt: Date | undefined,
    invoice: InvoiceState,
  ): Promise<{ outcome: Outcome; applied: Decimal }> {
    // Claimed first, so that whatever fails below leaves a record of this refund with its reason.
    await this.links.claim(connection.id, order.id, refund.id, record.invoiceId!);
    try {
      return await this.creditClaimed(connection, order, record, refund, zoho, event, claimedAt, invoice);
    } catch (error) {
      await this.links.markFailed(connection.id, refund.id, describeError(error), isTransient(error));
      if (!isTransient(error)) this.metrics.creditNotes.inc({ outcome: 'failed' });
      throw error;
    }
  }

  private async creditClaimed(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, refund: WooRefund, zoho: ZohoBooksClient, event: InboundEvent, claimedAt: Date | undefined,
    invoice: InvoiceState,
  ): Promise<{ outcome: Outcome; applied: Decimal }> {
    const invoiceId = record.invoiceId!;
    const { context, itemId } = await this.contexts.resolve(connection, refundAsOrder(order, refund), zoho, event, {
      contactId: record.contactId,
      extraItemLines: [REFUND_ITEM_LINE],
    });
    const plan = buildCreditNote(order, refund, { ...context, refundItemId: itemId(REFUND_KEY) });
    // Only a link claimed by an earlier attempt can have a credit note whose answer was lost.
    const recovered = claimedAt ? await this.findByReference(zoho, plan.payload.reference_number, claimedAt) : undefined;
    const note = recovered ?? (await zoho.createCreditNote(plan.payload, { invoiceId }));
    this.metrics.creditNotes.inc({ outcome: recovered ? 'recovered' : 'created' });
    if (recovered) this.logger.warn({ connectionId: connection.id, orderId: order.id, refundId: refund.id, creditNoteId: note.creditnote_id }, 'adopted a credit note whose create response was lost');

    const total = Decimal.from(note.total);
    const open = Decimal.from(note.balance ?? note.total);
    let applied = Decimal.ZERO;
    let reason: string | null = null;
    if (!invoice.creditable) {
      reason = `invoice is ${invoice.invoiceStatus} in Zoho, ${AWAITS_SENT_INVOICE}: the credit stays open on the customer until the invoice is sent (then the order's next change, or the reconciliation sweep's check, applies it)`;
    } else if (!invoice.balance.isPositive()) {
      reason = 'the invoice has nothing left to pay: the credit stays open on the customer';
    } else if (open.isPositive()) {
      applied = Decimal.min(open, invoice.balance);
      await zoho.applyCreditNoteToInvoices(note.creditnote_id, [{ invoice_id: invoiceId, amount_applied: applied.toNumber() }]);
      if (applied.lt(open)) reason = `only ${applied.toString()} of ${open.toString()} applied: the invoice's balance; the rest stays open on the customer`;
    }
    const cash = invoice.payment ? await this.giveBack(connection, order, refund, note, open.sub(applied), invoice.payment, zoho, claimedAt !== undefined) : undefined;
    if (cash?.note) reason = cash.note;
    const scale = Decimal.from(plan.refundTotal).scale;
    const zohoTotal = total.toFixed(scale);
    const appliedAmount = applied.toFixed(scale);
    const reconciled = total.compare(plan.refundTotal) === 0;
    await this.links.markCredited(connection.id, refund.id, {
      creditNoteId: note.creditnote_id,
      creditNoteNumber: note.creditnote_number ?? null,
      invoiceId,
      refundTotal: plan.refundTotal,
      zohoTotal,
      adjustment: plan.adjustment,
      appliedAmount,
      exchangeRate: bookedRate(plan.payload.exchange_rate, note.exchange_rate),
      cashRefundId: cash?.refund?.creditnote_refund_id ?? null,
      cashRefundedAmount: cash?.refund ? cash.amount.toFixed(scale) : null,
      reason: reconciled ? reason : [`Zoho total ${zohoTotal} differs from the refund amount ${plan.refundTotal}`, reason].filter(Boolean).join('; '),
    });
    if (!reconciled) {
      this.logger.error({ connectionId: connection.id, orderId: order.id, refundId: refund.id, zohoTotal, refundTotal: plan.refundTotal }, 'credit note total differs from refund amount');
    }
    return {
      applied,
      outcome: {
        action: recovered ? 'recover-credit-note' : 'create-credit-note',
        outcome: 'ok',
        message:
          `credit note ${note.creditnote_number ?? note.creditnote_id} for refund ${refund.id}: Zoho total ${zohoTotal}, refund ${plan.refundTotal}` +
          `${reconciled ? '' : ' (NOT reconciled)'}, ${appliedAmount} applied to invoice ${record.invoiceNumber ?? invoiceId}${reason ? ` (${reason})` : ''}`,
        detail: { refundId: refund.id, creditNoteId: note.creditnote_id, adjustment: plan.adjustment, unexplained: plan.unexplained, reconciliation: plan.reconciliation, warnings: plan.warnings },
      },
    };
  }

  /**
   * The money going back for a refund of a paid order: what stays open on its credit note after
   * the invoice took its share is refunded from the payment's deposit account. Without that account
   * (settings.paymentAccountId) Zoho cannot record it, and the record says what is left to do. On a
   * retry (claimedBefore) a refund made earlier whose answer was lost is adopted, not made twice: the
   * credit note's balance already shows it, and its refunds are listed to find it.
   */
  private async giveBack(
    connection: ConnectionEntity, order: WooOrder, refund: WooRefund, note: ZohoCreditNote, open: Decimal, payment: OrderPaymentEntity, zoho: ZohoBooksClient, claimedBefore: boolean,
  ): Promise<{ refund?: ZohoCreditNoteRefund; amount: Decimal; note: string } | undefined> {
    const settings = connectionSettings(connection);
    if (!open.isPositive()) {
      if (!claimedBefore || !settings.paymentAccountId) return undefined;
      const earlier = (await zoho.listCreditNoteRefunds(note.creditnote_id)).find((r) => r.reference_number === note.reference_number);
      return earlier ? { refund: earlier, amount: Decimal.from(String(earlier.amount_fcy ?? earlier.amount_bcy ?? 0)), note: `the order's payment is booked: ${String(earlier.amount_fcy ?? earlier.amount_bcy)} refunded to the customer (found again after a lost answer)` } : undefined;
    }
    if (!settings.paymentAccountId) {
      return { amount: Decimal.ZERO, note: `the order's payment is booked, so ${open.toString()} went back to the customer: record it with Refund on the credit note in Zoho (settings.paymentAccountId lets Connector do it)` };
    }
    const body = buildCashRefund(order, refund, {
      amount: open,
      accountId: settings.paymentAccountId,
      paymentMode: payment.paymentMode ?? 'others',
      storeTimeZone: settings.storeTimeZone,
      exchangeRate: await this.exchangeRates.rateFor(connection, zoho, order.currency, refundDay(order, refund, settings.storeTimeZone)),
    });
    const made = await zoho.refundCreditNote(note.creditnote_id, body);
    this.metrics.creditNotes.inc({ outcome: 'cash-refunded' });
    return { refund: made, amount: open, note: `the order's payment is booked: ${open.toString()} refunded to the customer (${body.refund_mode}, ${body.date})` };
  }

  private async voidAll(zoho: ZohoBooksClient, links: readonly RefundCreditEntity[], why: string): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const link of links) {
      // Zoho voids no credit note with refunds: the money given back is taken back first.
      if (link.cashRefundId) await zoho.deleteCreditNoteRefund(link.creditNoteId!, link.cashRefundId);
      await zoho.voidCreditNote(link.creditNoteId!);
      const reason = `${why}: credit note ${link.creditNoteNumber ?? link.creditNoteId} voided`;
      await this.links.markVoided(link, reason);
      this.metrics.creditNotes.inc({ outcome: 'voided' });
      outcomes.push({ action: 'void-credit-note', outcome: 'ok', message: `refund ${link.refundId}: ${reason}`, detail: { refundId: Number(link.refundId), creditNoteId: link.creditNoteId } });
    }
    return outcomes;
  }

  /** Every refund of the order, as the store records it (the order carries only their totals). */
  private async readRefunds(connection: ConnectionEntity, order: WooOrder): Promise<Map<number, WooRefund>> {
    const refunds = new Map<number, WooRefund>();
    for await (const refund of this.stores.forConnection(connection).listOrderRefunds(order.id)) refunds.set(refund.id, refund);
    return refunds;
  }

  /** A credit note made for this refund since its claim whose response was lost (LostCreateGuard). */
  private async findByReference(zoho: ZohoBooksClient, reference: string, claimedAt: Date): Promise<ZohoCreditNote | undefined> {
    const found = await zoho.findCreditNotesByReference(reference);
    const ours = await this.lostCreates.adoptable('credit note', found, (note) => ({ id: note.creditnote_id, createdTime: note.created_time }), claimedAt);
    return ours.find((note) => note.status !== 'void');
  }
}

/** True the first time a dry run meets `key`: each write is listed once. */
function onceIn(seen: Map<string, unknown>, key: string): boolean {
  if (seen.has(key)) return false;
  seen.set(key, true);
  return true;
}

/** The decimals of a credit note's amounts (its totals'). */
function scaleOf(link: RefundCreditEntity): number {
  return Decimal.from(link.zohoTotal ?? link.refundTotal ?? '0').scale;
}

/** What the refund step knows of the order's invoice (read once per event) and of its payment. */
interface InvoiceState {
  creditable: boolean;
  invoiceStatus: string;
  balance: Decimal;
  /** The order's payment, when Connector booked it: a refund then gives money back. */
  payment?: OrderPaymentEntity;
}

/**
 * What a snapshot asks of the order's refunds, given their records: the credit notes in force
 * (`live`), those whose refund the snapshot lacks (`missing`: deleted, if the store agrees), the
 * refunds still to credit (`pending`, oldest first) and those of them claimed by an earlier attempt
 * (`claimed`, with the time of the first claim).
 */
function refundWork(links: readonly RefundCreditEntity[], order: WooOrder) {
  const refunded = new Set(order.refunds.map((refund) => refund.id));
  const live = links.filter((link) => link.state !== 'voided' && link.creditNoteId);
  const settled = new Set(links.filter(isSettled).map((link) => Number(link.refundId)));
  return {
    live,
    missing: live.filter((link) => !refunded.has(Number(link.refundId))),
    pending: order.refunds.filter((refund) => !settled.has(refund.id)).sort((a, b) => a.id - b.id),
    claimed: new Map(links.filter((link) => !isSettled(link)).map((link) => [Number(link.refundId), link.createdAt])),
  };
}

/** A refund whose credit note is made (or voided, or deliberately not made): nothing left to do for it. */
function isSettled(link: RefundCreditEntity): boolean {
  return link.state === 'credited' || link.state === 'voided' || link.state === 'skipped';
}

/** A refund made before the connection's refundsSince (both UTC `YYYY-MM-DDTHH:MM:SS`, so they compare as text). */
function madeBefore(refund: WooRefund | undefined, since: string | undefined): boolean {
  return !!since && !!refund?.date_created_gmt && refund.date_created_gmt.slice(0, 19) < since;
}
