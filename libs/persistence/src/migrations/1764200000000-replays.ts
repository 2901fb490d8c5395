import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replays of the audit stream: one row per replay and target service, so each sync service
 * writes only its own row (no two services contend for one) and the admin API adds them up.
 */
export class Replays1764200000000 implements MigrationInterface {
  name = 'Replays1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE replays (
        id uuid NOT NULL,
        service text NOT NULL,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        resource text NOT NULL,
        from_seq bigint,
        from_time timestamptz,
        dry_run boolean NOT NULL DEFAULT false,
        consumer text,
        status text NOT NULL DEFAULT 'running',
        processed int NOT NULL DEFAULT 0,
        total int,
        failures int NOT NULL DEFAULT 0,
        last_seq bigint,
        planned jsonb NOT NULL DEFAULT '[]',
        planned_count int NOT NULL DEFAULT 0,
        failed_events jsonb NOT NULL DEFAULT '[]',
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id, service),
        CONSTRAINT replays_status CHECK (status IN ('running', 'done', 'failed'))
      )`);
    await q.query(`CREATE INDEX replays_connection ON replays (connection_id, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE replays`);
  }
}
