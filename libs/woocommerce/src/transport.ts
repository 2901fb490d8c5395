import { httpExchange, RawHttpResponse } from '@connector/common';
import { WooUnavailableError } from './errors';

/** How one request reaches the store: `exchange` below, or in tests a stand-in for a proxy in front of it. */
export type WooExchange = (url: string, init: RequestInit, timeoutMs: number, operation: string) => Promise<RawHttpResponse>;

/**
 * One exchange with the store; network failures and timeouts become WooUnavailableError
 * (transient). Redirects are not followed: a redirect would carry the Basic credentials (or a
 * signature made for another URL) to wherever it points; the caller reports it so the store URL
 * can be corrected instead.
 */
export function exchange(url: string, init: RequestInit, timeoutMs: number, operation: string): Promise<RawHttpResponse> {
  return httpExchange(url, init, timeoutMs, operation, (message, options) => new WooUnavailableError(message, options));
}

/** JSON.parse that tolerates the byte-order mark some WordPress plugins print; `undefined` if not JSON. */
export function parseJson(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}
