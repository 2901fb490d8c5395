import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether the store's webhooks still sign with the secret before the last rotation (its re-keying
 * failed): a second rotation must then keep that secret accepted, not the one the store never got.
 */
export class ConnectionLifecycle1765800000000 implements MigrationInterface {
  name = 'ConnectionLifecycle1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections ADD COLUMN store_signs_with_previous_secret boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP COLUMN store_signs_with_previous_secret`);
  }
}
