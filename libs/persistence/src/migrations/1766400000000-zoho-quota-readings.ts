import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Zoho's own count of each organization's daily quota, from the `X-Rate-Limit-*` headers of its
 * latest response: the quota, what was left, when Zoho said so and when its count resets (on the
 * database's clock), and the calls that took a token since it was written. Zoho's day does not end at the database's midnight, which the calendar-day
 * count (`day`, `calls_today`) assumes; that count stays as the fallback for organizations whose
 * responses carry no such headers.
 */
export class ZohoQuotaReadings1766400000000 implements MigrationInterface {
  name = 'ZohoQuotaReadings1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE zoho_rate_limits
        ADD COLUMN quota_limit integer,
        ADD COLUMN quota_remaining integer,
        ADD COLUMN quota_read_at timestamptz,
        ADD COLUMN quota_reset_at timestamptz,
        ADD COLUMN calls_since_quota integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE zoho_rate_limits
        DROP COLUMN quota_limit,
        DROP COLUMN quota_remaining,
        DROP COLUMN quota_read_at,
        DROP COLUMN quota_reset_at,
        DROP COLUMN calls_since_quota`);
  }
}
