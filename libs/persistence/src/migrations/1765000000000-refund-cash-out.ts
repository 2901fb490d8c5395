import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refund of a paid order gives money back: its credit note's open balance is refunded in Zoho
 * (the cash leaving the deposit account). The Zoho refund's id and amount are kept on the link.
 */
export class RefundCashOut1765000000000 implements MigrationInterface {
  name = 'RefundCashOut1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refund_credits ADD COLUMN cash_refund_id text, ADD COLUMN cash_refunded_amount numeric`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refund_credits DROP COLUMN cash_refund_id, DROP COLUMN cash_refunded_amount`);
  }
}
