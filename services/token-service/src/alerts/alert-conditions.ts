import type { ZohoUsage } from '@connector/persistence';

/** Share of the daily Zoho quota at which the operator is warned (the issue asks for 90 %). */
export const QUOTA_ALERT_SHARE = 0.9;

/** Whether the quota day's Zoho calls have reached the warning share of the plan's daily quota. */
export function quotaNearlySpent(callsToday: number, dailyLimit: number | undefined): boolean {
  if (!dailyLimit || dailyLimit <= 0) return false;
  return callsToday >= dailyLimit * QUOTA_ALERT_SHARE;
}

/** Zoho's per-minute and concurrency blocks last a minute at most; a longer one is the daily quota (code 45). */
const LONGEST_SHORT_BLOCK_MS = 60_000;

/** A block longer than a per-minute one: Zoho refused the rest of the organization's quota day. */
function blockedForTheDay(blockedUntil: Date | null, now: Date): boolean {
  return blockedUntil !== null && blockedUntil.getTime() - now.getTime() > LONGEST_SHORT_BLOCK_MS;
}

/**
 * Whether Zoho refused the organization's calls for the rest of its day: a 429 today that blocked
 * the organization for longer than a per-minute limit would. Needs no configured daily limit.
 */
export function dailyQuotaRefused(usage: { rejectedToday: number; blockedUntil: Date | null }, now: Date): boolean {
  return usage.rejectedToday > 0 && blockedForTheDay(usage.blockedUntil, now);
}

/**
 * When Zoho refused the rest of the organization's quota day, the time its calls resume; null when
 * it has not. With Zoho's own count, the long block belongs to Zoho's current day, which it ends
 * with (it lasts until the reset Zoho announced), whatever day the database is on; only the
 * calendar-day count needs the 429 to have come since the database's midnight.
 */
export function quotaRefusedUntil(usage: Pick<ZohoUsage, 'rejectedToday' | 'blockedUntil' | 'quota'>, now: Date): Date | null {
  const refused = usage.quota.source === 'zoho' ? blockedForTheDay(usage.blockedUntil, now) : dailyQuotaRefused(usage, now);
  return refused ? usage.blockedUntil : null;
}

/** Alert cause keys: one open cause per key and connection is alerted once. */
export const CAUSES = {
  reauthorization: 'needs-reauthorization',
  webhooks: 'webhooks-unhealthy',
  /** One per quota day (ZohoQuota.period): a new day with the quota still nearly spent is a new cause. */
  quotaPrefix: 'zoho-quota:',
  quota: (period: string) => `zoho-quota:${period}`,
  /** One per quota day: Zoho refused the day's calls (code 45). */
  quotaRefusedPrefix: 'zoho-quota-refused:',
  quotaRefused: (period: string) => `zoho-quota-refused:${period}`,
} as const;
