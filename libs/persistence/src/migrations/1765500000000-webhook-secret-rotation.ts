import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rotated webhook secret stays valid for a grace period: WooCommerce signs each delivery when it
 * sends it, and one queued or in flight while the store's webhooks are re-keyed carries the old
 * signature. Sealed like the current secret.
 */
export class WebhookSecretRotation1765500000000 implements MigrationInterface {
  name = 'WebhookSecretRotation1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections ADD COLUMN previous_webhook_secret text, ADD COLUMN previous_webhook_secret_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP COLUMN previous_webhook_secret, DROP COLUMN previous_webhook_secret_until`);
  }
}
