import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds → Zoho credit notes: one row per refund, claimed (`creating`) before the create call so
 * a lost response is recovered by reference number instead of doubling the credit note.
 */
export class RefundCredits1764500000000 implements MigrationInterface {
  name = 'RefundCredits1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refund_credits (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        refund_id bigint NOT NULL,
        order_id bigint NOT NULL,
        state text NOT NULL,
        reason text,
        invoice_id text,
        credit_note_id text,
        credit_note_number text,
        refund_total numeric,
        zoho_total numeric,
        adjustment numeric,
        applied_amount numeric,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, refund_id)
      )`);
    await q.query(`CREATE INDEX refund_credits_order ON refund_credits (connection_id, order_id)`);
    // One credit note per refund, ever: no two refunds may point at the same Zoho credit note either.
    await q.query(`CREATE UNIQUE INDEX refund_credits_credit_note ON refund_credits (connection_id, credit_note_id) WHERE credit_note_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refund_credits`);
  }
}
