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
 * The organization's row as the database's clock sees it now, locked for the statement. A clock
 * set back (NTP stepping it, a failover to a server whose clock is behind) leaves the row's last
 * write in its future: `jump` is how far at least, and the row's times are read moved back by as
 * much. Taken as they are, the bucket would refill only once the clock caught up again, and a
 * block would last that much longer: every instance's calls would stop for as long as the jump.
 * (`refilled_at` is never set ahead of the clock, so it alone tells.)
 */
const CURRENT_ROW = `
  locked AS (
    SELECT organization_key, tokens, refilled_at, blocked_until FROM zoho_rate_limits WHERE organization_key = $1 FOR UPDATE
  ), cur AS (
    SELECT organization_key, tokens, now,
           refilled_at - jump AS refilled_at, blocked_until - jump AS blocked_until, jump > interval '0' AS clock_set_back
      FROM (SELECT locked.*, clock.now, GREATEST(locked.refilled_at - clock.now, interval '0') AS jump
              FROM locked, LATERAL (SELECT clock_timestamp() AS now) clock) j
  )`;

/**
 * One token bucket per Zoho organization, kept in PostgreSQL so every instance of every service
 * draws from the same budget. Refill is (perMinute − burst) per minute, so even a full burst plus
 * a minute of refill stays within `perMinute` in any 60-second window. Times come from the
 * database clock, so instances with skewed clocks still agree. A 429 for the minute or the day
 * blocks the organization until its Retry-After has passed; the bucket is empty then and refills
 * only from the block's end, so calls resume at the refill rate, not with a burst into a window
 * Zoho has just found full. (A 1070, too many calls in flight, is no block: see
 * OrganizationCallGate.) Inside an RPC, no token is taken for a caller that has stopped waiting,
 * nor does it sleep past its caller's deadline. Zoho's own count of the daily quota (the
 * `X-Rate-Limit-*` headers) is kept next to the calendar-day count (see ZohoQuota).
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
    await this.ensureRow(organizationKey);
    for (;;) {
      throwIfCallerGaveUp(`waiting for Zoho quota of organization ${organizationKey}`);
      // A token is credited for the time since the last one was taken, but none for time spent
      // blocked. Without taking one, the row is written only to undo a clock set back.
      const rows: Array<{ wait_ms: number | null; blocked: boolean }> = await this.dataSource.query(
        `WITH ${CURRENT_ROW}, bucket AS (
           SELECT cur.*, COALESCE(blocked_until > now, false) AS blocked,
                  LEAST($2::float8, tokens + GREATEST(0, EXTRACT(EPOCH FROM (now - GREATEST(refilled_at, COALESCE(blocked_until, refilled_at))))) * $3::float8) AS available
             FROM cur
         ), taken AS (
           UPDATE zoho_rate_limits z
              SET tokens = b.available - 1,
                  refilled_at = b.now,
                  blocked_until = b.blocked_until,
                  calls_today = CASE WHEN z.day = current_date THEN z.calls_today + 1 ELSE 1 END,
                  rejected_today = CASE WHEN z.day = current_date THEN z.rejected_today ELSE 0 END,
                  day = current_date,
                  calls_since_quota = z.calls_since_quota + 1
             FROM bucket b
            WHERE z.organization_key = b.organization_key AND b.available >= 1 AND NOT b.blocked
           RETURNING 1
         ), clock_repaired AS (
           UPDATE zoho_rate_limits z SET refilled_at = b.refilled_at, blocked_until = b.blocked_until
             FROM bucket b
            WHERE z.organization_key = b.organization_key AND b.clock_set_back AND (b.available < 1 OR b.blocked)
           RETURNING 1
         )
         SELECT CASE
                  WHEN EXISTS (SELECT 1 FROM taken) THEN NULL
                  WHEN blocked THEN EXTRACT(EPOCH FROM (blocked_until - now)) * 1000
                  ELSE (1 - available) / $3::float8 * 1000
                END AS wait_ms,
                NOT EXISTS (SELECT 1 FROM taken) AND blocked AS blocked
           FROM bucket`,
        [organizationKey, this.settings.burst, this.refillPerSecond],
      );
      if (rows.length === 0) {
        // The row was deleted since (an organization forgotten): start its bucket again.
        await this.ensureRow(organizationKey);
        continue;
      }
      const waitMs = rows[0].wait_ms;
      if (waitMs === null) return;
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

  /**
   * Zoho answered 429 for the minute (44) or the day (45): nobody calls this organization again
   * before `retryAfterMs`, and the bucket is empty (Zoho found the budget spent).
   *
   * A 429 that arrives while the block is in force is the refusal of a call sent before the block
   * began: no token is handed out during one. It belongs to the crowd of calls that were in flight
   * together, and so is counted from the block's start, not from its own late arrival; otherwise
   * each of a crowd of refusals, straggling in over seconds, would push the block further. A longer
   * block (the day's quota spent) still extends it.
   */
  async block(organizationKey: string, retryAfterMs: number): Promise<void> {
    // One statement (a row deleted meanwhile is made again blocked), so that it reaches the
    // database as soon as the refusal is read, ahead of the callers it must hold back.
    await this.dataSource.query(
      `WITH ${CURRENT_ROW}, refusal AS (
         SELECT CASE WHEN cur.blocked_until > clock.now THEN GREATEST(cur.blocked_until, cur.refilled_at + hint.length) ELSE clock.now + hint.length END AS blocked_until,
                CASE WHEN cur.blocked_until > clock.now THEN cur.refilled_at ELSE clock.now END AS refilled_at
           FROM (SELECT clock_timestamp() AS now) clock
           CROSS JOIN (SELECT $2::float8 * interval '1 millisecond' AS length) hint
           LEFT JOIN cur ON true
       )
       INSERT INTO zoho_rate_limits (organization_key, tokens, refilled_at, blocked_until, rejected_today)
       SELECT $1, 0, refilled_at, blocked_until, 1 FROM refusal
       ON CONFLICT (organization_key) DO UPDATE
          SET blocked_until = EXCLUDED.blocked_until,
              refilled_at = EXCLUDED.refilled_at,
              tokens = 0,
              calls_today = CASE WHEN zoho_rate_limits.day = current_date THEN zoho_rate_limits.calls_today ELSE 0 END,
              rejected_today = CASE WHEN zoho_rate_limits.day = current_date THEN zoho_rate_limits.rejected_today + 1 ELSE 1 END,
              day = current_date`,
      [organizationKey, Math.max(0, retryAfterMs)],
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
              CASE WHEN z.day = current_date THEN z.rejected_today ELSE 0 END AS rejected,
              -- As acquire() reads it after the database clock was set back (see CURRENT_ROW).
              z.blocked_until - GREATEST(z.refilled_at - clock.now, interval '0') AS blocked_until,
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

  private async ensureRow(organizationKey: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO zoho_rate_limits (organization_key, tokens) VALUES ($1, $2) ON CONFLICT (organization_key) DO NOTHING`,
      [organizationKey, this.settings.burst],
    );
  }
}
