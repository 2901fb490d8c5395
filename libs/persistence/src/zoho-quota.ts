/**
 * An organization's daily Zoho quota as Connector sees it. Zoho counts the quota on its own day,
 * which does not end at the database's midnight; the `X-Rate-Limit-*` headers of every response
 * say how much is left and when Zoho's count resets, and are the truth whenever Zoho sends them.
 * Only for organizations whose responses carry no such headers is the quota counted by
 * Connector's own calls since the database's midnight.
 */

/** One response's `X-Rate-Limit-*` headers (the Zoho client's ZohoQuotaReading). */
export interface ZohoQuotaReading {
  limit: number;
  remaining: number;
  /** Milliseconds from the response until Zoho's count resets. */
  resetInMs: number;
}

export interface ZohoQuota {
  /**
   * `zoho`: Zoho's own count, from the latest response's headers. `calendar-day`: Connector's calls
   * since the database's midnight, when Zoho has not sent its count (or stopped sending it).
   */
  source: 'zoho' | 'calendar-day';
  /** Calls spent of the current quota day. */
  used: number;
  /** The daily quota as Zoho reports it; null when only the calendar-day count is known. */
  limit: number | null;
  /** Calls left until the reset; null when only the calendar-day count is known. */
  remaining: number | null;
  /** When the count starts again from zero. */
  resetsAt: Date;
  /**
   * Names the current quota day, for things done once a day (alerts): Zoho's reset rounded to a
   * quarter hour (e.g. `2026-11-30T05:00Z`, steady across readings that differ by a few seconds), or
   * the database's date for the calendar-day count.
   */
  period: string;
  /** When Zoho last reported the count; null for the calendar-day count. */
  readAt: Date | null;
}

/** The stored counts of one organization, on the database's clock. */
export interface StoredQuotaCounts {
  now: Date;
  /** The database's date and its next midnight: the calendar-day count's day and reset. */
  day: string;
  nextMidnight: Date;
  callsToday: number;
  /** Calls that took a token since Zoho's latest reading was written. */
  callsSinceQuota: number;
  quotaLimit: number | null;
  quotaRemaining: number | null;
  quotaReadAt: Date | null;
  quotaResetAt: Date | null;
}

const DAY_MS = 86_400_000;
/**
 * Zoho's day ends at an organization's local midnight, and every time zone's offset is a whole
 * quarter hour: rounding to one keeps a reset read a few seconds early or late on the same period
 * (rounding to ten minutes split xx:45 resets between xx:40 and xx:50).
 */
const PERIOD_ROUNDING_MS = 15 * 60_000;
/**
 * This many calls since Zoho's latest reading was written, with none written since, mean its
 * responses no longer carry the headers; the count then falls back to the calendar day. (Readings
 * are written within a second or so of their response, so even a full minute of Zoho's
 * 100-a-minute limit, with calls in flight from every instance, stays below it.)
 */
export const QUOTA_READING_STALE_AFTER_CALLS = 150;

/** The organization's quota: Zoho's reading when it has one that still speaks for now, else the calendar-day count. */
export function zohoQuota(counts: StoredQuotaCounts): ZohoQuota {
  const { quotaLimit, quotaRemaining, quotaReadAt, quotaResetAt } = counts;
  const callsWithoutReading = counts.callsSinceQuota > QUOTA_READING_STALE_AFTER_CALLS;
  if (quotaLimit === null || quotaRemaining === null || quotaReadAt === null || quotaResetAt === null || callsWithoutReading) {
    return { source: 'calendar-day', used: counts.callsToday, limit: null, remaining: null, resetsAt: counts.nextMidnight, period: counts.day, readAt: null };
  }
  if (quotaResetAt > counts.now) {
    return { source: 'zoho', used: Math.max(0, quotaLimit - quotaRemaining), limit: quotaLimit, remaining: quotaRemaining, resetsAt: quotaResetAt, period: periodOf(quotaResetAt), readAt: quotaReadAt };
  }
  // Zoho's count has reset since its latest reading, and no call has answered since (each would
  // have brought a new one): the whole quota is left, until the same time of day again.
  const days = Math.floor((counts.now.getTime() - quotaResetAt.getTime()) / DAY_MS) + 1;
  const resetsAt = new Date(quotaResetAt.getTime() + days * DAY_MS);
  return { source: 'zoho', used: 0, limit: quotaLimit, remaining: quotaLimit, resetsAt, period: periodOf(resetsAt), readAt: quotaReadAt };
}

function periodOf(resetsAt: Date): string {
  const rounded = Math.round(resetsAt.getTime() / PERIOD_ROUNDING_MS) * PERIOD_ROUNDING_MS;
  return `${new Date(rounded).toISOString().slice(0, 16)}Z`;
}
