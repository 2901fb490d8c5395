import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connections that synced orders before refunds were booked as credit notes book only the refunds
 * made from now on: the earlier ones may already be in Zoho by hand (settings.refundsSince).
 */
export class RefundsSince1764800000000 implements MigrationInterface {
  name = 'RefundsSince1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE connections
         SET settings = settings || jsonb_build_object('refundsSince', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'))
       WHERE NOT settings ? 'refundsSince'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE connections SET settings = settings - 'refundsSince'`);
  }
}
