import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The exchange rate each Zoho document was booked at (invoice, customer payment, credit note), as
 * Zoho answered it: an accountant checking a foreign-currency order sees the rate in Connector's
 * record without opening each document in Zoho. NULL where it is not known (rows from before this,
 * documents adopted without one).
 */
export class DocumentExchangeRates1765200000000 implements MigrationInterface {
  name = 'DocumentExchangeRates1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs ADD COLUMN exchange_rate numeric`);
    await q.query(`ALTER TABLE order_payments ADD COLUMN exchange_rate numeric`);
    await q.query(`ALTER TABLE refund_credits ADD COLUMN exchange_rate numeric`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refund_credits DROP COLUMN exchange_rate`);
    await q.query(`ALTER TABLE order_payments DROP COLUMN exchange_rate`);
    await q.query(`ALTER TABLE order_syncs DROP COLUMN exchange_rate`);
  }
}
