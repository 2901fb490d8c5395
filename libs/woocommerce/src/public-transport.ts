import { type HttpExchange, publicHttpExchange } from '@connector/common';
import { WooUnavailableError } from './errors';
import type { WooExchange } from './transport';

/**
 * How requests reach a store when private endpoints are not allowed: as `exchange` in
 * transport.ts (redirects not followed, failures as WooUnavailableError), but every connection is
 * refused unless the store's name resolves to public addresses only, so a store URL that passed
 * `normalizeStoreUrl` cannot reach this machine or a private network later by changing its DNS.
 * `httpExchange` is replaced in tests by one with a stub resolver.
 */
export function publicStoreExchange(httpExchange: HttpExchange = publicHttpExchange): WooExchange {
  return (url, init, timeoutMs, operation) =>
    httpExchange(url, init, timeoutMs, operation, (message, options) => new WooUnavailableError(message, options));
}
