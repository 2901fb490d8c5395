/** Share of the daily Zoho quota at which the operator is warned (the issue asks for 90 %). */
export const QUOTA_ALERT_SHARE = 0.9;

/** Whether today's Zoho calls have reached the warning share of the plan's daily quota. */
export function quotaNearlySpent(callsToday: number, dailyLimit: number | undefined): boolean {
  if (!dailyLimit || dailyLimit <= 0) return false;
  return callsToday >= dailyLimit * QUOTA_ALERT_SHARE;
}

/** Zoho's per-minute and concurrency blocks last a minute at most; a longer one is the daily quota (code 45). */
const LONGEST_SHORT_BLOCK_MS = 60_000;

/**
 * Whether Zoho refused the organization's calls for the rest of its day: a 429 today that blocked
 * the organization for longer than a per-minute limit would. Needs no configured daily limit.
 */
export function dailyQuotaRefused(usage: { rejectedToday: number; blockedUntil: Date | null }, now: Date): boolean {
  if (usage.rejectedToday === 0 || !usage.blockedUntil) return false;
  return usage.blockedUntil.getTime() - now.getTime() > LONGEST_SHORT_BLOCK_MS;
}

/** Alert cause keys: one open cause per key and connection is alerted once. */
export const CAUSES = {
  reauthorization: 'needs-reauthorization',
  webhooks: 'webhooks-unhealthy',
  /** One per day: a new day with the quota still nearly spent is a new cause. */
  quotaPrefix: 'zoho-quota:',
  quota: (day: string) => `zoho-quota:${day}`,
  /** One per day: Zoho refused the day's calls (code 45). */
  quotaRefusedPrefix: 'zoho-quota-refused:',
  quotaRefused: (day: string) => `zoho-quota-refused:${day}`,
} as const;
