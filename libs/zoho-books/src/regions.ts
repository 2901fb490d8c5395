import { ZohoEndpointNotAllowedError } from './errors';
import { isPrivateHost } from '@connector/common';

/*
 * Where Zoho credentials may be sent. The accounts URL is configured by a person, and `api_domain`
 * comes back in a token response; either one pointing elsewhere would hand our client secret,
 * refresh token or access tokens to a stranger. So both are checked against Zoho's published hosts
 * (specs/zoho-books.md §1.1, §2.1), over https, on the default port, with no path or credentials.
 *
 * `allowPrivate` (ALLOW_PRIVATE_ENDPOINTS=true; sandboxes and tests only) additionally admits
 * loopback and private-network hosts, over http or https, so a fake Zoho can stand in.
 */

/** Zoho Accounts servers, one per data centre. Canada is `zohocloud.ca`: there is no `accounts.zoho.ca`. */
export const ZOHO_ACCOUNTS_HOSTS: readonly string[] = [
  'accounts.zoho.com',
  'accounts.zoho.eu',
  'accounts.zoho.in',
  'accounts.zoho.com.au',
  'accounts.zoho.jp',
  'accounts.zohocloud.ca',
  'accounts.zoho.sa',
  'accounts.zoho.com.cn',
  'accounts.zoho.uk',
];

/** API domains a token response may name (`https://www.zohoapis.<dc>`). */
export const ZOHO_API_DOMAIN_SUFFIXES: readonly string[] = ['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'com.cn', 'sa', 'uk'];

export interface EndpointPolicy {
  /** Admit http and loopback/private hosts (sandbox and tests only). */
  allowPrivate?: boolean;
}

/** ALLOW_PRIVATE_ENDPOINTS as the platform config reads it (`true` or `1`). */
export function allowPrivateEndpointsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.ALLOW_PRIVATE_ENDPOINTS?.trim().toLowerCase();
  return value === 'true' || value === '1';
}

/** Validates a Zoho accounts server URL and returns its canonical origin, e.g. `https://accounts.zoho.eu`. */
export function assertAccountsUrl(input: string, policy: EndpointPolicy = {}): string {
  return assertZohoEndpoint(input, 'Zoho accounts URL', isAccountsHost, policy, ZOHO_ACCOUNTS_HOSTS.join(', '));
}

/** Validates an `api_domain` from a token response and returns its origin, e.g. `https://www.zohoapis.eu`. */
export function assertApiDomain(input: string, policy: EndpointPolicy = {}): string {
  const expected = ZOHO_API_DOMAIN_SUFFIXES.map((suffix) => `www.zohoapis.${suffix}`).join(', ');
  return assertZohoEndpoint(input, 'Zoho API domain', isApiHost, policy, expected);
}

function isAccountsHost(host: string): boolean {
  return ZOHO_ACCOUNTS_HOSTS.includes(host);
}

function isApiHost(host: string): boolean {
  const suffix = host.replace(/^www\./, '').replace(/^zohoapis\./, '');
  return /^(www\.)?zohoapis\./.test(host) && ZOHO_API_DOMAIN_SUFFIXES.includes(suffix);
}

function assertZohoEndpoint(
  input: string,
  what: string,
  isZohoHost: (host: string) => boolean,
  policy: EndpointPolicy,
  expected: string,
): string {
  const reject = (problem: string): never => {
    throw new ZohoEndpointNotAllowedError(`${what} ${JSON.stringify(shorten(input))} ${problem}`);
  };
  let url: URL;
  try {
    url = new URL(String(input).trim());
  } catch {
    return reject('is not a valid URL');
  }
  if (url.username || url.password) reject('must not contain a user name or password');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') reject('must use https');
  const host = url.hostname.toLowerCase();
  const privateHost = isPrivateHost(host);

  if (privateHost) {
    if (!policy.allowPrivate) {
      reject('points at a loopback or private-network host; that is only allowed with ALLOW_PRIVATE_ENDPOINTS=true (sandbox and tests)');
    }
    // A fake Zoho may live under a path prefix; keep it, without a trailing slash.
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  }
  if (!isZohoHost(host)) {
    const hint = host === 'accounts.zoho.ca' ? ' (Canada uses https://accounts.zohocloud.ca)' : '';
    reject(`is not a Zoho host; expected one of ${expected}${hint}`);
  }
  if (url.protocol !== 'https:') reject('must use https');
  if (url.port !== '') reject('must not name a port');
  if (url.pathname !== '/' || url.search || url.hash) reject(`must be just the server address, e.g. https://${host}`);
  return `https://${host}`;
}

/** Inputs are echoed in messages, minus any `user:password@` and cut short. */
function shorten(input: string): string {
  const text = String(input).replace(/\/\/[^/?#]*@/, '//***@');
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
