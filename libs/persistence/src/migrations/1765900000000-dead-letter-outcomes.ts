import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What became of a dead letter after an operator acted on it: the copy a retry sent (`retry_seq`),
 * the letter that copy left when it failed again (`superseded_by`), and why it was dismissed.
 * The partial index serves both the resolve by stream sequence (every consumer's letters of an
 * event) and retry-all's walk over the open ones.
 */
export class DeadLetterOutcomes1765900000000 implements MigrationInterface {
  name = 'DeadLetterOutcomes1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE dead_letters
        ADD COLUMN retry_seq bigint,
        ADD COLUMN superseded_by uuid REFERENCES dead_letters (id) ON DELETE SET NULL,
        ADD COLUMN dismissed_reason text`);
    await q.query(`CREATE INDEX dead_letters_unsettled_seq ON dead_letters (stream_seq) WHERE status IN ('open', 'retrying')`);
    await q.query(`CREATE INDEX dead_letters_retry_seq ON dead_letters (retry_seq) WHERE retry_seq IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX dead_letters_retry_seq`);
    await q.query(`DROP INDEX dead_letters_unsettled_seq`);
    await q.query(`UPDATE dead_letters SET status = 'open' WHERE status = 'superseded'`);
    await q.query(`ALTER TABLE dead_letters DROP COLUMN dismissed_reason, DROP COLUMN superseded_by, DROP COLUMN retry_seq`);
  }
}
