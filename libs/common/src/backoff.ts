/**
 * The one retry curve of the product: exponential with full jitter, capped. Used by the consumer
 * runner (nak delays) and by HTTP clients for in-call retries, so both back off the same way.
 */
export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  initialDelayMs: number;
  /** Upper bound of any single delay, in ms. */
  maxDelayMs: number;
  /** Growth factor per attempt. */
  multiplier: number;
  /** 0 = no jitter, 1 = delay drawn uniformly from [delay/2, delay] ("equal jitter"). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  multiplier: 2,
  jitter: 1,
};

/**
 * Delay before retry number `attempt` (1 = first retry). An upstream hint (Retry-After) is a floor:
 * retrying earlier than the server asked only earns another 429.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  floorMs = 0,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(policy.multiplier, exponent));
  const jittered = raw - (raw / 2) * policy.jitter * random();
  return Math.round(Math.max(jittered, Math.min(floorMs, policy.maxDelayMs * 4)));
}

/**
 * The longest one wait for a rate-limit block may last: Zoho's daily quota resets within a day,
 * so a longer hint is a misread header, and retrying after it costs only one more probe.
 */
export const MAX_BLOCK_WAIT_MS = 25 * 60 * 60_000;

/** Jitter added to a block wait: a tenth of it, at most a minute, so held events don't all return at once. */
const BLOCK_WAIT_JITTER_MAX_MS = 60_000;

/**
 * Delay before retrying a call refused because its rate limit or quota is blocked for
 * `retryAfterMs`: the whole block in one wait (retrying inside it only meets the block again),
 * plus a little jitter, bounded by MAX_BLOCK_WAIT_MS. Unlike backoffDelay's floor it is not capped
 * at the retry curve's scale: a daily-quota block lasts hours.
 */
export function blockWaitDelay(retryAfterMs: number, random: () => number = Math.random): number {
  const blockMs = Math.max(0, retryAfterMs);
  const jitterMs = Math.min(blockMs / 10, BLOCK_WAIT_JITTER_MAX_MS) * random();
  return Math.round(Math.min(blockMs + jitterMs, MAX_BLOCK_WAIT_MS));
}

/** Parses an HTTP Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - now);
  return undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
