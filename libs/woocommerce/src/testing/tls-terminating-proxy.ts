import { exchange, type WooExchange } from '../transport';

/**
 * Stands in for a TLS-terminating proxy or load balancer in front of a store: the client talks to
 * the store's https address, and the request goes on unchanged over plain http to `upstreamUrl`,
 * with `X-Forwarded-Proto: https` set as such proxies set it. Whether WordPress then counts the
 * request as https (is_ssl()) is the store's setup, not the proxy's.
 */
export function tlsTerminatingProxy(publicUrl: string, upstreamUrl: string): WooExchange {
  const publicOrigin = new URL(publicUrl).origin;
  const upstreamOrigin = new URL(upstreamUrl).origin;
  return (url, init, timeoutMs, operation) => {
    if (!url.startsWith(`${publicOrigin}/`)) throw new Error(`the proxy only serves ${publicOrigin}, not ${url}`);
    const headers = new Headers(init.headers);
    headers.set('X-Forwarded-Proto', 'https');
    return exchange(`${upstreamOrigin}${url.slice(publicOrigin.length)}`, { ...init, headers }, timeoutMs, operation);
  };
}
