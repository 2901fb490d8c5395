/** Share of the daily Zoho quota at which the operator is warned (the issue asks for 90 %). */
export const QUOTA_ALERT_SHARE = 0.9;

/** Whether today's Zoho calls have reached the warning share of the plan's daily quota. */
export function quotaNearlySpent(callsToday: number, dailyLimit: number | undefined): boolean {
  if (!dailyLimit || dailyLimit <= 0) return false;
  return callsToday >= dailyLimit * QUOTA_ALERT_SHARE;
}

/** Alert cause keys: one open cause per key and connection is alerted once. */
export const CAUSES = {
  reauthorization: 'needs-reauthorization',
  webhooks: 'webhooks-unhealthy',
  /** One per day: a new day with the quota still nearly spent is a new cause. */
  quotaPrefix: 'zoho-quota:',
  quota: (day: string) => `zoho-quota:${day}`,
} as const;
