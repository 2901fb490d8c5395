import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The retry history of events a consumer put back (RetryLedger): how many deliveries failed or
 * waited out a rate-limit block, and since when the event has been failing, on the database's
 * clock. A row lives only while its event is being retried; it is deleted when the event settles.
 */
export class EventRetries1766200000000 implements MigrationInterface {
  name = 'EventRetries1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_retries (
        consumer text NOT NULL,
        stream_seq bigint NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        block_waits integer NOT NULL DEFAULT 0,
        first_failed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, stream_seq)
      )`);
    await q.query(`CREATE INDEX event_retries_updated_at ON event_retries (updated_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_retries`);
  }
}
