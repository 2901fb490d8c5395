import { Injectable } from '@nestjs/common';
import { DataSource, In, Repository } from 'typeorm';
import { OrderPaymentEntity } from '@connector/persistence';

export interface RecordedPayment {
  paymentId: string;
  invoiceId: string;
  paymentMode: string;
  paidOn: string;
  orderTotal: string;
  zohoAmount: string;
  appliedAmount: string;
  exchangeRate: string | null;
  reason: string | null;
}

/** The `order_payments` table: one row per paid order, its state and its Zoho customer payment. */
@Injectable()
export class OrderPaymentRepository {
  private readonly repo: Repository<OrderPaymentEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.repo = dataSource.getRepository(OrderPaymentEntity);
  }

  find(connectionId: string, orderId: number | string): Promise<OrderPaymentEntity | null> {
    return this.repo.findOneBy({ connectionId, orderId: String(orderId) });
  }

  /** The rows of these orders (one read for a replay's batch). */
  findMany(connectionId: string, orderIds: readonly number[]): Promise<OrderPaymentEntity[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.repo.find({ where: { connectionId, orderId: In([...new Set(orderIds)].map(String)) } });
  }

  /** Claims the order→payment link before the create call (committed first: a crash leaves a trace). */
  async claim(connectionId: string, orderId: number, invoiceId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO order_payments (connection_id, order_id, state, invoice_id, attempts)
       VALUES ($1, $2, 'creating', $3, 1)
       ON CONFLICT (connection_id, order_id) DO UPDATE SET attempts = order_payments.attempts + 1, invoice_id = EXCLUDED.invoice_id, updated_at = now()`,
      [connectionId, orderId, invoiceId],
    );
  }

  async markRecorded(connectionId: string, orderId: number, payment: RecordedPayment): Promise<void> {
    await this.repo.update({ connectionId, orderId: String(orderId) }, { state: 'recorded', ...payment });
  }

  /** The payment applied anew to its invoice (the order's total changed after it was paid), with what is left to say. */
  async noteApplied(connectionId: string, orderId: number, appliedAmount: string, reason: string | null): Promise<void> {
    await this.repo.update({ connectionId, orderId: String(orderId) }, { appliedAmount, reason });
  }

  /** A payment that is not booked, with the reason (kept so it is not looked at again). */
  async markSkipped(connectionId: string, orderId: number, invoiceId: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO order_payments (connection_id, order_id, state, invoice_id, reason)
       VALUES ($1, $2, 'skipped', $3, $4)
       ON CONFLICT (connection_id, order_id) DO UPDATE SET state = 'skipped', reason = EXCLUDED.reason, updated_at = now()`,
      [connectionId, orderId, invoiceId, reason],
    );
  }

  /** A permanent failure is `failed`; a transient one stays claimed (`creating`) while it is retried. */
  async markFailed(connectionId: string, orderId: number, reason: string, transient: boolean): Promise<void> {
    await this.repo.update({ connectionId, orderId: String(orderId) }, transient ? { reason: `retrying: ${reason}` } : { state: 'failed', reason });
  }
}
