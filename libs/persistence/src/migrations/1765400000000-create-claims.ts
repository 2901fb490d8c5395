import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an order's invoice was first claimed for creation. A create call whose answer was lost is
 * recovered by searching Zoho by the order's reference number, but an order number is unique per
 * store, not per Zoho organization: only an invoice Zoho made after the claim can be the lost one.
 */
export class CreateClaims1765400000000 implements MigrationInterface {
  name = 'CreateClaims1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs ADD COLUMN create_claimed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs DROP COLUMN create_claimed_at`);
  }
}
