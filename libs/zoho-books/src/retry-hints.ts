import { MAX_BLOCK_WAIT_MS, parseRetryAfter } from '@connector/common';

/*
 * How long to wait after Zoho said "slow down". Zoho documents no Retry-After on its 429s; what
 * has been observed are `X-Rate-Limit-*` headers whose reset counts down the *daily* window
 * (e.g. 34881 s). So the reset header is a good hint for the daily quota but would turn a
 * one-minute block into a nine-hour wait, and is capped accordingly.
 *
 * No hint makes a wait shorter than MIN_LIMIT_WAIT_MS: a refusal retried at once is refused
 * again, and an event put back with no delay spends its allowance of block waits in seconds.
 */

/** The per-minute limit (44) counts the calls of the last minute: a minute of silence clears it. */
export const PER_MINUTE_BLOCK_MS = 60_000;
export const CONCURRENCY_BACKOFF_MS = 5_000;
/** A daily quota (45) whose reset Zoho did not announce is probed again after this long. */
export const DAILY_QUOTA_FALLBACK_MS = 60 * 60_000;
export const MIN_LIMIT_WAIT_MS = 1_000;

/** Milliseconds until `X-Rate-Limit-Reset`, read as seconds from now, or as an epoch if it is one. */
export function parseRateLimitReset(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  const looksLikeEpoch = seconds > 1_000_000_000;
  return looksLikeEpoch ? Math.max(0, seconds * 1000 - now) : Math.round(seconds * 1000);
}

/**
 * The block after a per-minute refusal (44): Retry-After when Zoho sends one (at most the
 * minute), else the whole minute. `X-Rate-Limit-Reset` is not used: it counts down the daily
 * quota.
 */
export function perMinuteBlock(headers: Headers): number {
  return shortLimitDelay(headers, PER_MINUTE_BLOCK_MS);
}

/**
 * The back-off of one call refused for too many calls in flight (1070): Retry-After when Zoho
 * sends one (at most a minute), else a few seconds. Never the daily `X-Rate-Limit-Reset`, which
 * would turn a momentary crowd into hours of waiting.
 */
export function concurrencyBackoff(headers: Headers): number {
  return shortLimitDelay(headers, CONCURRENCY_BACKOFF_MS);
}

function shortLimitDelay(headers: Headers, fallbackMs: number): number {
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  return retryAfter === undefined ? fallbackMs : Math.min(Math.max(retryAfter, MIN_LIMIT_WAIT_MS), PER_MINUTE_BLOCK_MS);
}

/**
 * The block after the daily quota (45): until the reset Zoho announces, else an hour. The quota
 * resets within a day, so a reset further away is a misread header and counts as none; a reset
 * that reads as now has not happened on Zoho's side yet (it refused the call), so the organization
 * rests a minute at least.
 */
export function dailyQuotaDelay(headers: Headers): number {
  const announced = parseRetryAfter(headers.get('retry-after')) ?? parseRateLimitReset(headers.get('x-rate-limit-reset'));
  if (announced === undefined || announced > MAX_BLOCK_WAIT_MS) return DAILY_QUOTA_FALLBACK_MS;
  return Math.max(announced, PER_MINUTE_BLOCK_MS);
}
