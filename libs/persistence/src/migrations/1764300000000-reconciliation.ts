import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Missed webhooks and alerts: the reconciliation sweep's checkpoints, backfill jobs with their
 * progress, the alert causes already reported, and when a failed order was last alerted.
 */
export class Reconciliation1764300000000 implements MigrationInterface {
  name = 'Reconciliation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per connection and resource: the newest date_modified_gmt fully handed to the pipeline.
    await q.query(`
      CREATE TABLE reconcile_checkpoints (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        resource text NOT NULL,
        modified_gmt text NOT NULL,
        swept_at timestamptz NOT NULL DEFAULT now(),
        last_result jsonb,
        PRIMARY KEY (connection_id, resource)
      )`);
    await q.query(`
      CREATE TABLE backfill_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        since timestamptz NOT NULL,
        status text NOT NULL,
        events_per_minute int NOT NULL,
        cursor_gmt text,
        total int,
        processed int NOT NULL DEFAULT 0,
        published int NOT NULL DEFAULT 0,
        failures jsonb NOT NULL DEFAULT '[]'::jsonb,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX backfill_jobs_connection ON backfill_jobs (connection_id, started_at)`);
    // One running backfill per connection: two would double the pace Zoho sees.
    await q.query(`CREATE UNIQUE INDEX backfill_jobs_one_running ON backfill_jobs (connection_id) WHERE status = 'running'`);
    // An open cause (e.g. "needs re-authorization") was alerted once; the row goes when it clears.
    await q.query(`
      CREATE TABLE alert_causes (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        cause text NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, cause)
      )`);
    await q.query(`ALTER TABLE order_syncs ADD COLUMN alerted_at timestamptz`);
    await q.query(`CREATE INDEX order_syncs_failed_unalerted ON order_syncs (connection_id) WHERE state = 'failed' AND alerted_at IS NULL`);
    // Alerted orders that recovered are un-marked each minute, so a later failure alerts again.
    await q.query(`CREATE INDEX order_syncs_alerted ON order_syncs (connection_id) WHERE alerted_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX order_syncs_alerted`);
    await q.query(`DROP INDEX order_syncs_failed_unalerted`);
    await q.query(`ALTER TABLE order_syncs DROP COLUMN alerted_at`);
    await q.query(`DROP TABLE alert_causes`);
    await q.query(`DROP TABLE backfill_jobs`);
    await q.query(`DROP TABLE reconcile_checkpoints`);
  }
}
