import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The alert poll looks, every few seconds, for synced orders whose invoice could not be marked as
 * sent (their reason says so). Synced orders with a reason and no alert yet are few (totals that
 * differ, follow-up steps that failed) among all synced orders: a partial index keeps that look
 * from reading every synced order of the connection.
 */
export class UnsentInvoiceAlerts1765300000000 implements MigrationInterface {
  name = 'UnsentInvoiceAlerts1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX order_syncs_synced_reason_unalerted ON order_syncs (connection_id) WHERE state = 'synced' AND reason IS NOT NULL AND alerted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX order_syncs_synced_reason_unalerted`);
  }
}
