import { createHmac, timingSafeEqual } from 'node:crypto';
import { parsePhpQuery, type PhpArray, type PhpValue } from './php-query';

/*
 * WooCommerce's OAuth 1.0a one-legged signature (WC_REST_Authentication::check_oauth_signature):
 *
 *   base = METHOD & rawurlencode(home_url(path)) & join('%26', encode(encode(key) '=' encode(value)))
 *
 * over every GET and POST parameter as PHP parsed them, sorted by key with strcmp, oauth_signature
 * removed. For plain parameters that is RFC 5849's base string; array parameters are signed with
 * explicit indexes (`status[0]=…`), because PHP has already turned `status[]=` into an array.
 * Key: consumer_secret + '&'. Methods HMAC-SHA1 and HMAC-SHA256.
 */

/** PHP's rawurlencode (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay as they are). */
export function rawUrlEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** PHP strcmp order: byte-wise comparison of the UTF-8 text. */
function strcmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function encodeValues(value: PhpValue): PhpValue {
  if (typeof value === 'string') return rawUrlEncode(value);
  const out: PhpArray = new Map();
  for (const [key, inner] of value) out.set(key, encodeValues(inner));
  return out;
}

function joinWithEqualsSign(params: PhpArray, out: string[] = [], parentKey = ''): string[] {
  for (const [rawKey, value] of params) {
    const key = parentKey ? `${parentKey}%5B${rawKey}%5D` : rawKey;
    if (typeof value === 'string') out.push(rawUrlEncode(`${key}=${value}`));
    else joinWithEqualsSign(value, out, key);
  }
  return out;
}

/** The string WooCommerce signs. `params` must not contain oauth_signature. */
export function oauthSignatureBaseString(method: string, url: string, params: PhpArray): string {
  const sorted = [...params.entries()].sort(([a], [b]) => strcmp(a, b));
  const normalized: PhpArray = new Map(sorted.map(([key, value]) => [rawUrlEncode(key), encodeValues(value)]));
  return `${method.toUpperCase()}&${rawUrlEncode(url)}&${joinWithEqualsSign(normalized).join('%26')}`;
}

export type OAuthSignatureMethod = 'HMAC-SHA1' | 'HMAC-SHA256';

export function oauthSignature(baseString: string, consumerSecret: string, method: OAuthSignatureMethod): string {
  const algorithm = method === 'HMAC-SHA256' ? 'sha256' : 'sha1';
  return createHmac(algorithm, `${consumerSecret}&`).update(baseString, 'utf8').digest('base64');
}

export function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The `oauth_*` parameters of an `Authorization: OAuth …` header (WC's parse_header). */
export function parseOAuthHeader(header: string): Map<string, string> {
  const params = new Map<string, string>();
  if (!header.startsWith('OAuth ')) return params;
  const re = /(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(header)) !== null) {
    const raw = match[3] ? match[3] : (match[4] ?? '');
    let value: string;
    try {
      value = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      value = raw;
    }
    params.set(match[1]!, value);
  }
  return params;
}

/**
 * Signs a request the way a WooCommerce client does (query-string transport): returns the
 * oauth_* parameters to append. For tests and tools; the fake itself only verifies.
 */
export function signWooRequest(options: {
  method: string;
  url: string;
  consumerKey: string;
  consumerSecret: string;
  signatureMethod?: OAuthSignatureMethod;
  timestamp?: number;
  nonce?: string;
}): Record<string, string> {
  const url = new URL(options.url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: options.consumerKey,
    oauth_nonce: options.nonce ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`,
    oauth_signature_method: options.signatureMethod ?? 'HMAC-SHA256',
    oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
  };
  // Mirror what PHP will see: the query parameters plus the oauth ones.
  const params: PhpArray = new Map();
  for (const [key, value] of parsePhpQuery(url.search.slice(1))) params.set(key, value);
  for (const [key, value] of Object.entries(oauth)) params.set(key, value);
  const base = oauthSignatureBaseString(options.method, `${url.origin}${url.pathname}`, params);
  return { ...oauth, oauth_signature: oauthSignature(base, options.consumerSecret, oauth.oauth_signature_method as OAuthSignatureMethod) };
}
