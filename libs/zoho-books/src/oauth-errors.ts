import { parseRetryAfter } from '@connector/common';
import {
  ZohoInvalidClientError,
  ZohoOAuthError,
  ZohoReauthorizationRequired,
  ZohoTokenRateLimitedError,
  ZohoUnavailableError,
} from './errors';

/*
 * The token endpoint answers errors with HTTP 200 and an `error` field (specs/zoho-books.md §1.5),
 * so success is decided by the body; the status only matters when there is no `error` to read.
 */

/** Which token-endpoint operation failed; `invalid_code` means something different for each. */
export type TokenOperation = 'refresh' | 'authorization_code' | 'revoke';

export interface TokenEndpointResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** Repeated token requests during a throttle prolong it, so never come back sooner than this. */
export const TOKEN_THROTTLE_MIN_WAIT_MS = 60_000;

export function oauthErrorFor(operation: TokenOperation, response: TokenEndpointResponse, accountsHost: string): Error | undefined {
  const body = typeof response.body === 'object' && response.body !== null ? (response.body as Record<string, unknown>) : undefined;
  const error = typeof body?.error === 'string' ? body.error : undefined;
  const description = typeof body?.error_description === 'string' ? body.error_description : undefined;

  if (error !== undefined) {
    // Revoking a token Zoho no longer knows has already achieved what was asked.
    const unknownToken = /^invalid_(code|token)$/i.test(error.trim());
    if (operation === 'revoke' && unknownToken) return undefined;
    return errorFromCode(operation, error, description, response.headers, accountsHost);
  }
  if (response.status === 429) return throttled('HTTP 429', undefined, response.headers, accountsHost);
  if (response.status >= 500) {
    return new ZohoUnavailableError(`Zoho accounts server ${accountsHost} failed (HTTP ${response.status})`, {
      status: response.status,
      code: `http_${response.status}`,
    });
  }
  if (response.status >= 300 || (body === undefined && operation !== 'revoke')) {
    const snippet = response.text.replace(/\s+/g, ' ').trim().slice(0, 200) || 'an empty body';
    return new ZohoOAuthError(
      `Zoho accounts server ${accountsHost} answered HTTP ${response.status} with ${body === undefined ? 'non-JSON ' : ''}${snippet}`,
      `http_${response.status}`,
    );
  }
  return undefined;
}

function errorFromCode(
  operation: TokenOperation,
  error: string,
  description: string | undefined,
  headers: Headers,
  accountsHost: string,
): Error {
  const normalized = error.trim().toLowerCase();
  if (normalized === 'invalid_code') {
    if (operation === 'refresh') return new ZohoReauthorizationRequired(`Zoho answered invalid_code at ${accountsHost}`);
    return new ZohoOAuthError(
      'Zoho rejected the authorization code (invalid_code): it was already used or has expired (codes last about two minutes); authorize again',
      'invalid_code',
    );
  }
  if (normalized === 'invalid_client' || normalized === 'invalid_client_secret') {
    return new ZohoInvalidClientError(error, accountsHost);
  }
  if (normalized === 'access denied' || normalized === 'access_denied' || /too many requests/i.test(description ?? '')) {
    return throttled(error, description, headers, accountsHost);
  }
  if (normalized === 'invalid_redirect_uri') {
    return new ZohoOAuthError('Zoho rejected the redirect URI (invalid_redirect_uri): it must match the one registered for the client exactly', error);
  }
  const detail = description ? `: ${description}` : '';
  return new ZohoOAuthError(`Zoho accounts server ${accountsHost} refused the token request (${error})${detail}`, error);
}

function throttled(error: string, description: string | undefined, headers: Headers, accountsHost: string): ZohoTokenRateLimitedError {
  const hinted = parseRetryAfter(headers.get('retry-after')) ?? 0;
  const retryAfterMs = Math.max(TOKEN_THROTTLE_MIN_WAIT_MS, hinted);
  const detail = description ? `: ${description}` : '';
  return new ZohoTokenRateLimitedError(
    `Zoho accounts server ${accountsHost} is throttling token requests (${error}${detail}); ` +
      `waiting ${Math.ceil(retryAfterMs / 1000)} s, since retrying sooner prolongs the block`,
    { retryAfterMs, code: 'token_throttled' },
  );
}
