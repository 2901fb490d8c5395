import type { ZohoQuota, ZohoUsage } from '../api-types';
import { formatCount, formatTime, plural, renderDetails } from '../output';

/** Whose count the quota is: Zoho's own (its X-Rate-Limit headers), or Connector's calls since the database's midnight. */
const SOURCE = { zoho: "Zoho's count", 'calendar-day': "Connector's count" } as const;

/** `612 of 1,000 used (Zoho's count)`: short enough for a table cell. */
export function quotaCell(usage: ZohoUsage | null): string | null {
  if (!usage?.organizationId) return null;
  const { used, limit, source } = quotaOf(usage);
  return `${formatCount(used)}${limit === null ? '' : ` of ${formatCount(limit)}`} used (${SOURCE[source]})`;
}

/** The usage answer as `Label:  value` lines, for `connector usage`. */
export function renderUsage(usage: ZohoUsage, connectionId: string): string[] {
  if (!usage.organizationId) return ['No Zoho organization yet: the quota is known once the connection has reached Zoho.'];
  const quota = quotaOf(usage);
  const readAt = usage.quota?.readAt ? `, read ${formatTime(usage.quota.readAt)} UTC` : '';
  const counted = quota.source === 'zoho'
    ? `Zoho's count${readAt}`
    : "Connector's count since the database's midnight: Zoho's answers have not said its count";
  const used = quota.limit === null
    ? `${plural(quota.used, 'call')} used (${counted}); the daily limit is unknown: set it with connector settings ${connectionId} --daily-limit <calls>`
    : `${formatCount(quota.used)} of ${formatCount(quota.limit)} used, ${formatCount(Math.max(0, quota.remaining))} left (${counted})`;
  const blocked = usage.blockedUntil && Date.parse(usage.blockedUntil) > Date.now() ? `${formatTime(usage.blockedUntil)} UTC (Zoho refused calls; events wait until then)` : undefined;
  return renderDetails([
    ['Organization', usage.organizationId],
    ['Zoho quota', used],
    ['Resets', quota.resetsAt ? `${formatTime(quota.resetsAt)} UTC` : undefined],
    ["Connector's calls", `${formatCount(usage.callsToday)} since the database's midnight`],
    ['Refused by Zoho', usage.rejectedToday ? `${formatCount(usage.rejectedToday)} today (429)` : undefined],
    ['Blocked until', blocked],
  ]);
}

interface QuotaFigures {
  source: ZohoQuota['source'];
  used: number;
  limit: number | null;
  /** Meaningful only with a limit. */
  remaining: number;
  resetsAt: string | null;
}

/**
 * The quota to show. Zoho's count when the server reports one; otherwise the calendar-day count
 * against the limit the owner set (`dailyLimit`), which is also all an older server says.
 */
function quotaOf(usage: ZohoUsage): QuotaFigures {
  const quota = usage.quota;
  if (quota?.source === 'zoho' && quota.limit !== null) {
    return { source: 'zoho', used: quota.used, limit: quota.limit, remaining: quota.remaining ?? quota.limit - quota.used, resetsAt: quota.resetsAt };
  }
  const used = quota?.used ?? usage.callsToday;
  const limit = usage.dailyLimit;
  return { source: 'calendar-day', used, limit, remaining: limit === null ? 0 : limit - used, resetsAt: quota?.resetsAt ?? null };
}
