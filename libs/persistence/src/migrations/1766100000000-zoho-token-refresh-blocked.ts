import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Until when Zoho's accounts server throttles this connection's token refreshes. Every refresh
 * tried inside the block prolongs it (specs/zoho-books.md §1.5), so the token-service remembers it
 * for all its instances: meanwhile it hands out the token it has while that is still valid, and
 * otherwise fails at once with the rest of the block as the wait.
 */
export class ZohoTokenRefreshBlocked1766100000000 implements MigrationInterface {
  name = 'ZohoTokenRefreshBlocked1766100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE zoho_tokens ADD COLUMN refresh_blocked_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE zoho_tokens DROP COLUMN refresh_blocked_until`);
  }
}
