import { parseRetryAfter } from '@connector/common';

/*
 * How long to wait after Zoho said "slow down". Zoho documents no Retry-After on its 429s; what
 * has been observed are `X-Rate-Limit-*` headers whose reset counts down the *daily* window
 * (e.g. 34881 s). So the reset header is a good hint for the daily quota but would turn a
 * one-minute block into a nine-hour wait, and is capped accordingly.
 */

export const PER_MINUTE_BLOCK_MS = 60_000;
export const CONCURRENCY_BACKOFF_MS = 5_000;
export const DAILY_QUOTA_FALLBACK_MS = 60 * 60_000;

/** Milliseconds until `X-Rate-Limit-Reset`, read as seconds from now, or as an epoch if it is one. */
export function parseRateLimitReset(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  const looksLikeEpoch = seconds > 1_000_000_000;
  return looksLikeEpoch ? Math.max(0, seconds * 1000 - now) : Math.round(seconds * 1000);
}

/**
 * Delay for a per-minute (44) or concurrency (1070) limit: Retry-After when Zoho sends one, else
 * the limit's own window. `X-Rate-Limit-Reset` is not used here: it counts down the daily quota,
 * and would turn a momentary concurrency limit into a minute-long stop for every instance.
 */
export function shortLimitDelay(headers: Headers, fallbackMs: number): number {
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  return retryAfter !== undefined ? Math.min(retryAfter, PER_MINUTE_BLOCK_MS) : fallbackMs;
}

/** Delay for the daily quota (45): until the reset Zoho announces, else an hour. */
export function dailyQuotaDelay(headers: Headers): number {
  return (
    parseRetryAfter(headers.get('retry-after')) ??
    parseRateLimitReset(headers.get('x-rate-limit-reset')) ??
    DAILY_QUOTA_FALLBACK_MS
  );
}
