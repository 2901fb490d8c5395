import { MigrationInterface, QueryRunner } from 'typeorm';

/** When a failed refund was alerted (once per failure, as failed orders are). */
export class RefundCreditAlerts1764700000000 implements MigrationInterface {
  name = 'RefundCreditAlerts1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refund_credits ADD COLUMN alerted_at timestamptz`);
    await q.query(`CREATE INDEX refund_credits_failed_unalerted ON refund_credits (connection_id) WHERE state = 'failed' AND alerted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refund_credits DROP COLUMN alerted_at`);
  }
}
