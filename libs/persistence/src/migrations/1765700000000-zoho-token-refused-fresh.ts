import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When Zoho refused the current access token although it had just been minted for the call that
 * reported its predecessor. That is the authorization's scope or organization access, not the
 * token, so the token-service keeps the token for the other operations and, for a while, answers
 * further reports of it without minting (Zoho allows 10 new tokens per 10 minutes).
 */
export class ZohoTokenRefusedFresh1765700000000 implements MigrationInterface {
  name = 'ZohoTokenRefusedFresh1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE zoho_tokens ADD COLUMN refused_fresh_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE zoho_tokens DROP COLUMN refused_fresh_at`);
  }
}
