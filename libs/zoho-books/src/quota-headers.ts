import { parseRateLimitReset } from './retry-hints';

/**
 * Zoho's own account of an organization's daily quota, from the `X-Rate-Limit-*` headers of one
 * response (specs/zoho-books.md §7.4): the quota, what is left of it, and how long until Zoho's
 * count starts again. Zoho's day is its own, not the caller's calendar day.
 */
export interface ZohoQuotaReading {
  /** `X-Rate-Limit-Limit`: the organization's daily quota. */
  limit: number;
  /** `X-Rate-Limit-Remaining`: calls left until the reset. */
  remaining: number;
  /** `X-Rate-Limit-Reset`: milliseconds from this response until the quota resets. */
  resetInMs: number;
}

/** The reading a response carries, or undefined when any of the three headers is missing or not a count. */
export function quotaFromHeaders(headers: Headers): ZohoQuotaReading | undefined {
  const limit = wholeNumber(headers.get('x-rate-limit-limit'));
  const remaining = wholeNumber(headers.get('x-rate-limit-remaining'));
  const resetInMs = parseRateLimitReset(headers.get('x-rate-limit-reset'));
  if (limit === undefined || remaining === undefined || resetInMs === undefined || limit === 0) return undefined;
  return { limit, remaining: Math.min(remaining, limit), resetInMs };
}

function wholeNumber(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}
