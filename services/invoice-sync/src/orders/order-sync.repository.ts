import { gmtMillis } from '@connector/accounting';
import { Injectable } from '@nestjs/common';
import { DataSource, In, Repository } from 'typeorm';
import { OrderSyncEntity, OrderSyncState } from '@connector/persistence';

export interface SyncedInvoice {
  invoiceId: string;
  invoiceNumber: string | null;
  invoiceStatus: string | null;
  contactId: string;
  currency: string;
  orderTotal: string;
  zohoTotal: string;
  adjustment: string;
  adjustmentReason: string | null;
  exchangeRate: string | null;
  invoiceHash: string;
  modifiedGmt: string | null;
  contentHash: string;
  bodyDigest: string;
  reason: string | null;
}

/** The snapshot a decision was made on: its date, its content hash and the digest of the body it came in. */
export interface JudgedSnapshot {
  modifiedGmt: string | null;
  contentHash: string;
  bodyDigest: string;
}

/** A snapshot a skip judged: its date at once, its hashes only when they are kept. */
export interface SnapshotToJudge {
  modifiedGmt: string | null;
  snapshot: () => JudgedSnapshot;
}

/** The `order_syncs` table: one row per order, its state and its link to a Zoho invoice. */
@Injectable()
export class OrderSyncRepository {
  private readonly repo: Repository<OrderSyncEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(OrderSyncEntity);
  }

  find(connectionId: string, orderId: number | string): Promise<OrderSyncEntity | null> {
    return this.repo.findOne({ where: { connectionId, orderId: String(orderId) } });
  }

  /** The records of several orders of one connection, in one query (those that have one). */
  findMany(connectionId: string, orderIds: readonly number[]): Promise<OrderSyncEntity[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.repo.find({ where: { connectionId, orderId: In([...new Set(orderIds)].map(String)) } });
  }

  /** Notes that an event touched this order (creating the row as `pending` the first time). */
  async touch(connectionId: string, orderId: number, orderNumber: string | null, orderStatus: string | null, seq: number): Promise<OrderSyncEntity> {
    await this.dataSource.query(
      `INSERT INTO order_syncs (connection_id, order_id, order_number, order_status, state, stream_seqs)
       VALUES ($1, $2, $3, $4, 'pending', ARRAY[$5::bigint])
       ON CONFLICT (connection_id, order_id) DO UPDATE
         SET stream_seqs = CASE WHEN $5::bigint = ANY(order_syncs.stream_seqs) THEN order_syncs.stream_seqs
                                ELSE array_append(order_syncs.stream_seqs, $5::bigint) END,
             order_number = COALESCE(EXCLUDED.order_number, order_syncs.order_number),
             updated_at = now()`,
      [connectionId, orderId, orderNumber, orderStatus, seq],
    );
    return (await this.find(connectionId, orderId))!;
  }

  /**
   * Claims the order→invoice link before the create call, and notes the create as sent (committed
   * first: a crash leaves a trace).
   */
  async markCreating(connectionId: string, orderId: number): Promise<void> {
    await this.update(connectionId, orderId, {
      state: 'creating', reason: null, createClaimedAt: () => 'COALESCE(create_claimed_at, now())', createSentAt: () => 'now()',
    } as never, true);
  }

  /** Notes one more create sent under the claim (written again after a refusal was dealt with). */
  async markCreateSent(connectionId: string, orderId: number): Promise<void> {
    await this.update(connectionId, orderId, { createSentAt: () => 'now()' } as never);
  }

  /** The create sent has its answer (or was never sent): it cannot reach Zoho later. */
  async markCreateAnswered(connectionId: string, orderId: number): Promise<void> {
    await this.update(connectionId, orderId, { createSentAt: null });
  }

  /** How long ago, on the database's clock, a create with no answer was sent; null when none is. */
  async createSentForMs(connectionId: string, orderId: number): Promise<number | null> {
    const rows: Array<{ ms: string | null }> = await this.repo.query(
      `SELECT floor(extract(epoch FROM now() - create_sent_at) * 1000)::bigint AS ms FROM order_syncs WHERE connection_id = $1 AND order_id = $2`,
      [connectionId, String(orderId)],
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? null : Number(ms);
  }

  async markSynced(connectionId: string, orderId: number, orderStatus: string, invoice: SyncedInvoice): Promise<void> {
    await this.update(connectionId, orderId, { state: 'synced', orderStatus, createSentAt: null, ...invoice });
  }

  /** The snapshot is applied without a Zoho write: the invoice already shows it. */
  async markApplied(connectionId: string, orderId: number, orderStatus: string, snapshot: JudgedSnapshot): Promise<void> {
    await this.update(connectionId, orderId, { state: 'synced', orderStatus, ...snapshot, reason: null });
  }

  async markVoided(connectionId: string, orderId: number, orderStatus: string, snapshot: JudgedSnapshot, reason: string): Promise<void> {
    await this.update(connectionId, orderId, { state: 'voided', orderStatus, invoiceStatus: 'void', ...snapshot, reason });
  }

  /**
   * What a skip leaves, given the snapshot judged (none: a skip that judged no snapshot of its own):
   * - a synced or voided record keeps its state (a stale snapshot must not disturb it) and only
   *   moves its snapshot forward to a newer one, so an older event retried later (a reinstatement
   *   that failed before a newer cancellation was skipped) is recognised as stale;
   * - a failed or creating record keeps its state and reason on a snapshot no newer than its own
   *   (it still has work left and stays in the Failed filter); a newer skip makes it `skipped`;
   * - any other becomes `skipped` with the reason, remembering the snapshot unless it is older.
   * None of them gives up a create claim (`createClaimedAt`): the next create searches Zoho first.
   * The audit trail says why in every case.
   */
  async markSkipped(record: OrderSyncEntity, reason: string, judged?: SnapshotToJudge): Promise<void> {
    const age = judged ? snapshotAge(judged.modifiedGmt, record.modifiedGmt) : undefined;
    if (record.state === 'synced' || record.state === 'voided') {
      // Hashed only when newer: the common skip, a twin of a synced order, costs no hashing.
      if (age === 'newer') await this.update(record.connectionId, record.orderId, judged!.snapshot());
      return;
    }
    if ((record.state === 'failed' || record.state === 'creating') && age !== 'newer') return;
    await this.update(record.connectionId, record.orderId, {
      state: 'skipped',
      reason,
      ...(age === 'newer' || age === 'same' ? judged!.snapshot() : {}),
    });
  }

  /** Links an invoice found in Zoho (a create whose response was lost) to its order. */
  async adoptInvoice(connectionId: string, orderId: number, invoiceId: string, invoiceNumber: string | null, invoiceStatus: string | null): Promise<void> {
    // The snapshot it was made from is unknown: the next decision treats it as needing an update.
    await this.update(connectionId, orderId, { state: 'synced', invoiceId, invoiceNumber, invoiceStatus, createSentAt: null, modifiedGmt: null, contentHash: null, bodyDigest: null, invoiceHash: null });
  }

  /** The invoice was found deleted in Zoho (see InvoiceDeletedInZohoError); the state is the caller's to set. */
  async markInvoiceDeleted(connectionId: string, orderId: number | string): Promise<void> {
    await this.update(connectionId, orderId, { invoiceDeletedAt: new Date() });
  }

  /** Failed with the reason; a create claim stays (see markSkipped). */
  async markFailed(connectionId: string, orderId: number | string, reason: string): Promise<void> {
    await this.update(connectionId, orderId, { state: 'failed', reason });
  }

  /** Back to `pending` with the reason of the last transient failure (it will be retried). */
  async markRetrying(record: OrderSyncEntity, reason: string): Promise<void> {
    const state: OrderSyncState = record.state === 'creating' ? 'creating' : record.state === 'synced' || record.state === 'voided' ? record.state : 'pending';
    await this.update(record.connectionId, record.orderId, { state, reason: `retrying: ${reason}` });
  }

  /** A reason without a change of state (the invoice is as the state says; something else is not). */
  async noteReason(connectionId: string, orderId: number | string, reason: string): Promise<void> {
    await this.update(connectionId, orderId, { reason });
  }

  /** What Zoho now shows of the invoice, changed by something else than the invoice step (a payment). */
  async noteInvoiceStatus(connectionId: string, orderId: number | string, invoiceStatus: string): Promise<void> {
    await this.update(connectionId, orderId, { invoiceStatus });
  }

  /** Clears the reason if it still says `about` (a later write may have put another reason there). */
  async clearReason(connectionId: string, orderId: number | string, about: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE order_syncs SET reason = NULL, updated_at = now() WHERE connection_id = $1 AND order_id = $2 AND strpos(reason, $3) > 0`,
      [connectionId, orderId, about],
    );
  }

  list(connectionId: string, filter: { state?: string; limit?: number; notReconciled?: boolean }): Promise<OrderSyncEntity[]> {
    const query = this.repo.createQueryBuilder('o').where('o.connection_id = :connectionId', { connectionId }).orderBy('o.updated_at', 'DESC');
    if (filter.state) query.andWhere('o.state = :state', { state: filter.state });
    if (filter.notReconciled) query.andWhere('o.zoho_total IS DISTINCT FROM o.order_total');
    return query.limit(Math.min(filter.limit ?? 100, 1000)).getMany();
  }

  private async update(connectionId: string, orderId: number | string, patch: Partial<OrderSyncEntity>, countAttempt = false): Promise<void> {
    await this.repo.update(
      { connectionId, orderId: String(orderId) },
      { ...patch, ...(countAttempt ? { attempts: () => 'attempts + 1' } : {}) } as never,
    );
  }
}

/**
 * How a judged snapshot's date compares with the record's: `unknown` when the snapshot has none;
 * a record without one is older than any snapshot.
 */
function snapshotAge(judged: string | null, recorded: string | null): 'newer' | 'same' | 'older' | 'unknown' {
  const judgedMillis = gmtMillis(judged);
  const recordedMillis = gmtMillis(recorded);
  if (judgedMillis === undefined) return 'unknown';
  if (recordedMillis === undefined) return 'newer';
  const difference = judgedMillis - recordedMillis;
  return difference > 0 ? 'newer' : difference === 0 ? 'same' : 'older';
}
