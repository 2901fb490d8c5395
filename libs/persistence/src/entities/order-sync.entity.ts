import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * pending   : received, not yet written to Zoho (or waiting for a retry)
 * creating  : the order→invoice link is claimed and the create call may be in flight; a retry in
 *             this state searches Zoho by reference number before creating (lost-response recovery)
 * synced    : Zoho holds an invoice matching the latest snapshot
 * voided    : the order was cancelled/failed and its invoice voided
 * failed    : gave up with a reason (visible, retryable after the cause is fixed)
 * skipped   : nothing to do, with the reason (draft, status not synced, stale snapshot…)
 */
export type OrderSyncState = 'pending' | 'creating' | 'synced' | 'voided' | 'failed' | 'skipped';

/**
 * How a synced record's reason begins when its invoice is written but could not be marked as sent
 * (settings.invoiceStatus) and the event gave up: invoice-sync writes it, the alerts look for it.
 */
export const UNSENT_INVOICE_REASON = 'invoice not marked as sent: ';

/** One row per store order: its state, its Zoho invoice, both totals, and the events that shaped it. */
@Entity({ name: 'order_syncs' })
@Index(['connectionId', 'state'])
export class OrderSyncEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @PrimaryColumn({ name: 'order_id', type: 'bigint' })
  orderId: string;

  @Column({ name: 'order_number', type: 'text', nullable: true })
  orderNumber: string | null;

  @Column({ type: 'text' })
  state: OrderSyncState;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'order_status', type: 'text', nullable: true })
  orderStatus: string | null;

  @Column({ name: 'invoice_id', type: 'text', nullable: true })
  invoiceId: string | null;

  @Column({ name: 'invoice_number', type: 'text', nullable: true })
  invoiceNumber: string | null;

  @Column({ name: 'invoice_status', type: 'text', nullable: true })
  invoiceStatus: string | null;

  @Column({ name: 'contact_id', type: 'text', nullable: true })
  contactId: string | null;

  @Column({ type: 'text', nullable: true })
  currency: string | null;

  /** Exact decimal strings (never floats). */
  @Column({ name: 'order_total', type: 'numeric', nullable: true })
  orderTotal: string | null;

  @Column({ name: 'zoho_total', type: 'numeric', nullable: true })
  zohoTotal: string | null;

  @Column({ type: 'numeric', nullable: true })
  adjustment: string | null;

  @Column({ name: 'adjustment_reason', type: 'text', nullable: true })
  adjustmentReason: string | null;

  /** The exchange rate Zoho booked the invoice at (1 in the base currency); null when not known. */
  @Column({ name: 'exchange_rate', type: 'numeric', nullable: true })
  exchangeRate: string | null;

  /** `date_modified_gmt` of the snapshot last applied; older snapshots never overwrite it. */
  @Column({ name: 'modified_gmt', type: 'text', nullable: true })
  modifiedGmt: string | null;

  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash: string | null;

  /**
   * SHA-256 (hex) of the raw delivery body that `modifiedGmt` and `contentHash` were taken from;
   * null when they were not taken from one body (an adopted invoice, rows from before the column).
   */
  @Column({ name: 'body_digest', type: 'text', nullable: true })
  bodyDigest: string | null;

  /** canonicalHash of the invoice body last written to Zoho: a plan with the same hash needs no call. */
  @Column({ name: 'invoice_hash', type: 'text', nullable: true })
  invoiceHash: string | null;

  /** Audit stream sequences of every event that touched this order. */
  @Column({ name: 'stream_seqs', type: 'bigint', array: true, default: () => "'{}'" })
  streamSeqs: string[];

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** When the invoice was first claimed for creation: a lost create's invoice is one Zoho made after it. */
  @Column({ name: 'create_claimed_at', type: 'timestamptz', nullable: true })
  createClaimedAt: Date | null;

  /**
   * When the last invoice create was sent without its answer known yet (a timeout, a dropped
   * connection, its process killed): it may still reach Zoho, so another create waits. Null once
   * Zoho answered or the create was never sent.
   */
  @Column({ name: 'create_sent_at', type: 'timestamptz', nullable: true })
  createSentAt: Date | null;

  /** When the invoice was found deleted in Zoho: the order waits for the owner to ask for a new one (rebook). */
  @Column({ name: 'invoice_deleted_at', type: 'timestamptz', nullable: true })
  invoiceDeletedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
