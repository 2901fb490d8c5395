import { createHmac, randomBytes } from 'node:crypto';

/*
 * How WooCommerce authenticates REST calls (specs/woocommerce.md §3.2, WC_REST_Authentication):
 * over https, HTTP Basic with the consumer key and secret; over plain http, where Basic is not
 * honoured, OAuth 1.0a "one-legged" with the parameters in the query string. Plain http only
 * happens for sandbox and test stores. Some https stores never see Basic (see auth-fallback.ts);
 * they get OAuth 1.0a too. Query-string consumer_key/consumer_secret are never used: they would
 * write the secret into the store's access logs, where OAuth writes only a signature.
 */

/**
 * How a request is authenticated. For OAuth, the scheme WooCommerce puts in the base string it
 * signs: `home_url(path)` with `is_ssl() ? 'https' : 'http'` (S10), so behind a TLS-terminating
 * proxy that does not tell WordPress about https, it is http although the request came over https.
 */
export type StoreAuthScheme = 'basic' | 'oauth1-https' | 'oauth1-http';

export function basicAuthorization(consumerKey: string, consumerSecret: string): string {
  return `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`, 'utf8').toString('base64')}`;
}

/** PHP's rawurlencode: RFC 3986, everything but `A-Z a-z 0-9 - _ . ~` percent-encoded. */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A query string encoded the way the signature base string assumes. */
export function encodeQuery(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${rfc3986Encode(name)}=${rfc3986Encode(value)}`)
    .join('&');
}

export interface OAuth1Request {
  method: string;
  /** The request URL without query string, exactly as the store's home URL spells it. */
  url: string;
  /** The request's own query parameters; they are signed too. */
  query: Record<string, string>;
  consumerKey: string;
  consumerSecret: string;
  /** Seconds since the epoch; the store accepts ±15 minutes. */
  timestamp?: number;
  /** Must not repeat within 15 minutes for the same key. */
  nonce?: string;
}

/**
 * The string WooCommerce signs: `METHOD&rawurlencode(url)&` then each `key=value` (keys sorted by
 * byte value, key and value rawurlencoded) rawurlencoded again and joined with `%26`.
 */
export function oauth1BaseString(method: string, url: string, params: Record<string, string>): string {
  const sortedKeys = Object.keys(params).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const pairs = sortedKeys.map((key) => rfc3986Encode(`${rfc3986Encode(key)}=${rfc3986Encode(params[key]!)}`));
  return `${method.toUpperCase()}&${rfc3986Encode(url)}&${pairs.join('%26')}`;
}

/**
 * The request's query parameters plus the signed OAuth ones (HMAC-SHA256, key = secret + '&',
 * no token and no oauth_version, as WooCommerce verifies them).
 */
export function signOAuth1(request: OAuth1Request): Record<string, string> {
  const params: Record<string, string> = {
    ...request.query,
    oauth_consumer_key: request.consumerKey,
    oauth_timestamp: String(request.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_nonce: request.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA256',
  };
  const baseString = oauth1BaseString(request.method, request.url, params);
  const signature = createHmac('sha256', `${request.consumerSecret}&`).update(baseString).digest('base64');
  return { ...params, oauth_signature: signature };
}

export interface RequestToAuthenticate {
  method: string;
  /** The request URL without query string. */
  url: string;
  query: Record<string, string>;
  consumerKey: string;
  consumerSecret: string;
}

/** The query to send and the Authorization header, if any, for one request under `scheme`. */
export function authenticateRequest(scheme: StoreAuthScheme, request: RequestToAuthenticate): { query: Record<string, string>; authorization?: string } {
  if (scheme === 'basic') return { query: request.query, authorization: basicAuthorization(request.consumerKey, request.consumerSecret) };
  const signedUrl = scheme === 'oauth1-http' ? request.url.replace(/^https:/, 'http:') : request.url;
  return { query: signOAuth1({ ...request, url: signedUrl }) };
}
