import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * creating : the order→payment link is claimed and the create call may be in flight; a retry in
 *            this state searches Zoho by reference number before creating (lost-response recovery)
 *            (also while a transient failure is being retried: see reason)
 * recorded : Zoho holds the payment (applied to the invoice as far as its balance went; see reason)
 * failed   : gave up with the reason (visible, retried with the order's event); the create call may
 *            have happened, so a retry searches by reference number first, as for `creating`
 * skipped  : not recorded, with the reason (paid before the connection's settings.paymentsSince)
 */
export type OrderPaymentState = 'creating' | 'recorded' | 'failed' | 'skipped';

/** One row per paid order whose payment Connector books: the Zoho customer payment. */
@Entity({ name: 'order_payments' })
export class OrderPaymentEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @PrimaryColumn({ name: 'order_id', type: 'bigint' })
  orderId: string;

  @Column({ type: 'text' })
  state: OrderPaymentState;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'invoice_id', type: 'text', nullable: true })
  invoiceId: string | null;

  @Column({ name: 'payment_id', type: 'text', nullable: true })
  paymentId: string | null;

  @Column({ name: 'payment_mode', type: 'text', nullable: true })
  paymentMode: string | null;

  /** The payment's date in Zoho (yyyy-mm-dd). */
  @Column({ name: 'paid_on', type: 'text', nullable: true })
  paidOn: string | null;

  /** Exact decimal strings (never floats): the order total paid, Zoho's amount and what went to the invoice. */
  @Column({ name: 'order_total', type: 'numeric', nullable: true })
  orderTotal: string | null;

  @Column({ name: 'zoho_amount', type: 'numeric', nullable: true })
  zohoAmount: string | null;

  @Column({ name: 'applied_amount', type: 'numeric', nullable: true })
  appliedAmount: string | null;

  /** The exchange rate Zoho booked the payment at (1 in the base currency); null when not known. */
  @Column({ name: 'exchange_rate', type: 'numeric', nullable: true })
  exchangeRate: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** When this failure was alerted; cleared once the payment is recorded. */
  @Column({ name: 'alerted_at', type: 'timestamptz', nullable: true })
  alertedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
