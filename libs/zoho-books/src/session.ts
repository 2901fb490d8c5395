import type { ZohoQuotaReading } from './quota-headers';

/**
 * Where a Books client gets its access token. The token-service implements it (cached, refreshed
 * once for all workers); tests pass a simple object.
 */
export interface ZohoSession {
  /** A currently valid access token and the data centre's API domain it belongs to. */
  getAccessToken(): Promise<{ accessToken: string; apiDomain: string }>;
  /**
   * Zoho refused `accessToken` (401, code 57/14): drop it so the next `getAccessToken` mints a new
   * one. `freshTokenRefused`: it was minted for this very call's earlier report, so it is kept (the
   * authorization lacks a scope or access). Resolves `dropped` when the token was the current one
   * (the next token is a new mint); a session that cannot tell resolves nothing.
   */
  invalidate(accessToken: string, options?: { freshTokenRefused?: boolean }): Promise<{ dropped: boolean } | void>;
}

/** Throttles calls per organization (Zoho allows 100 a minute and a few in flight). */
export interface ZohoRateLimiter {
  /**
   * Waits until this organization may take one more call. May return a release function, called
   * once that call's exchange is over (a limit on calls in flight, not only on calls per minute).
   */
  acquire(organizationKey: string): Promise<void | (() => void)>;
  /**
   * Zoho answered 429 for this organization: hold every caller back for `retryAfterMs` (the
   * Retry-After / reset hint Zoho gave, or the documented default), not just this one.
   */
  block?(organizationKey: string, retryAfterMs: number): Promise<void>;
  /**
   * Zoho's `X-Rate-Limit-*` headers on a response for this organization: its own count of the
   * daily quota and when it resets. Called for every response that carries them, so it must be
   * cheap and must not throw (a limiter buffers and writes them in batches).
   */
  recordQuota?(organizationKey: string, reading: ZohoQuotaReading): void;
  /**
   * Zoho refused a call of this organization for too many in flight (1070): send fewer at once for
   * a while. No block: the minute's budget was not spent.
   */
  concurrencyRefused?(organizationKey: string): void;
}

/**
 * One HTTP exchange with Books, for the audit trail and metrics. It never holds the token (that
 * travels only in the Authorization header) or any other secret.
 */
export interface ZohoCallRecord {
  method: string;
  /** Path below `/books/v3`, e.g. `/invoices/123`. */
  path: string;
  /** Query parameters as sent, including `organization_id`. */
  query: Record<string, string>;
  /** HTTP status; absent when no response arrived. */
  status?: number;
  /** Zoho's `code` from the body, when there was one. */
  code?: number;
  durationMs: number;
  requestBody?: unknown;
  responseBody?: unknown;
  /** Why no response arrived (network error, timeout). */
  error?: string;
}
