import { Inject, Injectable } from '@nestjs/common';
import { buildCashRefund, buildCreditNote, creditNoteReference, Decimal, refundAsOrder, refundDay } from '@connector/accounting';
import { describeError, isTransient, Logger } from '@connector/common';
import type { WooOrder, WooRefund } from '@connector/contracts';
import type { InboundEvent } from '@connector/messaging';
import { AWAITS_SENT_INVOICE, ConnectionEntity, connectionSettings, OrderPaymentEntity, OrderSyncEntity, RefundCreditEntity } from '@connector/persistence';
import { LOGGER, StoreClients } from '@connector/platform';
import { ZohoNotFoundError, type ZohoBooksClient, type ZohoCreditNote, type ZohoCreditNoteRefund } from '@connector/zoho-books';
import { InvoiceContextResolver, PlannedCreation } from '../orders/invoice-context.resolver';
import { OrderSyncMetrics } from '../orders/order-sync.metrics';
import { OrderSyncRepository } from '../orders/order-sync.repository';
import type { Outcome } from '../orders/order-audit-entry';
import { REFUND_ITEM_LINE, REFUND_KEY } from '../orders/order-lines';
import { OrderPaymentRepository } from '../payments/order-payment.repository';
import {
  awaitsSentInvoice, CREDITABLE_INVOICE_STATUSES, keptWithRefundsReason, madeBefore, openCreditsOn, refundWork, voidedWithInvoice, voidedWithInvoiceReason,
} from './credit-link-rules';
import { InvoiceBalance, InvoiceInDryRun, planOpenCredits, PlannedWrite, planRefundWrites, RefundDryRunInput, simulatedRowsKey } from './refund-dry-run';
import { PLANNED_INVOICE, plannedMarkKey, plannedPaymentKey } from './dry-run-keys';
import { RefundCreditRepository } from './refund-credit.repository';
import { bookedRate, ExchangeRates } from '../zoho/exchange-rates';
import { LostCreateGuard } from '../zoho/lost-create-guard';

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
 *   (the void already takes the whole sale off the books); so does a claim whose credit note was
 *   made but not recorded (found by reference). A credit note with refunds recorded on it in Zoho
 *   (the owner's, or Connector's own on a voided invoice) is kept, with the reason: the money went back;
 * - when the order's payment is booked (OrderPaymentsService), the money went back too: what the
 *   invoice cannot take of the credit is refunded from the payment's deposit account, so the
 *   customer is owed nothing and the account shows the money gone; a credit left open on a draft
 *   invoice is given back so too once the invoice is sent and the payment booked (applyOpenCredits).
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
   * reason on its record: the invoice is sent either way, and the event is not failed for it. When
   * the order's payment is booked, what the invoice cannot take goes back to the customer (giveBackLater):
   * the payment may have been booked after the credit note, and the credit would stay open for good.
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
    // The order's payment booked: what the invoice cannot take goes back to the customer, as in creditClaimed.
    const payment = await this.bookedPayment(connection, order, record.invoiceId!);
    let refunds: Promise<Map<number, WooRefund>> | undefined;
    const outcomes: Outcome[] = [];
    for (const { link, left } of open) {
      const amount = balance.isPositive() ? Decimal.min(left, balance) : Decimal.ZERO;
      if (amount.isPositive()) {
        try {
          await zoho.applyCreditNoteToInvoices(link.creditNoteId!, [{ invoice_id: record.invoiceId!, amount_applied: amount.toNumber() }]);
        } catch (error) {
          outcomes.push(...(await this.leaveOpen([{ link }], `applying it to the sent invoice failed (${describeError(error)})`)));
          continue;
        }
        balance = balance.sub(amount);
      }
      const scale = scaleOf(link);
      const applied = Decimal.from(link.appliedAmount ?? '0').add(amount);
      let reason = !amount.isPositive()
        ? 'the invoice has nothing left to pay: the credit stays open on the customer'
        : left.gt(amount) ? `only ${applied.toFixed(scale)} applied: the invoice's balance; the rest stays open on the customer` : null;
      let cash: GivenBack | undefined;
      if (payment && left.gt(amount)) {
        try {
          cash = await this.giveBackLater(connection, order, link, left.sub(amount), payment, zoho, () => (refunds ??= this.readRefunds(connection, order)));
        } catch (error) {
          // The reason stays as it was (waiting for a sent invoice), so the retry comes back here;
          // the money is looked for by reference then, not given twice.
          await this.links.noteApplied(link, applied.toFixed(scale), link.reason);
          throw error;
        }
        if (cash) reason = cash.note;
      }
      await this.links.noteApplied(link, applied.toFixed(scale), reason, cash?.refund ? { cashRefundId: cash.refund.creditnote_refund_id, cashRefundedAmount: cash.amount.toFixed(scale) } : undefined);
      if (amount.isPositive()) {
        outcomes.push({
          action: 'apply-credit',
          outcome: 'ok',
          message: `refund ${link.refundId}: ${amount.toFixed(scale)} of credit note ${link.creditNoteNumber ?? link.creditNoteId} applied to invoice ${record.invoiceNumber ?? record.invoiceId}, now that it is sent`,
          detail: { refundId: Number(link.refundId), creditNoteId: link.creditNoteId },
        });
      }
      if (cash) {
        outcomes.push({
          action: 'give-back-credit',
          outcome: cash.refund ? 'ok' : 'skipped',
          message: `refund ${link.refundId}: credit note ${link.creditNoteNumber ?? link.creditNoteId}: ${cash.note}`,
          detail: { refundId: Number(link.refundId), creditNoteId: link.creditNoteId, cashRefundId: cash.refund?.creditnote_refund_id },
        });
      }
    }
    return outcomes;
  }

  /**
   * The money going back for a credit left open on a draft invoice, now that the order's payment is
   * booked: giveBack, with the credit note's balance read from Zoho (a retry whose earlier refund
   * was made sees it there, and giveBack finds it by reference). Nothing for a refund gone from the
   * store: its deletion voids the credit note.
   */
  private async giveBackLater(
    connection: ConnectionEntity, order: WooOrder, link: RefundCreditEntity, left: Decimal, payment: OrderPaymentEntity, zoho: ZohoBooksClient, refunds: () => Promise<Map<number, WooRefund>>,
  ): Promise<GivenBack | undefined> {
    const refund = (await refunds()).get(Number(link.refundId));
    if (!refund) return undefined;
    if (!connectionSettings(connection).paymentAccountId) return this.giveBack(connection, order, refund, link.creditNoteId!, creditNoteReference(order, refund.id), left, payment, zoho, false);
    const note = await zoho.getCreditNote(link.creditNoteId!);
    return this.giveBack(connection, order, refund, note.creditnote_id, note.reference_number ?? creditNoteReference(order, refund.id), Decimal.from(String(note.balance ?? 0)), payment, zoho, true);
  }

  /** The order's payment as Connector booked it on `invoiceId`, if any. */
  private async bookedPayment(connection: ConnectionEntity, order: WooOrder, invoiceId: string): Promise<OrderPaymentEntity | undefined> {
    const payment = await this.payments.find(connection.id, order.id);
    return payment?.state === 'recorded' && payment.invoiceId === invoiceId ? payment : undefined;
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

  /** The order's credit notes against `invoiceId` with credit left open (neither applied nor given back), oldest first. */
  private async openCredits(connection: ConnectionEntity, order: WooOrder, invoiceId: string): Promise<Array<{ link: RefundCreditEntity; left: Decimal }>> {
    return openCreditsOn(await this.links.forOrder(connection.id, order.id), invoiceId);
  }

  /** What was done, one outcome per credit note written or voided; nothing when the refunds are in step. */
  async reconcile(
    connection: ConnectionEntity, order: WooOrder, currentRecord: () => Promise<OrderSyncEntity>, zoho: ZohoBooksClient, event: InboundEvent,
  ): Promise<Outcome[]> {
    const { live, missing, pending, claimed, unrecorded, orphaned } = refundWork(await this.links.forOrder(connection.id, order.id), order);
    // Most orders have no refund and no credit note: nothing more is read for them.
    if (live.length === 0 && pending.length === 0 && orphaned.length === 0) return [];
    const record = await currentRecord();
    if (record.state === 'voided' || record.invoiceStatus === 'void') {
      // Money already given back stays booked: voiding the sale does not undo a refund paid out
      // (Zoho keeps the order's payment as the customer's credit, and this credit note closed).
      const why = voidedWithInvoiceReason(record.invoiceNumber ?? record.invoiceId ?? '', order.status);
      return [...(await this.voidAll(zoho, live.filter((link) => !link.cashRefundId), why)), ...(await this.voidUnrecorded(zoho, order, unrecorded, why))];
    }
    if (missing.length === 0 && orphaned.length === 0 && pending.length === 0) return this.applyIfSent(connection, order, record, zoho, live);
    // The store is asked, not the snapshot: a snapshot from the same second as a refund, delivered
    // late, lacks it too, and must not void its credit note. One read, only when something differs.
    const inStore = await this.readRefunds(connection, order);
    const deleted = (link: RefundCreditEntity) => !inStore.has(Number(link.refundId));
    const outcomes = [
      ...(await this.voidAll(zoho, missing.filter(deleted), 'refund deleted in the store')),
      ...(await this.voidUnrecorded(zoho, order, orphaned.filter(deleted), 'refund deleted in the store')),
    ];
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
      if (invoice.invoiceStatus === 'void') {
        // Voided in Zoho by the owner (Connector's own void marks the record): it takes no credit
        // note, and a try would only be refused. Said on every event, at the cost of one read.
        outcomes.push({ action: 'skip', outcome: 'skipped', message: `refund ${refund.id} not credited: invoice ${record.invoiceNumber ?? record.invoiceId} is void in Zoho (voided there); reinstate it in Zoho, or book the refund by hand` });
        continue;
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
   * Replay dry run of reconcile (planRefundWrites) or, for an invoice this event marks as sent, of
   * applyOpenCredits (planOpenCredits): the Zoho writes the live run would make, each listed once
   * per dry run (`dryRun.seen`). Reads our records, the store's refunds when the live run would, and
   * what the live run reads of Zoho: the invoice (status and balance), a credit note whose create
   * answer was lost (by its record, or by reference), a credit note's contact and items (looked up,
   * never created: those the live run would create are listed by `dryRun.listCreations`). No write.
   */
  async preview(
    connection: ConnectionEntity, order: WooOrder, invoice: InvoiceInDryRun, dryRun: RefundPreviewContext, options: { markedSent?: boolean } = {},
  ): Promise<PlannedWrite[]> {
    const { seen, zoho } = dryRun;
    // A reinstated invoice's refunds are credited anew (releaseVoidedWithInvoice), as the live run does.
    const links = (await this.links.forOrder(connection.id, order.id)).filter((link) => !(invoice.reinstated && voidedWithInvoice(link)));
    // Most orders have no refund, recorded or planned by this dry run: nothing more is read for them.
    if (links.length === 0 && order.refunds.length === 0 && !seen.has(simulatedRowsKey(connection.id, order.id))) return [];
    const settings = connectionSettings(connection);
    const booked = invoice.invoiceId ? await this.bookedPayment(connection, order, invoice.invoiceId) : undefined;
    // Paid by this event's steps: the payment the dry run plans, or a booked one a reinstated invoice takes again (followInvoice).
    const paidNow = seen.has(plannedPaymentKey(connection.id, order.id)) || (!!invoice.reinstated && booked !== undefined);
    let refunds: Promise<Map<number, WooRefund>> | undefined;
    const input: RefundDryRunInput = {
      connectionId: connection.id,
      order,
      links,
      invoice,
      settings,
      paymentBooked: paidNow || booked !== undefined,
      seen,
      reads: {
        storeRefunds: () => (refunds ??= this.readRefunds(connection, order)),
        invoice: () => this.invoiceInDryRun(connection.id, order, invoice, paidNow, seen, zoho),
        creditNote: async (refund) => {
          const creations: PlannedCreation[] = [];
          const { context, itemId } = await this.contexts.resolve(connection, refundAsOrder(order, refund), await zoho(), dryRun.event, {
            contactId: dryRun.contactId, extraItemLines: [REFUND_ITEM_LINE], lookUpOnly: { creations },
          });
          // As creditClaimed plans it; naming its items lists those a look-up would create.
          const plan = buildCreditNote(order, refund, { ...context, refundItemId: itemId(REFUND_KEY) });
          return { total: Decimal.from(plan.refundTotal), payload: plan.payload, newRecords: dryRun.listCreations(creations) };
        },
        lostCreditNote: async (claim, reference) => {
          const client = await zoho();
          const note = (await this.storedNote(client, claim)) ?? (await this.findByReference(client, reference, claim.createdAt));
          return note && { id: note.creditnote_id, number: note.creditnote_number, balance: Decimal.from(String(note.balance ?? note.total)) };
        },
      },
    };
    return options.markedSent ? planOpenCredits(input) : planRefundWrites(input);
  }

  /**
   * Dry run: the order's invoice as the live refund step would find it in Zoho: read once per dry
   * run, then as this dry run would have left it (marked as sent, paid: `paidNow`). An invoice the
   * dry run would create or reopen is not read: it is a draft of the order's total until then.
   */
  private async invoiceInDryRun(
    connectionId: string, order: WooOrder, invoice: InvoiceInDryRun, paidNow: boolean, seen: Map<string, unknown>, zoho: () => Promise<ZohoBooksClient>,
  ): Promise<InvoiceBalance> {
    const invoiceId = invoice.invoiceId!;
    const key = `invoice-state:${invoiceId}`;
    if (invoice.reinstated || invoiceId.startsWith(PLANNED_INVOICE)) {
      seen.set(key, { status: 'draft', balance: Decimal.from(order.total) } satisfies InvoiceBalance);
    } else if (!seen.has(key)) {
      const current = await (await zoho()).getInvoice(invoiceId);
      seen.set(key, { status: String(current.status), balance: Decimal.from(String(current.balance ?? current.total)) } satisfies InvoiceBalance);
    }
    const read = seen.get(key) as InvoiceBalance;
    if (paidNow) {
      const balance = Decimal.max(0, read.balance.sub(order.total));
      return { status: balance.isPositive() ? 'partially_paid' : 'paid', balance };
    }
    const marked = seen.has(plannedMarkKey(connectionId, order.id)) && read.status === 'draft';
    return { status: marked ? 'sent' : read.status, balance: read.balance };
  }

  private async credit(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, refund: WooRefund, zoho: ZohoBooksClient, event: InboundEvent, claim: RefundCreditEntity | undefined,
    invoice: InvoiceState,
  ): Promise<{ outcome: Outcome; applied: Decimal }> {
    // Claimed first, so that whatever fails below leaves a record of this refund with its reason.
    await this.links.claim(connection.id, order.id, refund.id, record.invoiceId!);
    try {
      return await this.creditClaimed(connection, order, record, refund, zoho, event, claim, invoice);
    } catch (error) {
      await this.links.markFailed(connection.id, refund.id, describeError(error), isTransient(error));
      if (!isTransient(error)) this.metrics.creditNotes.inc({ outcome: 'failed' });
      throw error;
    }
  }

  private async creditClaimed(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, refund: WooRefund, zoho: ZohoBooksClient, event: InboundEvent, claim: RefundCreditEntity | undefined,
    invoice: InvoiceState,
  ): Promise<{ outcome: Outcome; applied: Decimal }> {
    const invoiceId = record.invoiceId!;
    const { context, itemId } = await this.contexts.resolve(connection, refundAsOrder(order, refund), zoho, event, {
      contactId: record.contactId,
      extraItemLines: [REFUND_ITEM_LINE],
    });
    const plan = buildCreditNote(order, refund, { ...context, refundItemId: itemId(REFUND_KEY) });
    // Only a link claimed by an earlier attempt can have a credit note: stored by it when a later
    // step failed, else whose answer was lost.
    const recovered = claim ? ((await this.storedNote(zoho, claim)) ?? (await this.findByReference(zoho, plan.payload.reference_number, claim.createdAt))) : undefined;
    const note = recovered ?? (await zoho.createCreditNote(plan.payload, { invoiceId }));
    if (!recovered || recovered.creditnote_id !== claim?.creditNoteId) await this.links.noteCreditNote(connection.id, refund.id, note.creditnote_id, note.creditnote_number ?? null);
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
    const cash = invoice.payment ? await this.giveBack(connection, order, refund, note.creditnote_id, note.reference_number, open.sub(applied), invoice.payment, zoho, claim !== undefined) : undefined;
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
    connection: ConnectionEntity, order: WooOrder, refund: WooRefund, creditNoteId: string, reference: string | undefined, open: Decimal, payment: OrderPaymentEntity, zoho: ZohoBooksClient,
    claimedBefore: boolean,
  ): Promise<GivenBack | undefined> {
    const settings = connectionSettings(connection);
    if (!open.isPositive()) {
      if (!claimedBefore || !settings.paymentAccountId) return undefined;
      const earlier = (await zoho.listCreditNoteRefunds(creditNoteId)).find((r) => r.reference_number === reference);
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
    const made = await zoho.refundCreditNote(creditNoteId, body);
    this.metrics.creditNotes.inc({ outcome: 'cash-refunded' });
    return { refund: made, amount: open, note: `the order's payment is booked: ${open.toString()} refunded to the customer (${body.refund_mode}, ${body.date})` };
  }

  private async voidAll(zoho: ZohoBooksClient, links: readonly RefundCreditEntity[], why: string): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const link of links) {
      // Zoho voids no credit note with refunds: the money given back is taken back first.
      if (link.cashRefundId) await this.deleteCashRefund(zoho, link);
      const name = link.creditNoteNumber ?? link.creditNoteId!;
      if (!(await this.voided(zoho, link))) {
        const reason = keptWithRefundsReason(why, name);
        await this.links.markKept(link, reason);
        outcomes.push({ action: 'void-credit-note', outcome: 'skipped', message: `refund ${link.refundId}: ${reason}`, detail: { refundId: Number(link.refundId), creditNoteId: link.creditNoteId } });
        continue;
      }
      const reason = `${why}: credit note ${name} voided`;
      await this.links.markVoided(link, reason);
      this.metrics.creditNotes.inc({ outcome: 'voided' });
      outcomes.push({ action: 'void-credit-note', outcome: 'ok', message: `refund ${link.refundId}: ${reason}`, detail: { refundId: Number(link.refundId), creditNoteId: link.creditNoteId } });
    }
    return outcomes;
  }

  /**
   * Deletes Connector's cash refund of the credit note, and forgets it at once: a void failing after
   * it must not ask for it again (Zoho would answer "not found" for good). "Not found" is done too:
   * an earlier attempt (or the owner) deleted it.
   */
  private async deleteCashRefund(zoho: ZohoBooksClient, link: RefundCreditEntity): Promise<void> {
    try {
      await zoho.deleteCreditNoteRefund(link.creditNoteId!, link.cashRefundId!);
    } catch (error) {
      if (!(error instanceof ZohoNotFoundError)) throw error;
    }
    await this.links.noteCashRefundDeleted(link);
    link.cashRefundId = null;
    link.cashRefundedAmount = null;
  }

  /**
   * Voids the credit note; false when Zoho refuses because refunds are recorded on it (the owner's:
   * Connector's own is deleted first). Only a permanent refusal lists its refunds, one call.
   */
  private async voided(zoho: ZohoBooksClient, link: RefundCreditEntity): Promise<boolean> {
    try {
      await zoho.voidCreditNote(link.creditNoteId!);
      return true;
    } catch (error) {
      if (isTransient(error) || error instanceof ZohoNotFoundError) throw error;
      if ((await zoho.listCreditNoteRefunds(link.creditNoteId!)).length === 0) throw error;
      return false;
    }
  }

  /**
   * Claims that hold no credit note (an attempt failed before storing it, or its answer was lost)
   * whose refund is gone or whose invoice is void: a credit note made for them is found by
   * reference and voided; with none found, the claim is closed (voided) with the reason.
   */
  private async voidUnrecorded(zoho: ZohoBooksClient, order: WooOrder, claims: readonly RefundCreditEntity[], why: string): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const found: RefundCreditEntity[] = [];
    for (const claim of claims) {
      const note = await this.findByReference(zoho, creditNoteReference(order, Number(claim.refundId)), claim.createdAt);
      if (note) {
        await this.links.noteCreditNote(claim.connectionId, claim.refundId, note.creditnote_id, note.creditnote_number ?? null);
        found.push(Object.assign(claim, { creditNoteId: note.creditnote_id, creditNoteNumber: note.creditnote_number ?? null }));
        continue;
      }
      const reason = `${why}: no credit note was made for it`;
      await this.links.markVoided(claim, reason);
      outcomes.push({ action: 'void-credit-note', outcome: 'skipped', message: `refund ${claim.refundId}: ${reason}`, detail: { refundId: Number(claim.refundId) } });
    }
    return [...outcomes, ...(await this.voidAll(zoho, found, why))];
  }

  /** Every refund of the order, as the store records it (the order carries only their totals). */
  private async readRefunds(connection: ConnectionEntity, order: WooOrder): Promise<Map<number, WooRefund>> {
    const refunds = new Map<number, WooRefund>();
    for await (const refund of this.stores.forConnection(connection).listOrderRefunds(order.id)) refunds.set(refund.id, refund);
    return refunds;
  }

  /** The credit note an earlier attempt stored on the claim, unless it is gone or void in Zoho (then it is made anew). */
  private async storedNote(zoho: ZohoBooksClient, claim: RefundCreditEntity): Promise<ZohoCreditNote | undefined> {
    if (!claim.creditNoteId) return undefined;
    try {
      const note = await zoho.getCreditNote(claim.creditNoteId);
      return note.status === 'void' ? undefined : note;
    } catch (error) {
      if (error instanceof ZohoNotFoundError) return undefined;
      throw error;
    }
  }

  /** A credit note made for this refund since its claim whose response was lost (LostCreateGuard). */
  private async findByReference(zoho: ZohoBooksClient, reference: string, claimedAt: Date): Promise<ZohoCreditNote | undefined> {
    const found = await zoho.findCreditNotesByReference(reference);
    const ours = await this.lostCreates.adoptable('credit note', found, (note) => ({ id: note.creditnote_id, createdTime: note.created_time }), claimedAt);
    return ours.find((note) => note.status !== 'void');
  }
}

/** The decimals of a credit note's amounts (its totals'). */
function scaleOf(link: RefundCreditEntity): number {
  return Decimal.from(link.zohoTotal ?? link.refundTotal ?? '0').scale;
}

/** Money given back for a credit note (`refund`, when Zoho recorded it), or what is left to do (`note`). */
interface GivenBack {
  refund?: ZohoCreditNoteRefund;
  amount: Decimal;
  note: string;
}

/** What the refund step knows of the order's invoice (read once per event) and of its payment. */
interface InvoiceState {
  creditable: boolean;
  invoiceStatus: string;
  balance: Decimal;
  /** The order's payment, when Connector booked it: a refund then gives money back. */
  payment?: OrderPaymentEntity;
}

/** What an order's dry run gives the refund step: its memory of planned writes and what the live run would read with. */
export interface RefundPreviewContext {
  /** Keys of what the dry run planned (ReplayDryRun.simulated): each write listed once. */
  seen: Map<string, unknown>;
  zoho: () => Promise<ZohoBooksClient>;
  event: InboundEvent;
  /** The invoice's contact, which the credit note bills (null: the dry run plans it, so it is looked up). */
  contactId: string | null;
  /** The contacts and items a look-up would create, as the dry run lists them (once each). */
  listCreations(creations: PlannedCreation[]): PlannedWrite[];
}
