import { constantTimeEquals, oauthSignature, oauthSignatureBaseString, parseOAuthHeader } from './oauth1';
import type { PhpArray } from './php-query';
import type { ApiKeyRecord } from './store-records';
import { authError, WpRestError } from './wp-errors';

/*
 * WC_REST_Authentication (specs/woocommerce.md §3.2, WooCommerce source S10):
 * - over HTTPS (`is_ssl()`), consumer_key/consumer_secret query parameters first, then HTTP
 *   Basic. An unknown key is not an error: the request simply runs anonymously;
 * - otherwise (plain HTTP, or Basic found no user) OAuth 1.0a one-legged, from the query, a POST
 *   form body or an `Authorization: OAuth` header; unknown key, bad signature, stale timestamp
 *   (±15 min) and reused nonce are 401 errors;
 * - an authenticated key must have read permission for GET/HEAD and write for
 *   POST/PUT/PATCH/DELETE.
 * The fake serves plain HTTP, so `is_ssl()` is true only behind a TLS-terminating proxy that
 * says so with `X-Forwarded-Proto: https` (and a site that trusts it). The OAuth base string takes
 * its scheme from `is_ssl()`, not from the request: behind a proxy without HTTPS=on it says http
 * although the client spoke https.
 */

const OAUTH_REQUIRED = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'];
const NONCE_WINDOW_SECONDS = 15 * 60;

export interface AuthRequest {
  method: string;
  /** Request path as sent, e.g. `/wp-json/wc/v3/orders`. */
  path: string;
  /** `$_GET` */
  query: PhpArray;
  /** `$_POST` (form bodies of POST requests only). */
  post: PhpArray;
  authorization: string | undefined;
  isSsl: boolean;
}

export interface AuthOutcome {
  user?: ApiKeyRecord;
  error?: WpRestError;
}

export interface AuthDeps {
  findKey(consumerKey: string): ApiKeyRecord | undefined;
  /** Site URL without trailing slash (home_url): its host is signed, its scheme follows is_ssl(). */
  siteUrl: string;
  nowSeconds(): number;
}

const BASIC_REALM = 'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."';

export function authenticateWooRequest(req: AuthRequest, deps: AuthDeps): AuthOutcome {
  let error: WpRestError | undefined;
  if (req.isSsl) {
    const basic = basicCredentials(req);
    if (basic) {
      const user = deps.findKey(basic.key);
      if (user) {
        if (constantTimeEquals(user.consumerSecret, basic.secret)) return { user };
        error = new WpRestError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.', {}, { 'WWW-Authenticate': BASIC_REALM });
      }
    }
  }
  const oauth = oauthAuthenticate(req, deps);
  if (oauth.user) return oauth;
  return { error: oauth.error ?? error };
}

function basicCredentials(req: AuthRequest): { key: string; secret: string } | undefined {
  const key = req.query.get('consumer_key');
  const secret = req.query.get('consumer_secret');
  if (typeof key === 'string' && key !== '' && typeof secret === 'string' && secret !== '') return { key, secret };
  if (req.authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(req.authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0 && colon < decoded.length - 1) return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return undefined;
}

function oauthAuthenticate(req: AuthRequest, deps: AuthDeps): AuthOutcome {
  const params: PhpArray = new Map([...req.query, ...req.post]);
  if (req.authorization) {
    for (const [key, value] of parseOAuthHeader(req.authorization.trim())) params.set(key, value);
  }
  const missing = OAUTH_REQUIRED.filter((name) => {
    const value = params.get(name);
    return typeof value !== 'string' || value === '' || value === '0';
  });
  if (missing.length === OAUTH_REQUIRED.length) return {};
  if (missing.length > 0) {
    const message = `${missing.length > 1 ? 'Missing OAuth parameters' : 'Missing OAuth parameter'} ${missing.join(', ')}`;
    return { error: authError(message, 'woocommerce_rest_authentication_missing_parameter') };
  }
  const user = deps.findKey(params.get('oauth_consumer_key') as string);
  if (!user) return { error: authError('Consumer key is invalid.') };

  const provided = safeRawUrlDecode((params.get('oauth_signature') as string).replace(/ /g, '+'));
  params.delete('oauth_signature');
  const method = params.get('oauth_signature_method');
  const scheme = req.isSsl ? 'https' : 'http';
  const home = new URL(deps.siteUrl);
  const baseUrl = `${scheme}://${home.host}${req.path}`;
  const baseString = oauthSignatureBaseString(req.method, baseUrl, params);
  if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') return { error: authError('Invalid signature - signature method is invalid.') };
  if (!constantTimeEquals(oauthSignature(baseString, user.consumerSecret, method), provided)) {
    return { error: authError('Invalid signature - provided signature does not match.') };
  }

  const now = deps.nowSeconds();
  const timestamp = Number(params.get('oauth_timestamp'));
  if (!Number.isFinite(timestamp) || timestamp < now - NONCE_WINDOW_SECONDS || timestamp > now + NONCE_WINDOW_SECONDS) {
    return { error: authError('Invalid timestamp.') };
  }
  const nonce = params.get('oauth_nonce') as string;
  if ([...user.nonces.values()].includes(nonce)) return { error: authError('Invalid nonce - nonce has already been used.') };
  // WooCommerce keys used nonces by timestamp (a later nonce with the same timestamp replaces it).
  user.nonces.set(timestamp, nonce);
  for (const stamp of [...user.nonces.keys()]) if (stamp < now - NONCE_WINDOW_SECONDS) user.nonces.delete(stamp);
  return { user };
}

function safeRawUrlDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** WC_REST_Authentication::check_permissions: the key's read/write permission for the method. */
export function checkKeyPermissions(user: ApiKeyRecord, method: string): WpRestError | undefined {
  switch (method) {
    case 'HEAD':
    case 'GET':
      if (user.permissions !== 'read' && user.permissions !== 'read_write') return authError('The API key provided does not have read permissions.');
      return undefined;
    case 'POST':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      if (user.permissions !== 'write' && user.permissions !== 'read_write') return authError('The API key provided does not have write permissions.');
      return undefined;
    case 'OPTIONS':
      return undefined;
    default:
      return authError('Unknown request method.');
  }
}
