import { wooAcceptsOAuth1 } from './oauth1-verifier';

/*
 * WC_REST_Authentication::authenticate as far as the client tests' stub stores need it
 * (specs/woocommerce.md §3.2, source S10), written from WooCommerce rather than from the client:
 * over https (is_ssl()) query-string keys, then Basic if PHP received the Authorization header, an
 * unknown key being no error; then OAuth 1.0a from the query, its base string over home_url(path)
 * with is_ssl()'s scheme. No user left: the capability check's 401.
 */

/** What the stub server saw of a request (a StubRequest). */
interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: { authorization?: string };
}

/** A 401 answer for the stub server (a StubReply). */
interface Refusal {
  status: 401;
  json: { code: string; message: string; data: { status: 401 } };
}

export interface StubStoreSetup {
  /** home_url: the address WordPress knows itself by. */
  homeUrl: string;
  /** WordPress's is_ssl(); false behind a TLS-terminating proxy without HTTPS=on. */
  isSsl: boolean;
  /** false on an Apache CGI/FastCGI host that strips the Authorization header. */
  receivesAuthorization: boolean;
  /** Consumer key → consumer secret. */
  keys: ReadonlyMap<string, string>;
}

const ANONYMOUS: Record<string, { code: string; message: string }> = {
  GET: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.' },
  POST: { code: 'woocommerce_rest_cannot_create', message: 'Sorry, you are not allowed to create resources.' },
  PUT: { code: 'woocommerce_rest_cannot_edit', message: 'Sorry, you are not allowed to edit this resource.' },
  DELETE: { code: 'woocommerce_rest_cannot_delete', message: 'Sorry, you are not allowed to delete this resource.' },
};

const refusal = (code: string, message: string): Refusal => ({ status: 401, json: { code, message, data: { status: 401 } } });
const authError = (message: string): Refusal => refusal('woocommerce_rest_authentication_error', message);

/** `undefined` when the request authenticated a user, else the store's 401. */
export function wooAuthRefusal(request: SeenRequest, setup: StubStoreSetup): Refusal | undefined {
  let basicError: Refusal | undefined;
  const basic = setup.isSsl ? basicCredentials(request, setup.receivesAuthorization) : undefined;
  if (basic && setup.keys.has(basic.key)) {
    if (setup.keys.get(basic.key) === basic.secret) return undefined;
    basicError = authError('Consumer secret is invalid.');
  }
  const oauthKey = request.query.get('oauth_consumer_key');
  if (oauthKey) {
    const secret = setup.keys.get(oauthKey);
    if (secret === undefined) return authError('Consumer key is invalid.');
    const signedUrl = `${setup.isSsl ? 'https' : 'http'}://${new URL(setup.homeUrl).host}${request.path}`;
    return wooAcceptsOAuth1(request.method, signedUrl, request.query, secret) ? undefined : authError('Invalid signature - provided signature does not match.');
  }
  if (basicError) return basicError;
  const anonymous = ANONYMOUS[request.method]!;
  return refusal(anonymous.code, anonymous.message);
}

/** $_GET consumer_key/consumer_secret first, then PHP_AUTH_USER/PHP_AUTH_PW. */
function basicCredentials(request: SeenRequest, receivesAuthorization: boolean): { key: string; secret: string } | undefined {
  const key = request.query.get('consumer_key');
  const secret = request.query.get('consumer_secret');
  if (key && secret) return { key, secret };
  const header = receivesAuthorization ? request.headers.authorization : undefined;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) } : undefined;
}
