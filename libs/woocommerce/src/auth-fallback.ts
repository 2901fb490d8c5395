import type { StoreAuthScheme } from './auth';
import { WooCredentialsError, WooPermissionError } from './errors';
import type { StoreAuthMemory } from './store-auth-memory';

/*
 * Over https WooCommerce honours HTTP Basic only when WordPress's is_ssl() is true and PHP receives
 * the Authorization header (specs/woocommerce.md §3.2). A TLS-terminating proxy or load balancer
 * without HTTPS=on breaks the first, an Apache CGI/FastCGI host that strips the header the second.
 * The request then runs without a user and the store answers 401 `woocommerce_rest_cannot_*`, the
 * very answer an unknown key gets over Basic. OAuth 1.0a, its parameters in the query, works in
 * both setups and tells an unknown key apart ("Consumer key is invalid."). So such a refusal is
 * retried with OAuth: signed over https (the CGI host, where is_ssl() is true), and if that
 * signature is refused, over http (the proxy: WordPress signs `http://` when is_ssl() is false).
 * The retries are harmless: an unknown key or a wrong secret is refused again, and reported with
 * what each scheme showed. A "Consumer secret is invalid." over Basic reached WooCommerce, so it
 * is not retried.
 */

/** One request sent under `scheme`; throws the mapped error (errors.ts) when it fails. */
export type AuthenticatedAttempt<T> = (scheme: StoreAuthScheme) => Promise<T>;

const OAUTH_SCHEMES = ['oauth1-https', 'oauth1-http'] as const;

const UNKNOWN_KEY = 'Consumer key is invalid.';
const SIGNATURE_MISMATCH = 'Invalid signature - provided signature does not match.';
/** Refusals WooCommerce gives only after the signature matched (S10: timestamp, nonce, key permissions). */
const AFTER_SIGNATURE_MATCHED = new Set([
  'Invalid timestamp.',
  'Invalid nonce - nonce has already been used.',
  'The API key provided does not have read permissions.',
  'The API key provided does not have write permissions.',
]);

/** Sends one request the way the store accepts it, learning that way per store (see StoreAuthMemory). */
export async function sendWithStoreAuth<T>(storeUrl: string, memory: StoreAuthMemory, attempt: AuthenticatedAttempt<T>): Promise<T> {
  // Over plain http (sandbox and test stores) Basic is never honoured.
  if (!storeUrl.startsWith('https:')) return attempt('oauth1-http');
  const learned = memory.schemeFor(storeUrl);
  if (learned) {
    try {
      return await attempt(learned);
    } catch (error) {
      if (!signatureRefused(error)) throw error;
      // The store's setup may have changed (HTTPS=on added behind its proxy): find out again.
      memory.forget(storeUrl);
    }
  }
  try {
    return await attempt('basic');
  } catch (error) {
    if (!ranWithoutUser(error)) throw error;
    return await retryWithOAuth(storeUrl, memory, attempt, error);
  }
}

async function retryWithOAuth<T>(storeUrl: string, memory: StoreAuthMemory, attempt: AuthenticatedAttempt<T>, basicRefusal: WooCredentialsError): Promise<T> {
  const refusals: WooCredentialsError[] = [];
  for (const scheme of OAUTH_SCHEMES) {
    try {
      const result = await attempt(scheme);
      memory.remember(storeUrl, scheme);
      return result;
    } catch (error) {
      if (error instanceof WooPermissionError || (isOAuthRefusal(error) && AFTER_SIGNATURE_MATCHED.has(error.upstreamMessage))) {
        // The store knew the user, so OAuth works here; this refusal is the request's own.
        memory.remember(storeUrl, scheme);
        throw error;
      }
      if (!isOAuthRefusal(error)) throw error;
      refusals.push(error);
      // An unknown key is refused whatever the base string says.
      if (error.upstreamMessage === UNKNOWN_KEY) break;
    }
  }
  throw refusedBothWays(basicRefusal, refusals);
}

/** 401 `woocommerce_rest_cannot_*`: the endpoint's capability check met a request without a user. */
function ranWithoutUser(error: unknown): error is WooCredentialsError {
  return error instanceof WooCredentialsError && /^woocommerce_rest_cannot_/.test(error.wooCode ?? '');
}

function isOAuthRefusal(error: unknown): error is WooCredentialsError {
  return error instanceof WooCredentialsError && error.wooCode === 'woocommerce_rest_authentication_error';
}

/**
 * An OAuth refusal that may come from signing over the wrong scheme: a mismatch, or an answer in
 * the store's language that cannot be told apart from one (WooCommerce translates its messages).
 */
function signatureRefused(error: unknown): error is WooCredentialsError {
  return isOAuthRefusal(error) && error.upstreamMessage !== UNKNOWN_KEY && !AFTER_SIGNATURE_MATCHED.has(error.upstreamMessage);
}

/** The Basic refusal as today, with what OAuth 1.0a added to it. */
function refusedBothWays(basicRefusal: WooCredentialsError, refusals: WooCredentialsError[]): WooCredentialsError {
  const answers = [...new Set(refusals.map((refusal) => `"${refusal.upstreamMessage}"`))].join(' and ');
  const failure = { operation: basicRefusal.operation, status: basicRefusal.status, wooCode: basicRefusal.wooCode, upstreamMessage: basicRefusal.upstreamMessage };
  if (refusals.at(-1)?.upstreamMessage === UNKNOWN_KEY) {
    return new WooCredentialsError(failure, `the store did not recognise the consumer key: over HTTP Basic the request ran without a user, and signed with OAuth 1.0a it answered ${answers}; check the key`);
  }
  if (refusals.every((refusal) => refusal.upstreamMessage === SIGNATURE_MISMATCH)) {
    return new WooCredentialsError(
      failure,
      `the store knows the consumer key, but did not see it over HTTP Basic (a proxy or load balancer that does not tell WordPress the request came over https, or a host that strips the Authorization header), and refused the OAuth 1.0a signature made with the consumer secret (${answers}); check the consumer secret, and that the store URL is the site address set in WordPress`,
    );
  }
  return new WooCredentialsError(failure, `over HTTP Basic the request ran without a user, and signed with OAuth 1.0a the store answered ${answers}; check the consumer key and secret`);
}
