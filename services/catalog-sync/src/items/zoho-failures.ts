import { TransientError } from '@connector/common';
import { ZohoApiError, ZohoErrorCode, ZohoNotFoundError } from '@connector/zoho-books';

/** Statuses that say nothing about the record sent: authorization, and a timeout (the create may even have happened). */
const NOT_ABOUT_THE_RECORD = new Set([401, 403, 408]);

/**
 * Zoho refused the record itself: a 4xx, or an error code in a 2xx envelope, that is not about
 * authorization, a missing record or a timeout (limits and outages are transient errors, not
 * ZohoApiError). A taken name or SKU is one such refusal, but Zoho's codes and words for it are
 * undocumented (specs/zoho-books.md §4), so the caller looks at what Zoho holds instead of
 * reading the message.
 */
export function isRecordRefusal(error: unknown): error is ZohoApiError {
  if (!(error instanceof ZohoApiError) || error instanceof ZohoNotFoundError) return false;
  if (error.zohoCode === ZohoErrorCode.UNAUTHENTICATED || error.zohoCode === ZohoErrorCode.NOT_AUTHORIZED) return false;
  return (error.status >= 200 && error.status < 300) || (error.status >= 400 && error.status < 500 && !NOT_ABOUT_THE_RECORD.has(error.status));
}

/**
 * The service's error policy for Zoho: 4xx is permanent except 408 (timeout) and 409 (conflict,
 * typically a concurrent write), which are worth another try; 429, 5xx and network failures are
 * already transient in the client's taxonomy.
 */
export function classifyZohoFailure(error: unknown): unknown {
  if (error instanceof ZohoApiError && (error.status === 408 || error.status === 409)) {
    return new TransientError(error.message, { code: error.code, retryAfterMs: 5_000, cause: error });
  }
  return error;
}
