import { PermanentError, TransientError } from '@connector/common';
import { isWooErrorBody } from '@connector/contracts';

/*
 * Every way a WooCommerce call can fail, and the one function that turns a response into one of
 * them. Client errors (4xx) are permanent: a wrong key or a missing permission does not fix
 * itself. Server trouble, timeouts and 429 are transient. Messages carry the store's own words and
 * the operation, never credentials.
 */

export interface WooFailure {
  /** e.g. `GET /orders/727` */
  operation: string;
  status: number;
  /** WooCommerce's error code, e.g. `woocommerce_rest_authentication_error`. */
  wooCode?: string;
  /** The store's `message`, or a description of what came back instead. */
  upstreamMessage: string;
}

function describeFailure(failure: WooFailure, hint?: string): string {
  const code = failure.wooCode ? `, ${failure.wooCode}` : '';
  return `WooCommerce ${failure.operation} failed: ${failure.upstreamMessage} (HTTP ${failure.status}${code})${hint ? `; ${hint}` : ''}`;
}

/** The store refused the request (4xx, or an answer that is not the REST API). */
export class WooApiError extends PermanentError {
  override readonly name: string = 'WooApiError';
  readonly status: number;
  readonly wooCode?: string;
  readonly upstreamMessage: string;
  readonly operation: string;

  constructor(failure: WooFailure, hint?: string) {
    super(describeFailure(failure, hint), { code: failure.wooCode });
    this.status = failure.status;
    this.wooCode = failure.wooCode;
    this.upstreamMessage = failure.upstreamMessage;
    this.operation = failure.operation;
  }
}

/** 401: wrong consumer key or secret, a key without read/write permission, or a bad OAuth signature. */
export class WooCredentialsError extends WooApiError {
  override readonly name: string = 'WooCredentialsError';
}

/** 403: the key's user lacks the capability (webhooks need `manage_woocommerce`). */
export class WooPermissionError extends WooApiError {
  override readonly name: string = 'WooPermissionError';
}

/** 404 or 410: no such resource (or no REST API at this address). */
export class WooNotFoundError extends WooApiError {
  override readonly name: string = 'WooNotFoundError';
}

/** The store could not be reached, timed out, or failed on its side (5xx other than 501). */
export class WooUnavailableError extends TransientError {
  override readonly name: string = 'WooUnavailableError';
  readonly status?: number;

  constructor(message: string, options: { status?: number; code?: string; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/** 429 from the store or a proxy in front of it. */
export class WooRateLimitedError extends TransientError {
  override readonly name: string = 'WooRateLimitedError';
}

/** A store URL that is malformed or not allowed (see store-url.ts). */
export class StoreUrlError extends PermanentError {
  override readonly name: string = 'StoreUrlError';
}

export interface WooResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
  text: string;
}

/** Used when a 429 names no Retry-After. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;

/** The single mapping from a WooCommerce response to an error; `undefined` means success. */
export function wooErrorFor(operation: string, response: WooResponse, retryAfterMs?: number): Error | undefined {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (response.body !== undefined) return undefined;
    return new WooApiError(
      { operation, status, upstreamMessage: describeNonJson(response.text) },
      'the address answers, but not with the WooCommerce REST API; check the store URL and that WordPress permalinks are not set to "Plain"',
    );
  }
  const failure: WooFailure = isWooErrorBody(response.body)
    ? { operation, status, wooCode: response.body.code, upstreamMessage: response.body.message }
    : { operation, status, upstreamMessage: describeNonJson(response.text) };

  if (status === 429) {
    const wait = retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return new WooRateLimitedError(`${describeFailure(failure)}; retry in ${Math.ceil(wait / 1000)} s`, {
      retryAfterMs: wait,
      code: failure.wooCode ?? 'rate_limited',
    });
  }
  if (status === 408 || (status >= 500 && status !== 501)) {
    return new WooUnavailableError(describeFailure(failure), { status, code: failure.wooCode ?? `http_${status}`, retryAfterMs });
  }
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location');
    return new WooApiError(failure, `the store redirects${location ? ` to ${redirectTarget(location)}` : ''}; use the address it redirects to as the store URL`);
  }
  if (status === 401) return new WooCredentialsError(failure, credentialsHint(failure.wooCode));
  if (status === 403) return new WooPermissionError(failure, 'the API key\'s user lacks the permission for this; create the key for an administrator or shop manager');
  if (status === 404 || status === 410) {
    const hint = failure.wooCode === 'rest_no_route' ? 'this WordPress site has no WooCommerce REST API v3 route here; is WooCommerce active?' : undefined;
    return new WooNotFoundError(failure, isWooErrorBody(response.body) ? hint : 'no WooCommerce REST API at this address; check the store URL');
  }
  return new WooApiError(failure);
}

function credentialsHint(wooCode: string | undefined): string {
  if (wooCode === 'woocommerce_rest_cannot_view' || wooCode === 'woocommerce_rest_cannot_create' || wooCode === 'woocommerce_rest_cannot_edit' || wooCode === 'woocommerce_rest_cannot_delete') {
    // WordPress never saw the credentials in two common setups, which only the host can fix.
    return 'the request ran without a user: the store did not recognise the consumer key, or never received it (a proxy or load balancer that does not tell WordPress the request came over https, or a host that strips the Authorization header); check the key, then the server setup';
  }
  return 'check the consumer key and secret (and that the key has read/write permission)';
}

/**
 * Where a redirect points, without its query or fragment: a store redirecting an OAuth 1.0a
 * request (http) echoes the request's query, which carries the consumer key and the signature,
 * and this text ends up in API answers, the audit trail and logs.
 */
function redirectTarget(location: string): string {
  try {
    const url = new URL(location);
    return `${url.origin}${url.pathname}`;
  } catch {
    return location.split(/[?#]/)[0]!.slice(0, 200);
  }
}

/** Credentials a store's page may echo back from the request URL (OAuth 1.0a or query-string keys). */
const ECHOED_CREDENTIAL = /\b(oauth_[a-z_]+|consumer_key|consumer_secret)=[^&\s"'<>]*/gi;

function describeNonJson(text: string): string {
  const snippet = text.replace(/<[^>]*>/g, ' ').replace(ECHOED_CREDENTIAL, '$1=…').replace(/\s+/g, ' ').trim().slice(0, 160);
  return snippet === '' ? 'an empty answer' : `a non-JSON answer: ${snippet}`;
}
