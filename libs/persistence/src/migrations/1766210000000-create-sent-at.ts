import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When invoice-sync last sent an invoice create for the order whose answer it has not had (null
 * once Zoho answered, or the create was never sent). A create sent by a process that died, or
 * that timed out, can still reach Zoho after the search for it found nothing; until it cannot
 * (the Zoho client's timeout and a margin), another create of the order waits.
 */
export class CreateSentAt1766210000000 implements MigrationInterface {
  name = 'CreateSentAt1766210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs ADD COLUMN create_sent_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs DROP COLUMN create_sent_at`);
  }
}
