import { DataSource } from 'typeorm';
import { sleep } from '@connector/common';

export interface RateLimiterSettings {
  /** Calls allowed in any 60-second window per organization (Zoho: 100). */
  perMinute: number;
  /** Calls that may go out back to back after a quiet period. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimiterSettings = { perMinute: 100, burst: 10 };

/**
 * One token bucket per Zoho organization, kept in PostgreSQL so every instance of every service
 * draws from the same budget. Refill is (perMinute − burst) per minute, so even a full burst plus
 * a minute of refill stays within `perMinute` in any 60-second window. Times come from the
 * database clock, so instances with skewed clocks still agree. A 429 from Zoho blocks the
 * organization until its Retry-After has passed.
 */
export class ZohoRateLimiter {
  private readonly refillPerSecond: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: RateLimiterSettings = DEFAULT_RATE_LIMIT,
  ) {
    this.refillPerSecond = Math.max(settings.perMinute - settings.burst, 1) / 60;
  }

  async acquire(organizationKey: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO zoho_rate_limits (organization_key, tokens) VALUES ($1, $2) ON CONFLICT (organization_key) DO NOTHING`,
      [organizationKey, this.settings.burst],
    );
    for (;;) {
      const rows: Array<{ wait_ms: number | null }> = await this.dataSource.query(
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
                  day = current_date
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
                END AS wait_ms
           FROM cur`,
      [organizationKey, this.settings.burst, this.refillPerSecond],
    );
      const waitMs = rows[0]?.wait_ms;
      if (waitMs === null || waitMs === undefined) return;
      await sleep(Math.min(Math.max(Math.ceil(Number(waitMs)), 5), 60_000));
    }
  }

  /** Zoho answered 429: nobody calls this organization again before `retryAfterMs`. */
  async block(organizationKey: string, retryAfterMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE zoho_rate_limits
          SET blocked_until = GREATEST(COALESCE(blocked_until, clock_timestamp()), clock_timestamp() + ($2::float8 * interval '1 millisecond')),
              tokens = 0, refilled_at = clock_timestamp(),
              rejected_today = CASE WHEN day = current_date THEN rejected_today + 1 ELSE 1 END
        WHERE organization_key = $1`,
      [organizationKey, retryAfterMs],
    );
  }

  /** Calls made today and 429s received, for the dashboard and metrics. */
  async usage(organizationKey: string): Promise<{ callsToday: number; rejectedToday: number; blockedUntil: Date | null }> {
    const rows = await this.dataSource.query(
      `SELECT CASE WHEN day = current_date THEN calls_today ELSE 0 END AS calls,
              CASE WHEN day = current_date THEN rejected_today ELSE 0 END AS rejected, blocked_until
         FROM zoho_rate_limits WHERE organization_key = $1`,
      [organizationKey],
    );
    const row = rows[0];
    return { callsToday: Number(row?.calls ?? 0), rejectedToday: Number(row?.rejected ?? 0), blockedUntil: row?.blocked_until ?? null };
  }
}
