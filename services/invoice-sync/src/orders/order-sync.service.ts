import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canonicalHash, Decimal, InvoicePlan, invoiceReference, isStaleSnapshot, OrderDecision, orderContentHash, paymentIsBooked, TaxMappingError } from '@connector/accounting';
import { describeError, isTransient, Logger, PermanentError, ReauthorizationRequiredError, Semaphore } from '@connector/common';
import { describeOrderShapeProblem, isWooErrorBody, sha256Hex, WooOrder } from '@connector/contracts';
import { givesUp, InboundEvent, ReplayDryRun } from '@connector/messaging';
import { LOGGER, PLATFORM_CONFIG, retrySettings, StoreClients, ZohoCallLog, ZohoClientFactory } from '@connector/platform';
import type { InvoiceSyncConfig } from '../invoice-sync.config';
import { AuditTrail, ConnectionEntity, connectionSettings, ConnectionStore, OrderPaymentEntity, OrderSyncEntity, withAdvisoryLock } from '@connector/persistence';
import type { ZohoBooksClient, ZohoInvoice } from '@connector/zoho-books';
import { createInFlight, createMayStillLand } from './create-in-flight';
import { DeletedInvoices, InvoiceDeletedInZohoError } from './deleted-invoice';
import { decideOnLink, existingLink } from './existing-link';
import { FOLLOW_UPS, FollowUp } from './follow-ups';
import { currencyAndRate, InvoicePlanner, invoiceUpdate } from './invoice-planner';
import { InFlightOrders } from './in-flight-orders';
import { orderAuditEntry, Outcome } from './order-audit-entry';
import { OlderDeadLetters } from './older-dead-letters';
import { OrderDryRun } from './order-dry-run';
import { namedOrderId, orderIdOf, orderKey } from './order-key';
import { describeCheck, mayReferToDeletedRecord, RefusedRecordsCheck, withCheck } from './refused-records';
import { JudgedSnapshot, OrderSyncRepository, SnapshotToJudge } from './order-sync.repository';
import { sameSecondStaleness } from './same-second-snapshots';
import { BookedPaymentRead, OrderPaymentsService } from '../payments/order-payments.service';
import { RefundCreditsService } from '../refunds/refund-credits.service';
import { bookedRate } from '../zoho/exchange-rates';

/**
 * Makes the Zoho invoice match one order snapshot. The rules that keep the books right:
 * - every snapshot is judged by its content and `date_modified_gmt`, never by its topic; two
 *   different snapshots of one second are told apart by the store's current one;
 * - one worker at a time per order (advisory lock), across instances;
 * - the order→invoice link is claimed (`creating`) before the create call, and every later event
 *   of an order claimed without an invoice (whatever its state since) searches Zoho by reference
 *   number first, so a lost response never doubles an invoice;
 * - the invoice total is the order total exactly: rounding differences travel in `adjustment`;
 * - every outcome (synced, skipped, failed, retrying) is recorded with its reason.
 */
@Injectable()
export class OrderSyncService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly records: OrderSyncRepository,
    private readonly audit: AuditTrail,
    private readonly inFlight: InFlightOrders,
    private readonly zohoClients: ZohoClientFactory,
    private readonly planner: InvoicePlanner,
    private readonly dryRun: OrderDryRun,
    private readonly refunds: RefundCreditsService,
    private readonly payments: OrderPaymentsService,
    private readonly deletedInvoices: DeletedInvoices,
    private readonly stores: StoreClients,
    private readonly olderLetters: OlderDeadLetters,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM_CONFIG) private readonly config: InvoiceSyncConfig,
  ) {
    this.lockHolders = new Semaphore(config.CONCURRENCY);
  }

  /**
   * An order in hand holds two pooled connections at once (the advisory lock's and the work's).
   * The live consumer and any replays share CONCURRENCY orders in hand, so together they can
   * never take every connection of the pool and wait on each other for one more.
   */
  private readonly lockHolders: Semaphore;

  async handle(event: InboundEvent, options: { dryRun?: ReplayDryRun } = {}): Promise<void> {
    if (options.dryRun) return this.dryRun.preview(event, options.dryRun);
    const body = event.body;
    const orderId = orderIdOf(event);
    const resourceId = orderId === null ? null : String(orderId);
    const connection = await this.connections.find(event.connectionId);
    if (!connection) {
      return this.note(event, resourceId, { action: 'skip', outcome: 'skipped', message: 'the connection no longer exists' });
    }
    if (event.event === 'deleted') {
      return this.note(event, resourceId, {
        action: 'skip',
        outcome: 'skipped',
        message: 'order moved to the trash in the store; its invoice is left as it is',
      });
    }
    if (isWooErrorBody(body)) {
      return this.note(event, resourceId, {
        action: 'skip',
        outcome: 'skipped',
        message: `WooCommerce could not build the order payload: ${body.message} (${body.code})`,
      });
    }
    const problem = describeOrderShapeProblem(body);
    if (problem) {
      const error = new PermanentError(`the delivery is not a WooCommerce order: ${problem}`);
      await this.recordInvalidDelivery(connection, event, error);
      throw error;
    }
    const order = body as WooOrder;

    // A twin of an event this process is handling now is settled at once (see InFlightOrders).
    // When another instance holds the order's lock, the event keeps its slot and polls for up to
    // 10 s, then retries with back-off: a quick nak would spend one of its MAX_DELIVER deliveries
    // per busy moment and could dead-letter an event only ever delayed. Cross-instance contention
    // is rare (twins landing on different replicas, or a real edit in the middle of an invoice).
    await this.inFlight.handleOnce(connection.id, order, event.seq, () => this.syncLocked(connection, order, event), async (handledBySeq) => {
      // Listed among the order's events (its story, replays), without waiting for the lock.
      await this.records.touch(connection.id, order.id, order.number ?? null, order.status, event.seq);
      await this.note(event, String(order.id), {
        action: 'skip',
        outcome: 'skipped',
        message: `same snapshot as event seq ${handledBySeq}, being handled now`,
        detail: { sameSnapshotAs: handledBySeq },
      });
    });
  }

  /**
   * A delivery that is no order (a field missing or malformed) but names one (its
   * Connector-Resource-Id header, or the body's id): the order's record says failed with the
   * reason and its audit trail has the failure, as for any event that cannot be processed, so it
   * shows under Failed and in the order's story, not only as a dead letter. One naming no order
   * has only its dead letter. An order already invoiced (or voided) keeps its state: a bad
   * delivery says nothing of the invoice, and a replay of an old one must not fail a sound order.
   */
  private async recordInvalidDelivery(connection: ConnectionEntity, event: InboundEvent, error: PermanentError): Promise<void> {
    const orderId = namedOrderId(event);
    if (orderId === null) return;
    await this.underOrderLock(connection.id, orderId, async () => {
      const record = await this.records.touch(connection.id, orderId, null, null, event.seq);
      const booked = record.invoiceId !== null || record.state === 'synced' || record.state === 'voided';
      if (!booked) await this.records.markFailed(connection.id, orderId, error.message);
      await this.note(event, String(orderId), { action: 'sync-invoice', outcome: 'failed', message: error.message, detail: { zohoCalls: [] } });
    });
  }

  /** Under the shared limit of orders in hand (lockHolders) and the order's advisory lock. */
  private async underOrderLock(connectionId: string, orderId: number, work: () => Promise<void>): Promise<void> {
    await this.lockHolders.acquire();
    try {
      await withAdvisoryLock(this.dataSource, orderKey(connectionId, orderId), work);
    } finally {
      this.lockHolders.release();
    }
  }

  /** One snapshot applied under the order's lock, its outcomes (or its failure) noted. */
  private async syncLocked(connection: ConnectionEntity, order: WooOrder, event: InboundEvent): Promise<void> {
    await this.underOrderLock(connection.id, order.id, async () => {
      const record = await this.records.touch(connection.id, order.id, order.number ?? null, order.status, event.seq);
      const calls = new ZohoCallLog();
      const progress: ApplyProgress = {};
      let outcomes: Outcome[];
      try {
        outcomes = await this.apply(connection, order, record, calls, event, progress);
      } catch (error) {
        // A follow-up that found the invoice deleted in Zoho fails the order, not just its step.
        if (progress.invoice && !(error instanceof InvoiceDeletedInZohoError)) await this.recordFollowUpFailure(event, order, calls, error, progress.invoice, progress.step ?? FOLLOW_UPS.refunds);
        else await this.recordFailure(event, order, record, calls, error);
        throw error;
      }
      // The event's Zoho calls go with its first note (the invoice's); credit notes follow it.
      const [first, ...rest] = outcomes;
      await this.note(event, String(order.id), { ...first, detail: { ...first.detail, zohoCalls: calls.calls } });
      for (const outcome of rest) await this.note(event, String(order.id), outcome);
      // A step that failed without throwing (a credit left open) leaves the order not quite in step.
      if (progress.inStep && outcomes.every((outcome) => outcome.outcome !== 'failed')) await this.settleOlderLetters(event, order, record);
    });
  }

  /**
   * The invoice first (marked as sent when the settings say so), then the order's payment, then its
   * refunds as credit notes against it: the invoice's outcome, the mark's, the payment's, and one
   * per credit note written or voided. A snapshot older
   * than the one applied changes nothing, not even refunds (its list of them is old too).
   */
  private async apply(connection: ConnectionEntity, order: WooOrder, claimed: OrderSyncEntity, calls: ZohoCallLog, event: InboundEvent, progress: ApplyProgress): Promise<Outcome[]> {
    if (connection.status === 'needs_reauthorization') {
      throw new ReauthorizationRequiredError(`waiting for Zoho re-authorization of connection ${connection.id}`, { retryAfterMs: 60_000 });
    }
    const zoho = await this.zohoClients.forConnection(connection.id, calls.record);
    const record = await this.recoverLostCreate(connection, order, claimed, zoho);
    const sameSecondStale = await sameSecondStaleness(order, record, () => this.stores.forConnection(connection).getOrder(order.id));
    const stale = sameSecondStale !== undefined || isStaleSnapshot(order, existingLink(record));
    // The order's payment, read once and only by a step that may move it (an invoice rewritten or voided).
    let bookedRead: Promise<OrderPaymentEntity | undefined> | undefined;
    const booked = () => (bookedRead ??= this.payments.bookedOn(connection, order.id, record.invoiceId));
    // A same-second snapshot that is not the store's current one is stale like an older one, and
    // the record keeps the snapshot it has (the store's), not this one.
    const { outcome, written, paymentMoved, invoiceGone } = sameSecondStale
      ? await this.applyInvoice(connection, order, record, zoho, event, booked, { action: 'skip', reason: sameSecondStale })
      : await this.applyInvoice(connection, order, record, zoho, event, booked, decideOnLink(order, existingLink(record), connectionSettings(connection).syncStatuses), judgedSnapshot(order, event));
    // An invoice deleted in Zoho takes no payment or credit note (a cancelled order's, found gone now).
    if (stale || invoiceGone || record.invoiceDeletedAt) return [outcome];
    progress.invoice = outcome;
    // The record as the invoice step left it, read once and only when a later step has something
    // to do (the payment step changes only its invoice status, which the refund step does not read
    // beyond "void").
    let read: Promise<OrderSyncEntity> | undefined;
    const current = () => (read ??= this.records.find(connection.id, order.id).then((found) => found ?? record));
    let sent: Outcome[], payment: Outcome[], credits: Outcome[];
    try {
      progress.step = FOLLOW_UPS.send;
      sent = await this.sendIfDraft(connection, order, current, zoho, written);
      progress.step = FOLLOW_UPS.payment;
      payment = [
        ...paymentMoved,
        ...(record.invoiceId ? await this.payments.followInvoice(connection, order, record, zoho, written, booked) : []),
        ...(await this.payments.reconcile(connection, order, current, zoho, written)),
      ];
      progress.step = FOLLOW_UPS.refunds;
      credits = await this.refunds.reconcile(connection, order, current, zoho, event);
    } catch (error) {
      // An invoice this event did not write may be gone: a payment or credit note for it is refused
      // in words about the invoice ("does not exist for this customer"), not with a "not found".
      throw written ? error : await this.deletedInvoices.explain(record, zoho, error);
    }
    // Only an earlier event's failure leaves these reasons, so the record read before this one shows them.
    for (const step of Object.values(FOLLOW_UPS)) {
      if (record.reason?.includes(step.reason)) await this.records.clearReason(connection.id, order.id, step.reason);
    }
    progress.inStep = true;
    return [outcome, ...sent, ...payment, ...credits];
  }

  /** The order is in step with this snapshot: its older events' dead letters are moot (OlderDeadLetters). */
  private async settleOlderLetters(event: InboundEvent, order: WooOrder, record: OrderSyncEntity): Promise<void> {
    let settled: number[];
    try {
      settled = await this.olderLetters.settle(record.streamSeqs, [event.seq, event.retryOf], order);
    } catch (error) {
      // The order is booked: this bookkeeping must not fail its event. The next event in step settles them.
      this.logger.warn({ connectionId: event.connectionId, orderId: order.id, err: describeError(error) }, 'older dead letters not settled');
      return;
    }
    if (settled.length === 0) return;
    await this.note(event, String(order.id), {
      action: 'settle-dead-letters',
      outcome: 'ok',
      message: `dead letter${settled.length > 1 ? 's' : ''} of event${settled.length > 1 ? 's' : ''} ${settled.join(', ')} resolved: their snapshots are no newer than this one, now in step`,
      detail: { resolvedSeqs: settled },
    });
  }

  /**
   * With settings.invoiceStatus `sent`, an invoice Zoho holds as a draft is marked as sent: a
   * draft posts nothing to the books, so until the owner sent it the sale would not count. Checked
   * after every invoice step, so one whose marking failed is marked by the retry even when the
   * invoice itself needs no write. Not for an order whose payment Connector books: recording the
   * payment takes the invoice out of draft, and a call is saved.
   */
  private async sendIfDraft(
    connection: ConnectionEntity, order: WooOrder, current: () => Promise<OrderSyncEntity>, zoho: ZohoBooksClient, written: ZohoInvoice | undefined,
  ): Promise<Outcome[]> {
    const settings = connectionSettings(connection);
    if (settings.invoiceStatus !== 'sent' || paymentIsBooked(order, settings.paymentsSince)) return [];
    const record = await current();
    const status = written?.status ?? record.invoiceStatus;
    if (status !== 'draft' || record.state !== 'synced' || !record.invoiceId) return [];
    await zoho.markInvoiceSent(record.invoiceId);
    await this.records.noteInvoiceStatus(connection.id, order.id, 'sent');
    record.invoiceStatus = 'sent'; // the record the later steps read
    if (written) written.status = 'sent';
    const marked: Outcome = { action: FOLLOW_UPS.send.action, outcome: 'ok', message: `invoice ${record.invoiceNumber ?? record.invoiceId} marked as sent (settings.invoiceStatus): it counts in the books now` };
    // Refunds booked while it was a draft left their credit open: a sent invoice takes it.
    return [marked, ...(await this.refunds.applyOpenCredits(connection, order, record, zoho, written?.balance))];
  }

  /**
   * The invoice step's outcome, the invoice as Zoho answered when this event wrote it, and what
   * the step did to the order's payment (applied anew before an update lowered the invoice below
   * it; taken off by a void).
   */
  private async applyInvoice(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient, event: InboundEvent, booked: BookedPaymentRead,
    decision: OrderDecision, judged?: SnapshotToJudge,
  ): Promise<{ outcome: Outcome; written?: ZohoInvoice; paymentMoved: Outcome[]; invoiceGone?: boolean }> {
    if (decision.action === 'skip') {
      await this.records.markSkipped(record, decision.reason, judged);
      return { outcome: { action: 'skip', outcome: 'skipped', message: decision.reason }, paymentMoved: [] };
    }

    if (decision.action === 'void') return this.voidInvoice(connection, order, record, zoho, event, booked, decision.reason);
    if (record.invoiceDeletedAt) throw new InvoiceDeletedInZohoError(record);

    const reinstating = decision.action === 'reinstate';
    let plan = await this.planner.plan(connection, order, zoho, event);
    if (reinstating) await this.reopen(connection, order, record, zoho);
    // A reinstated invoice is written even when it shows this snapshot: its answer says what the
    // order's payment can take again.
    let invoiceHash = hashOf(plan);
    if (record.invoiceId && record.invoiceHash === invoiceHash && !reinstating) {
      // Nothing the invoice shows has changed (a status moving on, a refund, meta data): Zoho's
      // calls are scarce, so the snapshot is applied without one.
      await this.records.markApplied(connection.id, order.id, order.status, snapshotOf(order, event));
      return { outcome: { action: 'skip', outcome: 'skipped', message: `${decision.reason}: it already shows this snapshot, no Zoho call` }, paymentMoved: [] };
    }
    const invoiceId = record.invoiceId;
    const action = invoiceId ? (reinstating ? 'reinstate-invoice' : 'update-invoice') : 'create-invoice';
    // Zoho refuses an invoice total below the payments applied to it: the payment moves first.
    const paymentMoved = invoiceId ? await this.payments.makeRoom(connection, order, record, zoho, plan.orderTotal, booked) : [];
    if (!invoiceId) await this.records.markCreating(connection.id, order.id);
    const write = (p: InvoicePlan) =>
      invoiceId
        ? this.deletedInvoices.call(record, zoho, () => zoho.updateInvoice(invoiceId, invoiceUpdate(p.payload)))
        : this.create(connection.id, order.id, zoho, p);
    let invoice: ZohoInvoice;
    let relinked: RefusedRecordsCheck | undefined;
    try {
      invoice = await write(plan);
    } catch (error) {
      if (!mayReferToDeletedRecord(error)) throw error;
      // Maybe a contact or item deleted in Zoho since it was linked: written once more if so.
      const checked = await this.planner.checkRefused(connection, order, zoho, event, plan);
      if (!checked.plan) throw withCheck(error, checked.check);
      plan = checked.plan;
      invoiceHash = hashOf(plan);
      relinked = checked.check;
      if (!invoiceId) await this.records.markCreateSent(connection.id, order.id);
      invoice = await write(plan);
    }

    const zohoTotal = Decimal.from(invoice.total).toFixed(Decimal.from(plan.orderTotal).scale);
    const reconciled = Decimal.from(invoice.total).compare(plan.orderTotal) === 0;
    await this.records.markSynced(connection.id, order.id, order.status, {
      invoiceId: invoice.invoice_id,
      invoiceNumber: invoice.invoice_number ?? null,
      invoiceStatus: invoice.status ?? null,
      contactId: plan.payload.customer_id,
      currency: order.currency,
      orderTotal: plan.orderTotal,
      zohoTotal,
      adjustment: plan.adjustment,
      adjustmentReason: plan.reconciliation.reasons.join('; ') || null,
      exchangeRate: bookedRate(plan.payload.exchange_rate, invoice.exchange_rate),
      invoiceHash,
      ...snapshotOf(order, event),
      reason: reconciled ? null : `Zoho total ${zohoTotal} differs from the order total ${plan.orderTotal}`,
    });
    if (!reconciled) {
      this.logger.error({ connectionId: connection.id, orderId: order.id, zohoTotal, orderTotal: plan.orderTotal }, 'invoice total differs from order total');
    }
    return {
      written: invoice,
      paymentMoved,
      outcome: {
        action,
        outcome: 'ok',
        message:
          `invoice ${invoice.invoice_number ?? invoice.invoice_id}: Zoho total ${zohoTotal}, order total ${plan.orderTotal}` +
          `${currencyAndRate(order, invoice.exchange_rate ?? plan.payload.exchange_rate)}${reconciled ? '' : ' (NOT reconciled)'}` +
          `${relinked ? `; Zoho refused it at first: ${describeCheck(relinked)}` : ''}`,
        detail: { decision: decision.reason, adjustment: plan.adjustment, reconciliation: plan.reconciliation, warnings: plan.warnings, ...(relinked ? { refusedCheck: relinked } : {}) },
      },
    };
  }

  /** The order's invoice voided (a cancelled or failed order); one deleted in Zoho leaves nothing to void. */
  private async voidInvoice(
    connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient, event: InboundEvent, booked: BookedPaymentRead, reason: string,
  ): Promise<{ outcome: Outcome; paymentMoved: Outcome[]; invoiceGone?: boolean }> {
    let deleted = record.invoiceDeletedAt !== null;
    if (!deleted) {
      try {
        await this.deletedInvoices.call(record, zoho, () => zoho.voidInvoice(record.invoiceId!));
      } catch (error) {
        if (!(error instanceof InvoiceDeletedInZohoError)) throw error;
        deleted = true;
      }
    }
    const invoice = record.invoiceNumber ?? record.invoiceId;
    if (deleted) {
      const message = `${reason}; invoice ${invoice} was deleted in Zoho, so there is nothing to void`;
      await this.records.markVoided(connection.id, order.id, order.status, snapshotOf(order, event), message);
      return { outcome: { action: 'void-invoice', outcome: 'skipped', message }, paymentMoved: [], invoiceGone: true };
    }
    await this.records.markVoided(connection.id, order.id, order.status, snapshotOf(order, event), reason);
    const paymentMoved = await this.payments.noteVoided(connection, order, record, booked);
    return { outcome: { action: 'void-invoice', outcome: 'ok', message: `invoice ${invoice} voided: ${reason}` }, paymentMoved };
  }

  /**
   * An invoice Connector voided, for an order invoiced again: reopened as a draft (Zoho's
   * `status/draft`, only from void, so a retry after it does not ask again), and the credit notes
   * voided with it released so that its refunds are credited anew. The caller then writes it.
   */
  private async reopen(connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient): Promise<void> {
    if (record.invoiceStatus === 'void') {
      await this.deletedInvoices.call(record, zoho, () => zoho.markInvoiceDraft(record.invoiceId!));
      await this.records.noteInvoiceStatus(connection.id, order.id, 'draft');
      record.invoiceStatus = 'draft';
    }
    await this.refunds.releaseVoidedWithInvoice(connection.id, order.id);
  }

  /**
   * A create claimed (`createClaimedAt`) without an invoice linked means an earlier attempt may have
   * created the invoice and lost the answer (crash, timeout, connection reset), whatever the record
   * says since: still `creating`, `failed` when its retries ran out, or `skipped` by a newer
   * snapshot. Before anything else is decided (update, void or a new create), Zoho is searched by
   * the order's reference number and an invoice made since the claim that no record holds is
   * adopted, so it is neither orphaned nor doubled (and another store's invoice of the same number
   * is not taken for it). Costs one call per event, only while a claim stands without an invoice.
   */
  private async recoverLostCreate(connection: ConnectionEntity, order: WooOrder, record: OrderSyncEntity, zoho: ZohoBooksClient): Promise<OrderSyncEntity> {
    if (!record.createClaimedAt || record.invoiceId) return record;
    const found = await this.planner.findLostCreate(zoho, invoiceReference(order), record.createClaimedAt);
    if (!found) {
      await this.holdWhileCreateInFlight(connection.id, order.id, record);
      return record;
    }
    await this.records.adoptInvoice(connection.id, order.id, found.invoice_id, found.invoice_number ?? null, found.status ?? null);
    this.logger.warn({ connectionId: connection.id, orderId: order.id, invoiceId: found.invoice_id }, 'adopted an invoice whose create response was lost');
    return (await this.records.find(connection.id, order.id)) ?? record;
  }

  /** Sends a create; once Zoho answered it (or it was never sent), it can no longer land later. */
  private async create(connectionId: string, orderId: number, zoho: ZohoBooksClient, plan: InvoicePlan): Promise<ZohoInvoice> {
    try {
      return await zoho.createInvoice(plan.payload, { ignoreAutoNumberGeneration: plan.ignoreAutoNumberGeneration });
    } catch (error) {
      if (!createMayStillLand(error)) await this.records.markCreateAnswered(connectionId, orderId);
      throw error;
    }
  }

  /** The search found nothing: a create sent with no answer yet that may still land holds this one back. */
  private async holdWhileCreateInFlight(connectionId: string, orderId: number, record: OrderSyncEntity): Promise<void> {
    if (!record.createSentAt) return;
    const sentForMs = await this.records.createSentForMs(connectionId, orderId);
    if (sentForMs !== null && sentForMs < this.config.ZOHO_CREATE_IN_FLIGHT_MS) throw createInFlight(orderId, sentForMs, this.config.ZOHO_CREATE_IN_FLIGHT_MS);
  }

  private async recordFailure(event: InboundEvent, order: WooOrder, record: OrderSyncEntity, calls: ZohoCallLog, error: unknown): Promise<void> {
    const reason = describeError(error);
    const transient = isTransient(error);
    // On its last delivery a transient failure becomes a dead letter too: the record says failed.
    const finalAttempt = givesUp(error, event, retrySettings(this.config));
    const current = (await this.records.find(record.connectionId, order.id)) ?? record;
    if (finalAttempt) await this.records.markFailed(record.connectionId, order.id, reason);
    else await this.records.markRetrying(current, reason);
    await this.note(event, String(order.id), {
      action: error instanceof TaxMappingError ? 'map-taxes' : 'sync-invoice',
      outcome: transient ? 'retrying' : 'failed',
      message: reason,
      detail: { zohoCalls: calls.calls },
    });
  }

  /**
   * The invoice is in step but its payment could not be recorded or a refund credited: the record
   * keeps its state (the invoice is what it says) with the reason, the payment's or credit note's
   * own record says failed or retrying, and the event is retried or dead-lettered like any other.
   */
  private async recordFollowUpFailure(event: InboundEvent, order: WooOrder, calls: ZohoCallLog, error: unknown, invoice: Outcome, step: FollowUp): Promise<void> {
    const reason = describeError(error);
    const transient = isTransient(error);
    const finalAttempt = givesUp(error, event, retrySettings(this.config));
    await this.note(event, String(order.id), { ...invoice, detail: { ...invoice.detail, zohoCalls: calls.calls } });
    await this.records.noteReason(event.connectionId, order.id, `${finalAttempt ? '' : 'retrying: '}${step.reason}${reason}`);
    await this.note(event, String(order.id), { action: step.action, outcome: transient ? 'retrying' : 'failed', message: reason });
  }

  private async note(event: InboundEvent, resourceId: string | null, outcome: Outcome): Promise<void> {
    await this.audit.record(orderAuditEntry(event, resourceId, outcome));
  }
}

/** How far an event got: once its invoice is in step, a failure is the payment's or the refunds'. */
interface ApplyProgress {
  invoice?: Outcome;
  step?: FollowUp;
  /** Every step ran with this snapshot: the order is in step with it. */
  inStep?: boolean;
}

/** What an invoice's record remembers of the payload it last wrote (see invoiceUpdate). */
function hashOf(plan: InvoicePlan): string {
  return canonicalHash(invoiceUpdate(plan.payload));
}

/**
 * What a record keeps of the snapshot a decision was made on, so an older snapshot arriving later
 * is stale and the same one is recognised (by a replay: by its body's bytes).
 */
function snapshotOf(order: WooOrder, event: InboundEvent): JudgedSnapshot {
  return { modifiedGmt: order.date_modified_gmt ?? null, contentHash: orderContentHash(order), bodyDigest: sha256Hex(event.raw) };
}

/** The snapshot a skip judged, hashed only if the record keeps it (see markSkipped). */
function judgedSnapshot(order: WooOrder, event: InboundEvent): SnapshotToJudge {
  return { modifiedGmt: order.date_modified_gmt ?? null, snapshot: () => snapshotOf(order, event) };
}
