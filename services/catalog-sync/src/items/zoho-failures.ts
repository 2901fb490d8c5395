import { TransientError } from '@connector/common';
import { ZohoApiError } from '@connector/zoho-books';

/**
 * Zoho's duplicate answers ("The item "X" already exists…", "The SKU "Y" is already used…") have
 * undocumented codes (specs/zoho-books.md §4), so the words are what is recognised.
 */
const DUPLICATE_MESSAGE = /already (exists|used|in use)|duplicate|unique/i;

/**
 * Zoho refused a new item because its name or SKU is taken: another worker (or a person) made it
 * between our search and our create. The caller searches again and links what it finds.
 */
export function isDuplicateItemRejection(error: unknown): error is ZohoApiError {
  if (!(error instanceof ZohoApiError)) return false;
  return DUPLICATE_MESSAGE.test(error.upstreamMessage);
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
