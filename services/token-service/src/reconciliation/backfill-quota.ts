import { DataSource } from 'typeorm';
import { ConnectionEntity, connectionSettings, ZohoRateLimiter } from '@connector/persistence';

/** Share of the organization's daily Zoho quota a backfill may draw on; the rest stays for live orders. */
export const BACKFILL_QUOTA_SHARE = 0.6;
/** Calls per day of Zoho's smallest plan, assumed when the connection does not name its plan's limit. */
export const SMALLEST_PLAN_DAILY_LIMIT = 1000;

/** Why a backfill waits, and until when. */
export interface QuotaPause {
  reason: string;
  resumesAt: Date;
}

/** The organization's Zoho calls as the rate limiter counts them, read on the database clock. */
export interface QuotaReading {
  callsToday: number;
  blockedUntil: Date | null;
  now: Date;
  /** When the limiter's "today" ends and its count starts again from zero. */
  dayResetAt: Date;
  /**
   * Zoho's own count (its `X-Rate-Limit-*` headers), when it reports one: it replaces the
   * calendar-day count, the configured limit and the database's midnight.
   */
  zoho?: { used: number; limit: number; resetsAt: Date };
}

/**
 * Whether a backfill must wait before its next event: while Zoho blocks the organization (a 429),
 * and once the quota day's calls reach the backfill's share of the daily limit, until Zoho's day
 * resets (or, without Zoho's count, the database's).
 */
export function quotaPause(reading: QuotaReading, dailyLimit: number | undefined): QuotaPause | null {
  if (reading.blockedUntil && reading.blockedUntil > reading.now) {
    return { reason: 'Zoho refused calls for this organization (429)', resumesAt: reading.blockedUntil };
  }
  if (reading.zoho) {
    const { used, limit, resetsAt } = reading.zoho;
    const share = Math.floor(limit * BACKFILL_QUOTA_SHARE);
    if (used < share) return null;
    return {
      reason: `${used} Zoho calls used of Zoho's current day: the backfill may use ${share} (${BACKFILL_QUOTA_SHARE * 100} % of the daily limit of ${limit} Zoho reports), the rest is kept for live orders`,
      resumesAt: resetsAt,
    };
  }
  const limit = dailyLimit && dailyLimit > 0 ? dailyLimit : SMALLEST_PLAN_DAILY_LIMIT;
  const share = Math.floor(limit * BACKFILL_QUOTA_SHARE);
  if (reading.callsToday < share) return null;
  const assumed = dailyLimit ? '' : `; settings.zohoDailyLimit is not set, so the smallest plan's ${SMALLEST_PLAN_DAILY_LIMIT} is assumed`;
  return {
    reason: `${reading.callsToday} Zoho calls used today: the backfill may use ${share} (${BACKFILL_QUOTA_SHARE * 100} % of the daily limit of ${limit}${assumed}), the rest is kept for live orders`,
    resumesAt: reading.dayResetAt,
  };
}

/** Reads a connection's Zoho quota from the shared rate-limiter rows (every instance's calls count). */
export class BackfillQuota {
  private readonly limiter: ZohoRateLimiter;

  constructor(dataSource: DataSource) {
    this.limiter = new ZohoRateLimiter(dataSource);
  }

  /** Null when the backfill may publish now. */
  async pause(connection: ConnectionEntity): Promise<QuotaPause | null> {
    const organizationId = connection.zohoOrganizationId;
    if (!organizationId) return null;
    const { callsToday, blockedUntil, now, quota } = await this.limiter.usage(organizationId);
    const zoho = quota.source === 'zoho' && quota.limit !== null ? { used: quota.used, limit: quota.limit, resetsAt: quota.resetsAt } : undefined;
    // Without Zoho's count, the quota's day is the database's and resets at its next midnight.
    return quotaPause({ callsToday, blockedUntil, now, dayResetAt: quota.resetsAt, zoho }, connectionSettings(connection).zohoDailyLimit);
  }
}
