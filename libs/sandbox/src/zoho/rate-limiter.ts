import { localDate, secondsUntilLocalMidnight } from '../time/zoned-time';

/** Books API limits of one organisation (specs/zoho-books.md §7.4). */
export interface ZohoLimits {
  /** Requests per sliding 60 s window. Zoho: 100. */
  perMinute: number;
  /** Requests per local day (the plan quota). Zoho: 1000 (Free) … 10000. */
  daily: number;
  /** Requests in flight at once. Zoho: 5 (Free) or 10. */
  concurrency: number;
}

export const DEFAULT_ZOHO_LIMITS: ZohoLimits = { perMinute: 100, daily: 5000, concurrency: 10 };

export type LimitRejection = { reason: 'concurrency' | 'per-minute' | 'daily'; retryAfterSeconds: number };

export interface RateLimitHeaders {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/**
 * The three limits Zoho enforces per organisation. Only admitted requests count towards the
 * per-minute window and the daily quota; rejected ones do not (Zoho does not document either way).
 * The day is the organisation's local day, so the quota resets at its local midnight.
 */
export class OrgRateLimiter {
  private window: number[] = [];
  private inFlight = 0;
  private day = '';
  private usedToday = 0;

  constructor(
    public limits: ZohoLimits,
    private readonly timeZone: () => string,
    private readonly now: () => number,
  ) {}

  /** Admits a request (the caller must call `release`) or says which limit refused it. */
  tryAcquire(): { ok: true; release: () => void } | ({ ok: false } & LimitRejection) {
    const now = this.now();
    this.rollDay(now);
    this.window = this.window.filter((t) => t > now - 60_000);
    if (this.inFlight >= this.limits.concurrency) return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    if (this.usedToday >= this.limits.daily) {
      return { ok: false, reason: 'daily', retryAfterSeconds: secondsUntilLocalMidnight(now, this.timeZone()) };
    }
    if (this.window.length >= this.limits.perMinute) {
      const oldest = this.window[0]!;
      return { ok: false, reason: 'per-minute', retryAfterSeconds: Math.max(1, Math.ceil((oldest + 60_000 - now) / 1000)) };
    }
    this.window.push(now);
    this.usedToday += 1;
    this.inFlight += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (!released) {
          released = true;
          this.inFlight -= 1;
        }
      },
    };
  }

  /** The values of the `X-Rate-Limit-*` headers: daily quota, what is left of it, seconds to reset. */
  headers(): RateLimitHeaders {
    const now = this.now();
    this.rollDay(now);
    return {
      limit: this.limits.daily,
      remaining: Math.max(0, this.limits.daily - this.usedToday),
      resetSeconds: secondsUntilLocalMidnight(now, this.timeZone()),
    };
  }

  /** Forgets all usage (window, day count); in-flight requests are still counted. */
  reset(): void {
    this.window = [];
    this.usedToday = 0;
  }

  private rollDay(now: number): void {
    const today = localDate(now, this.timeZone());
    if (today !== this.day) {
      this.day = today;
      this.usedToday = 0;
    }
  }
}
