import { Injectable } from '@nestjs/common';
import { appliedSnapshotSkip, snapshotSkip } from '@connector/accounting';
import { describeOrderShapeProblem, isWooErrorBody, sha256Hex, WooOrder } from '@connector/contracts';
import type { AppliedEvents, AppliedSkip, InboundEvent } from '@connector/messaging';
import { AuditTrail, ConnectionSettings, connectionSettings, ConnectionStore, OrderPaymentEntity, OrderSyncEntity, OrderSyncState } from '@connector/persistence';
import { OrderPaymentRepository } from '../payments/order-payment.repository';
import { RefundCreditRepository } from '../refunds/refund-credit.repository';
import { existingLink } from './existing-link';
import { followUpsMayAct } from './follow-ups';
import { orderAuditEntry } from './order-audit-entry';
import { namedOrderId } from './order-key';
import { OrderSyncRepository } from './order-sync.repository';

/**
 * Records the live handler leaves as they are when it skips: a synced or voided order keeps its
 * state and moves its snapshot only forward, to a newer one (markSkipped). Not `skipped`: its same snapshot is judged afresh (the
 * settings may have changed) and a stale one rewrites its reason; never `creating`, `failed` or
 * `pending`: those have work left.
 */
const FINAL_STATES: ReadonlySet<OrderSyncState> = new Set(['synced', 'voided']);

/**
 * A replay's shortcut past order events already applied. For an event of an order whose record is
 * final, that this very event touched before (its sequence is in the record), whose snapshot
 * snapshotSkip passes over (a draft, or no newer than the one applied), and whose follow-up steps
 * have nothing left to do (followUpsMayAct: no failed step, no draft to mark, no payment that may
 * be due, no credit note waiting for its invoice to be sent), the live handler would take the lock, touch the record, decide "skip", change nothing
 * and note the skip. Here a whole batch costs one read of the records, one of their waiting credit
 * notes (and, with payments on, one of their payments) and one write of the notes. Everything else — not an order, a deleted order,
 * a connection gone or waiting for re-authorization, any other record — takes the live handler,
 * so a replay does what its dry run lists.
 *
 * Most events of an all-synced stream carry the very body the record's snapshot came from: those
 * are recognised by a SHA-256 of their bytes (the record's body digest), without parsing the order
 * or hashing its canonical JSON, which were most of a replay's CPU. The rest are parsed and judged
 * by snapshotSkip.
 */
@Injectable()
export class AppliedOrderEvents implements AppliedEvents {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly records: OrderSyncRepository,
    private readonly payments: OrderPaymentRepository,
    private readonly credits: RefundCreditRepository,
    private readonly audit: AuditTrail,
  ) {}

  async find(events: readonly InboundEvent[]): Promise<Map<number, string>> {
    const applied = new Map<number, string>();
    for (const [connectionId, orders] of ordersByConnection(events)) {
      const connection = await this.connections.find(connectionId);
      // The live handler waits for a re-authorized connection before it decides anything.
      if (!connection || connection.status === 'needs_reauthorization') continue;
      const orderIds = orders.map(({ orderId }) => orderId);
      const records = new Map((await this.records.findMany(connectionId, orderIds)).map((r) => [r.orderId, r]));
      const settings = connectionSettings(connection);
      const payments = await this.paymentsOf(connectionId, orderIds, settings);
      const awaitingCredit = await this.credits.ordersAwaitingSentInvoice(connectionId, orderIds);
      for (const { event, orderId } of orders) {
        const record = records.get(String(orderId));
        if (!record || !touchedFinal(record, event.seq) || followUpsMayAct(record, settings, payments.get(String(orderId)), awaitingCredit.has(String(orderId)))) continue;
        const skip = appliedBodySkip(record, event) ?? judgedSkip(record, event, orderId);
        if (skip) applied.set(event.seq, skip);
      }
    }
    return applied;
  }

  /** The payment rows followUpsMayAct reads: none to read while payments are off. */
  private async paymentsOf(connectionId: string, orderIds: readonly number[], settings: ConnectionSettings): Promise<Map<string, OrderPaymentEntity>> {
    if (!settings.paymentsSince) return new Map();
    return new Map((await this.payments.findMany(connectionId, orderIds)).map((p) => [p.orderId, p]));
  }

  /** The live handler's skip note, with the replay that passed the event over. */
  async note(skips: readonly AppliedSkip[], replayId: string): Promise<void> {
    await this.audit.recordMany(
      skips.map(({ event, reason }) =>
        orderAuditEntry(event, String(namedOrderId(event)), { action: 'skip', outcome: 'skipped', message: reason, detail: { zohoCalls: [], replayId } }),
      ),
    );
  }
}

function touchedFinal(record: OrderSyncEntity, seq: number): boolean {
  return FINAL_STATES.has(record.state) && record.streamSeqs.some((touched) => Number(touched) === seq);
}

/** The event carries the very body the record's snapshot was taken from: snapshotSkip's verdict on it, from the bytes. */
function appliedBodySkip(record: OrderSyncEntity, event: InboundEvent): string | undefined {
  if (!record.bodyDigest || sha256Hex(event.raw) !== record.bodyDigest) return undefined;
  return appliedSnapshotSkip(existingLink(record))?.reason;
}

/** Any other snapshot of the order: parsed and judged as the live handler would. */
function judgedSkip(record: OrderSyncEntity, event: InboundEvent, orderId: number): string | undefined {
  const body = event.body;
  if (isWooErrorBody(body) || describeOrderShapeProblem(body)) return undefined;
  const order = body as WooOrder;
  // A header naming another order than the body: the live handler sorts that out.
  if (order.id !== orderId) return undefined;
  return snapshotSkip(order, existingLink(record))?.reason;
}

/** The events that may carry a snapshot of an order (what the live handler would judge), by connection. */
function ordersByConnection(events: readonly InboundEvent[]): Map<string, Array<{ event: InboundEvent; orderId: number }>> {
  const byConnection = new Map<string, Array<{ event: InboundEvent; orderId: number }>>();
  for (const event of events) {
    if (event.event === 'deleted') continue;
    const orderId = namedOrderId(event);
    if (orderId === null) continue;
    const list = byConnection.get(event.connectionId) ?? [];
    list.push({ event, orderId });
    byConnection.set(event.connectionId, list);
  }
  return byConnection;
}
