import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Paid orders → Zoho customer payments: one row per order, claimed (`creating`) before the create
 * call so a lost response is recovered by reference number instead of doubling the payment.
 */
export class OrderPayments1764900000000 implements MigrationInterface {
  name = 'OrderPayments1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_payments (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        order_id bigint NOT NULL,
        state text NOT NULL,
        reason text,
        invoice_id text,
        payment_id text,
        payment_mode text,
        paid_on text,
        order_total numeric,
        zoho_amount numeric,
        applied_amount numeric,
        attempts int NOT NULL DEFAULT 0,
        alerted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, order_id)
      )`);
    // One payment per order, ever: no two orders may point at the same Zoho payment either.
    await q.query(`CREATE INDEX order_payments_failed_unalerted ON order_payments (connection_id) WHERE state = 'failed' AND alerted_at IS NULL`);
    await q.query(`CREATE UNIQUE INDEX order_payments_payment ON order_payments (connection_id, payment_id) WHERE payment_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE order_payments`);
  }
}
