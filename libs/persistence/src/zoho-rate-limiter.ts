import { DataSource } from 'typeorm';
import { callerGaveUp, msUntilCallDeadline, sleep, throwIfCallerGaveUp, TransientError } from '@connector/common';
import { zohoQuota, ZohoQuota, ZohoQuotaReading } from './zoho-quota';
import { ZohoQuotaWriter } from './zoho-quota-writer';

export { QUOTA_READING_STALE_AFTER_CALLS, zohoQuota } from './zoho-quota';
export type { StoredQuotaCounts, ZohoQuota, ZohoQuotaReading } from './zoho-quota';

export interface RateLimiterSettings {
  /** Calls allowed in any 60-second window per organization (Zoho: 100). */
  perMinute: number;
  /** Calls that may go out back to back after a quiet period. */
  burst: number;
  /**
   * The longest a caller sleeps while the organization is blocked after a 429. A longer block
   * fails the call with a TransientError carrying the rest of the block as retryAfterMs, so the
   * event is settled (nak until the block lifts) instead of holding a call slot, an RPC and a
   * consumer slot asleep for up to a minute, or for hours after the daily quota (code 45).
   */
  maxBlockedWaitMs?: number;
}

export interface AcquireOptions {
  maxBlockedWaitMs?: number;
}

const DEFAULT_MAX_BLOCKED_WAIT_MS = 10_000;

/** What the shared rows say about one organization's calls, read on the database's clock. */
export interface ZohoUsage {
  /** Calls since the database's midnight (the calendar-day count). */
  callsToday: number;
  rejectedToday: number;
  blockedUntil: Date | null;
  /** The daily quota: Zoho's own count when it reports one, else the calendar-day count. */
  quota: ZohoQuota;
  /** The database's clock when this was read. */
  now: Date;
}

export const DEFAULT_RATE_LIMIT: RateLimiterSettings = { perMinute: 100, burst: 10, maxBlockedWaitMs: DEFAULT_MAX_BLOCKED_WAIT_MS };

/**
 * One token bucket per Zoho organization, kept in PostgreSQL so every instance of every service
 * draws from the same budget. Refill is (perMinute − burst) per minute, so even a full burst plus
 * a minute of refill stays within `perMinute` in any 60-second window. Times come from the
 * database clock, so instances with skewed clocks still agree. A 429 from Zoho blocks the
 * organization until its Retry-After has passed. Inside an RPC, no token is taken for a caller
 * that has stopped waiting, nor does it sleep past its caller's deadline. Zoho's own count of the
 * daily quota (the `X-Rate-Limit-*` headers) is kept next to the calendar-day count (see ZohoQuota).
 */
export class ZohoRateLimiter {
  private readonly refillPerSecond: number;
  private readonly maxBlockedWaitMs: number;
  private readonly quotaWriter: ZohoQuotaWriter;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: RateLimiterSettings = DEFAULT_RATE_LIMIT,
  ) {
    this.refillPerSecond = Math.max(settings.perMinute - settings.burst, 1) / 60;
    this.maxBlockedWaitMs = settings.maxBlockedWaitMs ?? DEFAULT_MAX_BLOCKED_WAIT_MS;
    this.quotaWriter = new ZohoQuotaWriter(dataSource);
  }

  /** Waits for one call's token; `maxBlockedWaitMs` overrides the setting for this caller. */
  async acquire(organizationKey: string, options: AcquireOptions = {}): Promise<void> {
    const maxBlockedWaitMs = options.maxBlockedWaitMs ?? this.maxBlockedWaitMs;
    await this.dataSource.query(
      `INSERT INTO zoho_rate_limits (organization_key, tokens) VALUES ($1, $2) ON CONFLICT (organization_key) DO NOTHING`,
      [organizationKey, this.settings.burst],
    );
    for (;;) {
      throwIfCallerGaveUp(`waiting for Zoho quota of organization ${organizationKey}`);
      const rows: Array<{ wait_ms: number | null; blocked: boolean }> = await this.dataSource.query(
        `WITH cur AS (
           SELECT organization_key,
                  LEAST($2::float8, tokens + EXTRACT(EPOCH FROM (clock_timestamp() - refilled_at)) * $3::float8) AS available,
                  blocked_until
             FROM zoho_rate_limits WHERE organization_key = $1 FOR UPDATE
         ), taken AS (
           UPDATE zoho_rate_limits z
              SET tokens = cur.available - 1,
                  refilled_at = clock_timestamp(),
                  calls_today = CASE WHEN z.day = current_date THEN z.calls_today + 1 ELSE 1 END,
                  rejected_today = CASE WHEN z.day = current_date THEN z.rejected_today ELSE 0 END,
                  day = current_date,
                  calls_since_quota = z.calls_since_quota + 1
             FROM cur
            WHERE z.organization_key = cur.organization_key
              AND cur.available >= 1
              AND (cur.blocked_until IS NULL OR cur.blocked_until <= clock_timestamp())
           RETURNING 1
         )
         SELECT CASE
                  WHEN EXISTS (SELECT 1 FROM taken) THEN NULL
                  WHEN cur.blocked_until > clock_timestamp() THEN EXTRACT(EPOCH FROM (cur.blocked_until - clock_timestamp())) * 1000
                  ELSE (1 - cur.available) / $3::float8 * 1000
                END AS wait_ms,
                NOT EXISTS (SELECT 1 FROM taken) AND cur.blocked_until > clock_timestamp() AS blocked
           FROM cur`,
      [organizationKey, this.settings.burst, this.refillPerSecond],
    );
      const waitMs = rows[0]?.wait_ms;
      if (waitMs === null || waitMs === undefined) return;
      const remainingMs = Math.ceil(Number(waitMs));
      if (rows[0].blocked && remainingMs > maxBlockedWaitMs) {
        throw new TransientError(
          `Zoho rate-limited organization ${organizationKey} (429); its calls resume in ${Math.ceil(remainingMs / 1000)} s`,
          { code: 'rate_limited', retryAfterMs: remainingMs },
        );
      }
      const left = msUntilCallDeadline();
      if (left !== undefined && remainingMs > left) throw callerGaveUp(`waiting ${Math.ceil(remainingMs / 1000)} s for Zoho quota of organization ${organizationKey}`);
      await sleep(Math.min(Math.max(remainingMs, 5), 60_000));
    }
  }

  /** Zoho answered 429: nobody calls this organization again before `retryAfterMs`. */
  async block(organizationKey: string, retryAfterMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE zoho_rate_limits
          SET blocked_until = GREATEST(COALESCE(blocked_until, clock_timestamp()), clock_timestamp() + ($2::float8 * interval '1 millisecond')),
              tokens = 0, refilled_at = clock_timestamp(),
              calls_today = CASE WHEN day = current_date THEN calls_today ELSE 0 END,
              rejected_today = CASE WHEN day = current_date THEN rejected_today + 1 ELSE 1 END,
              day = current_date
        WHERE organization_key = $1`,
      [organizationKey, retryAfterMs],
    );
  }

  /**
   * Zoho's `X-Rate-Limit-*` headers on a response: its own count of the daily quota. Kept and
   * written with the other readings of the same second (ZohoQuotaWriter), off the call's path.
   */
  recordQuota(organizationKey: string, reading: ZohoQuotaReading): void {
    this.quotaWriter.record(organizationKey, reading);
  }

  /** Writes the readings not yet written (shutdown, tests). */
  flushQuota(): Promise<void> {
    return this.quotaWriter.flush();
  }

  /** Calls made today, 429s received and the daily quota, for the dashboard, alerts and the backfill. */
  async usage(organizationKey: string): Promise<ZohoUsage> {
    const rows = await this.dataSource.query(
      `SELECT CASE WHEN z.day = current_date THEN z.calls_today ELSE 0 END AS calls,
              CASE WHEN z.day = current_date THEN z.rejected_today ELSE 0 END AS rejected, z.blocked_until,
              z.quota_limit, z.quota_remaining, z.quota_read_at, z.quota_reset_at, z.calls_since_quota,
              clock.now, current_date::text AS day, (current_date + 1)::timestamptz AS next_midnight
         FROM (SELECT clock_timestamp() AS now) clock
         LEFT JOIN zoho_rate_limits z ON z.organization_key = $1`,
      [organizationKey],
    );
    const row = rows[0];
    const callsToday = Number(row.calls ?? 0);
    const quota = zohoQuota({
      now: row.now,
      day: row.day,
      nextMidnight: row.next_midnight,
      callsToday,
      callsSinceQuota: Number(row.calls_since_quota ?? 0),
      quotaLimit: row.quota_limit ?? null,
      quotaRemaining: row.quota_remaining ?? null,
      quotaReadAt: row.quota_read_at ?? null,
      quotaResetAt: row.quota_reset_at ?? null,
    });
    return { callsToday, rejectedToday: Number(row.rejected ?? 0), blockedUntil: row.blocked_until ?? null, quota, now: row.now };
  }
}
