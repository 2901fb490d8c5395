import { type HttpExchange, publicHttpExchange } from '@connector/common';
import { StoreUrlError, WooUnavailableError } from './errors';
import type { WooExchange } from './transport';

/**
 * How requests reach a store when private endpoints are not allowed: as `exchange` in
 * transport.ts (redirects not followed, failures as WooUnavailableError), but every connection is
 * refused unless the store's name resolves to public addresses only, so a store URL that passed
 * `normalizeStoreUrl` cannot reach this machine or a private network later by changing its DNS.
 * That refusal is a StoreUrlError (permanent): retrying does not change where the name points, the
 * store's DNS or Connector's settings must, and a day of retries would hide it.
 * `httpExchange` is replaced in tests by one with a stub resolver.
 */
export function publicStoreExchange(httpExchange: HttpExchange = publicHttpExchange): WooExchange {
  return (url, init, timeoutMs, operation) =>
    httpExchange(url, init, timeoutMs, operation, (message, options) =>
      options.code === NON_PUBLIC_ADDRESS ? new StoreUrlError(message, { code: NON_PUBLIC_ADDRESS, cause: options.cause }) : new WooUnavailableError(message, options));
}

/** NonPublicAddressError's code (libs/common public-address-lookup.ts). */
const NON_PUBLIC_ADDRESS = 'ERR_NON_PUBLIC_ADDRESS';
