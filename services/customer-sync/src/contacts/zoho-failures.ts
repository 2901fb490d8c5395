import { TransientError } from '@connector/common';
import { ZohoApiError } from '@connector/zoho-books';

/**
 * The service's error policy for Zoho: 4xx is permanent (the client already says so) except 408
 * (timeout) and 409 (conflict, typically a concurrent write), which are worth another try; 429,
 * 5xx and network failures are already transient in the client's taxonomy. Retrying is the
 * runner's job (with backoff), never a loop here.
 */
export function classifyZohoFailure(error: unknown): unknown {
  if (error instanceof ZohoApiError && (error.status === 408 || error.status === 409)) {
    return new TransientError(error.message, { code: error.code, retryAfterMs: 5_000, cause: error });
  }
  return error;
}
