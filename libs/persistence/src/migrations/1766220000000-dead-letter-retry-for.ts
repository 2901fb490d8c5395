import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event whose copy a claimed letter waits for, set when it is claimed: an order's Retry sends
 * one copy (its newest event) for the letters of all its events, and that copy can succeed before
 * the copy's own sequence is noted on them (`retry_seq`); its success finds them by this instead.
 */
export class DeadLetterRetryFor1766220000000 implements MigrationInterface {
  name = 'DeadLetterRetryFor1766220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE dead_letters ADD COLUMN retry_for_seq bigint`);
    // Resolving a batch of events (a replay's) looks letters up by it next to stream_seq and retry_seq.
    await q.query(`CREATE INDEX dead_letters_retry_for_seq ON dead_letters (retry_for_seq) WHERE retry_for_seq IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX dead_letters_retry_for_seq`);
    await q.query(`ALTER TABLE dead_letters DROP COLUMN retry_for_seq`);
  }
}
