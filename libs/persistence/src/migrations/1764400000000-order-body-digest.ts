import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SHA-256 of the delivery body an order's applied snapshot came from, next to its content
 * hash. A replay recognises an event that carries that very body by hashing its bytes, without
 * parsing the order or building its canonical JSON (measured in bench/, scenario 5). Existing
 * rows have none and take the content-hash path, as before.
 */
export class OrderBodyDigest1764400000000 implements MigrationInterface {
  name = 'OrderBodyDigest1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs ADD COLUMN body_digest text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs DROP COLUMN body_digest`);
  }
}
