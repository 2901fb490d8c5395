import { httpExchange, RawHttpResponse } from '@connector/common';
import { ZohoUnavailableError } from './errors';

/**
 * One exchange with Zoho; network failures and timeouts become ZohoUnavailableError (transient).
 * Redirects are not followed: Zoho has no reason to redirect an API call, and following one would
 * carry the Authorization header or form secrets to wherever it points.
 */
export function exchange(url: string, init: RequestInit, timeoutMs: number, operation: string): Promise<RawHttpResponse> {
  return httpExchange(url, init, timeoutMs, operation, (message, options) => new ZohoUnavailableError(message, options));
}
