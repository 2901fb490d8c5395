import { StoreUrlError } from './errors';
import { findNonPublicAddress, isPrivateHost, type ResolveAll } from '@connector/common';

export interface StoreUrlPolicy {
  /** Admit http and loopback/private hosts (ALLOW_PRIVATE_ENDPOINTS; sandbox and tests only). */
  allowPrivate?: boolean;
}

/** Path segments that belong to WordPress itself, not to where the site is installed. */
const WORDPRESS_SEGMENTS = new Set(['wp-json', 'wp-admin', 'wp-login.php']);

/**
 * The canonical base of a store: scheme, lower-cased host, port, and the WordPress sub-directory
 * when the site lives in one (`https://example.com/shop`). Whatever a person pastes (an admin
 * page, a REST URL, a trailing slash, a query) maps to the same base, so one store is one
 * connection. A missing scheme means https.
 *
 * Consumer keys travel with every request, so the base must be https, must not carry
 * credentials, and must not point at this machine or a private network, unless `allowPrivate`.
 */
export function normalizeStoreUrl(input: string, policy: StoreUrlPolicy = {}): string {
  const text = String(input ?? '').trim();
  const shown = JSON.stringify(displayable(text));
  const reject = (problem: string): never => {
    throw new StoreUrlError(`Store URL ${shown} ${problem}`);
  };
  if (text === '') throw new StoreUrlError('Store URL is empty');

  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return reject('is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') reject('must start with https://');
  if (url.username || url.password) {
    reject('must not contain a user name or password; the consumer key and secret are entered separately');
  }
  if (url.protocol === 'http:' && !policy.allowPrivate) {
    reject('must use https: over plain http the API keys could be read on the way (http is only allowed for sandbox and test stores with ALLOW_PRIVATE_ENDPOINTS=true)');
  }
  if (isPrivateHost(url.hostname) && !policy.allowPrivate) {
    reject('points at this machine or a private network; that is only allowed for sandbox and test stores with ALLOW_PRIVATE_ENDPOINTS=true');
  }

  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const wordpressAt = segments.findIndex((segment) => WORDPRESS_SEGMENTS.has(segment.toLowerCase()));
  const siteSegments = wordpressAt === -1 ? segments : segments.slice(0, wordpressAt);
  const path = siteSegments.length > 0 ? `/${siteSegments.join('/')}` : '';
  return `${url.protocol}//${url.host.toLowerCase()}${path}`;
}

/**
 * The check `normalizeStoreUrl` cannot make: what the store's name resolves to. For saving a store
 * URL (a clear 400 instead of a store that is never reached); calls are checked again as each
 * connection opens (public-transport.ts), which also catches a name that turns private later. A
 * name that does not resolve passes: the connection check will report it. `storeUrl` is normalized.
 */
export async function assertStoreResolvesPublicly(storeUrl: string, policy: StoreUrlPolicy & { resolveAll?: ResolveAll } = {}): Promise<void> {
  if (policy.allowPrivate) return;
  const refusal = await findNonPublicAddress(new URL(storeUrl).hostname, policy.resolveAll);
  if (refusal) throw new StoreUrlError(`Store URL ${JSON.stringify(storeUrl)} points at this machine or a private network: ${refusal.message}`);
}

/** Inputs are echoed in messages, minus any `user:password@` and cut short. */
function displayable(text: string): string {
  const redacted = text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#@]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}***@`);
  return redacted.length > 100 ? `${redacted.slice(0, 100)}…` : redacted;
}
