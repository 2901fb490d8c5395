import { DataSource } from 'typeorm';

/** A retry history no delivery touched for this long belongs to an event that is gone (see prune). */
const FORGOTTEN_AFTER = '30 days';

/**
 * The consumer runner's RetryLedger over PostgreSQL (table event_retries). Time is the database's:
 * every instance of every service measures an event's retry window on the same clock.
 */
export class EventRetryLedger {
  constructor(private readonly dataSource: DataSource) {}

  async read(consumer: string, streamSeq: number): Promise<{ failures: number; blockWaits: number; failingForMs: number } | undefined> {
    const rows: Array<{ failures: number; block_waits: number; failing_for_ms: string }> = await this.dataSource.query(
      `SELECT failures, block_waits,
              COALESCE(floor(extract(epoch FROM now() - first_failed_at) * 1000), 0)::bigint AS failing_for_ms
         FROM event_retries WHERE consumer = $1 AND stream_seq = $2`,
      [consumer, streamSeq],
    );
    const row = rows[0];
    return row ? { failures: row.failures, blockWaits: row.block_waits, failingForMs: Number(row.failing_for_ms) } : undefined;
  }

  async record(consumer: string, streamSeq: number, kind: 'failure' | 'block'): Promise<void> {
    const failure = kind === 'failure' ? 1 : 0;
    await this.dataSource.query(
      `INSERT INTO event_retries (consumer, stream_seq, failures, block_waits, first_failed_at)
       VALUES ($1, $2, $3, 1 - $3, CASE WHEN $3 = 1 THEN now() END)
       ON CONFLICT (consumer, stream_seq) DO UPDATE
         SET failures = event_retries.failures + EXCLUDED.failures,
             block_waits = event_retries.block_waits + EXCLUDED.block_waits,
             first_failed_at = COALESCE(event_retries.first_failed_at, EXCLUDED.first_failed_at),
             updated_at = now()`,
      [consumer, streamSeq, failure],
    );
  }

  async clear(consumer: string, streamSeq: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM event_retries WHERE consumer = $1 AND stream_seq = $2`, [consumer, streamSeq]);
  }

  /**
   * Deletes histories nothing touched for a month. An event being retried is delivered at least
   * every day (the longest wait is a block's, under 25 h), so these are of events whose consumer
   * or stream was deleted, or whose clear failed after they settled.
   */
  async prune(): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM event_retries WHERE updated_at < now() - interval '${FORGOTTEN_AFTER}'`);
    return Number(count ?? 0);
  }
}
