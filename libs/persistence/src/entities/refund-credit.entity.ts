import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * creating : the refund→credit note link is claimed and the create call may be in flight; a retry
 *            in this state searches Zoho by reference number before creating (lost-response recovery)
 *            (also while a transient failure is being retried: see reason). Once Zoho made the note
 *            its id is kept here at once, so a later step failing never leaves it unknown
 * credited : Zoho holds the credit note (applied to the invoice as far as Zoho allows; see reason);
 *            also a note kept rather than voided because refunds are recorded on it in Zoho
 * failed   : gave up with the reason (visible, retried with the order's event); the create call
 *            may have happened, so a retry searches by reference number first, as for `creating`,
 *            or reads the note whose id it already holds
 * voided   : the refund was deleted in the store (or the invoice voided) and its credit note voided
 * skipped  : not booked, with the reason (made before the connection's settings.refundsSince)
 */
export type RefundCreditState = 'creating' | 'credited' | 'failed' | 'voided' | 'skipped';

/** One row per WooCommerce refund: the Zoho credit note that books it. */
@Entity({ name: 'refund_credits' })
@Index(['connectionId', 'orderId'])
export class RefundCreditEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  /** Refund ids are WordPress post ids: unique in a store. */
  @PrimaryColumn({ name: 'refund_id', type: 'bigint' })
  refundId: string;

  @Column({ name: 'order_id', type: 'bigint' })
  orderId: string;

  @Column({ type: 'text' })
  state: RefundCreditState;

  /** Why the credit is not (fully) applied to the invoice, or why it was voided; null when nothing to say. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'invoice_id', type: 'text', nullable: true })
  invoiceId: string | null;

  @Column({ name: 'credit_note_id', type: 'text', nullable: true })
  creditNoteId: string | null;

  @Column({ name: 'credit_note_number', type: 'text', nullable: true })
  creditNoteNumber: string | null;

  /** Exact decimal strings (never floats): the refund's amount and the credit note's total in Zoho. */
  @Column({ name: 'refund_total', type: 'numeric', nullable: true })
  refundTotal: string | null;

  @Column({ name: 'zoho_total', type: 'numeric', nullable: true })
  zohoTotal: string | null;

  @Column({ type: 'numeric', nullable: true })
  adjustment: string | null;

  /** The exchange rate Zoho booked the credit note (and its cash refund) at (1 in the base currency); null when not known. */
  @Column({ name: 'exchange_rate', type: 'numeric', nullable: true })
  exchangeRate: string | null;

  /** How much of the credit note was applied to the order's invoice. */
  @Column({ name: 'applied_amount', type: 'numeric', nullable: true })
  appliedAmount: string | null;

  /**
   * The Zoho refund of the credit note's open balance: the money going back to the customer of an
   * order whose payment Connector booked (order_payments). Null when no cash was refunded.
   */
  @Column({ name: 'cash_refund_id', type: 'text', nullable: true })
  cashRefundId: string | null;

  @Column({ name: 'cash_refunded_amount', type: 'numeric', nullable: true })
  cashRefundedAmount: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** When this failure was alerted; cleared once the refund is credited or voided. */
  @Column({ name: 'alerted_at', type: 'timestamptz', nullable: true })
  alertedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
