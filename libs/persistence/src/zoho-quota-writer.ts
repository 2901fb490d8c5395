import { DataSource } from 'typeorm';
import type { ZohoQuotaReading } from './zoho-quota';

/** How long a reading waits to be written with the others of the same moment. */
export const QUOTA_WRITE_DELAY_MS = 1_000;

interface PendingReading extends ZohoQuotaReading {
  /** The writer's clock when the response arrived: the reset is counted from then, not from the write. */
  receivedAt: number;
}

/**
 * Writes Zoho's `X-Rate-Limit-*` readings to the organizations' rate-limit rows off the call path:
 * a response only leaves its reading here (the newest per organization wins), and at most once a
 * second one statement writes every organization's latest. So the readings cost one write a second
 * per process at most, however many calls answer. A reading lost to a crash or a failed write is
 * replaced by the organization's next response's.
 */
export class ZohoQuotaWriter {
  private readonly pending = new Map<string, PendingReading>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    /** Monotonic milliseconds: how old a reading is when written (tests age readings with it). */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Keeps the reading for the next write. */
  record(organizationKey: string, reading: ZohoQuotaReading): void {
    this.pending.set(organizationKey, { ...reading, receivedAt: this.clock() });
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), QUOTA_WRITE_DELAY_MS);
    // A reading waiting to be written keeps no process alive.
    this.timer.unref();
  }

  /** Writes the readings kept so far now (tests; shutdown); resolves once they are written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    this.writing = this.writing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.writing;
  }

  private async write(batch: Array<[string, PendingReading]>): Promise<void> {
    const written = this.clock();
    try {
      // Rows are locked in key order, so two instances writing overlapping batches cannot deadlock;
      // an older reading (from a slower instance) never replaces a newer one.
      await this.dataSource.query(
        `WITH r AS (
           SELECT key, lim, rem,
                  clock_timestamp() - age_ms * interval '1 millisecond' AS read_at,
                  clock_timestamp() + (reset_ms - age_ms) * interval '1 millisecond' AS reset_at
             FROM unnest($1::text[], $2::int[], $3::int[], $4::float8[], $5::float8[]) AS t(key, lim, rem, reset_ms, age_ms)
         ), locked AS (
           SELECT organization_key FROM zoho_rate_limits WHERE organization_key IN (SELECT key FROM r)
            ORDER BY organization_key FOR UPDATE
         )
         UPDATE zoho_rate_limits z
            SET quota_limit = r.lim, quota_remaining = r.rem, quota_read_at = r.read_at, quota_reset_at = r.reset_at, calls_since_quota = 0
           FROM r, locked
          WHERE z.organization_key = r.key AND locked.organization_key = r.key
            AND (z.quota_read_at IS NULL OR z.quota_read_at <= r.read_at)`,
        [
          batch.map(([key]) => key),
          batch.map(([, reading]) => reading.limit),
          batch.map(([, reading]) => reading.remaining),
          batch.map(([, reading]) => reading.resetInMs),
          batch.map(([, reading]) => written - reading.receivedAt),
        ],
      );
    } catch {
      // Dropped: the organization's next response brings a newer reading, and until then the
      // stored one still holds (or has visibly reset). Retrying would keep a closing pool busy.
    }
  }
}
