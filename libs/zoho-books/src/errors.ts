import { PermanentError, ReauthorizationRequiredError, TransientError } from '@connector/common';
import { concurrencyBackoff, dailyQuotaDelay, perMinuteBlock } from './retry-hints';

/*
 * Every way a Zoho call can fail, and the one function that turns a Books response into one of
 * them. Classes follow the shared taxonomy: TransientError is retried with backoff (honouring
 * `retryAfterMs`), PermanentError goes to the dead-letter record at once. The shared `code` is a
 * string (it crosses NATS), so Zoho's numeric code is also kept as `zohoCode`.
 *
 * Messages carry Zoho's own words and the operation (method and path), never a token or secret.
 */

/** Zoho's numeric error codes the integration acts on (specs/zoho-books.md §1.6, §7.3). */
export const ZohoErrorCode = {
  UNAUTHENTICATED: 14,
  NOT_AUTHORIZED: 57,
  RATE_LIMIT_PER_MINUTE: 44,
  RATE_LIMIT_DAILY: 45,
  CONCURRENCY_LIMIT: 1070,
  INTERNAL_ERROR: 1000,
  NOT_FOUND: 1002,
  DUPLICATE_CONTACT_NAME: 3062,
  MULTIPLE_ORGANIZATIONS: 6024,
} as const;

/** What a failed Books response looked like, for the error classes below. */
export interface ZohoFailure {
  /** e.g. `GET /invoices/123` */
  operation: string;
  status: number;
  zohoCode?: number;
  /** Zoho's `message`, or a description of what came back instead of one. */
  upstreamMessage: string;
}

function describeFailure(failure: ZohoFailure): string {
  const code = failure.zohoCode === undefined ? '' : `, code ${failure.zohoCode}`;
  return `Zoho Books ${failure.operation} failed: ${failure.upstreamMessage} (HTTP ${failure.status}${code})`;
}

/** Zoho refused the request for a reason retrying will not fix (validation, not found, permission). */
export class ZohoApiError extends PermanentError {
  override readonly name: string = 'ZohoApiError';
  readonly status: number;
  readonly zohoCode?: number;
  readonly upstreamMessage: string;
  readonly operation: string;

  constructor(failure: ZohoFailure, message = describeFailure(failure)) {
    super(message, { code: failure.zohoCode === undefined ? undefined : String(failure.zohoCode) });
    this.status = failure.status;
    this.zohoCode = failure.zohoCode;
    this.upstreamMessage = failure.upstreamMessage;
    this.operation = failure.operation;
  }
}

/** HTTP 404 or code 1002 ("Invoice does not exist."). */
export class ZohoNotFoundError extends ZohoApiError {
  override readonly name: string = 'ZohoNotFoundError';
}

/**
 * Code 3062: contact names are unique per organization. Callers either make names unique or look
 * the existing contact up by `contactName`.
 */
export class ZohoDuplicateContactNameError extends ZohoApiError {
  override readonly name: string = 'ZohoDuplicateContactNameError';
  /** The name Zoho quoted in its message, when it quoted one. */
  readonly contactName?: string;

  constructor(failure: ZohoFailure) {
    super(failure);
    this.contactName = /"(.+)"/.exec(failure.upstreamMessage)?.[1];
  }
}

export interface ZohoOrganizationChoice {
  organizationId: string;
  name: string;
  isDefault: boolean;
}

/**
 * The account has several organizations and no usable one was named: Zoho's 6024, or
 * `resolveOrganizationId` finding no single, default or preferred organization.
 */
export class ZohoOrganizationRequiredError extends PermanentError {
  override readonly name: string = 'ZohoOrganizationRequiredError';
  readonly organizations: ZohoOrganizationChoice[];

  constructor(reason: string, organizations: ZohoOrganizationChoice[], code = 'organization_required') {
    const listed = organizations
      .map((org) => `${org.name} (${org.organizationId}${org.isDefault ? ', default' : ''})`)
      .join(', ');
    super(`${reason}. Set the organization id to one of: ${listed || 'none found'}`, { code });
    this.organizations = organizations;
  }
}

/** Zoho could not be reached, timed out, or failed on its side (5xx, code 1000). */
export class ZohoUnavailableError extends TransientError {
  override readonly name: string = 'ZohoUnavailableError';
  readonly status?: number;

  constructor(message: string, options: { status?: number; code?: string; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options);
    this.status = options.status;
  }
}

/**
 * Zoho blocked the organization: its per-minute limit (44), or its daily quota (45, the subclass
 * below). No call of the organization gets through before `retryAfterMs`, from any instance.
 */
export class ZohoRateLimitedError extends TransientError {
  override readonly name: string = 'ZohoRateLimitedError';
  readonly status: number;
  readonly zohoCode?: number;

  constructor(failure: ZohoFailure, retryAfterMs: number) {
    super(`${describeFailure(failure)}; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
      retryAfterMs,
      code: failure.zohoCode === undefined ? 'rate_limited' : String(failure.zohoCode),
    });
    this.status = failure.status;
    this.zohoCode = failure.zohoCode;
  }
}

/** Code 45: the organization's daily API quota is spent; nothing gets through until it resets. */
export class ZohoDailyQuotaExceeded extends ZohoRateLimitedError {
  override readonly name: string = 'ZohoDailyQuotaExceeded';
}

/**
 * Code 1070: too many of the organization's calls were in flight at once. Not a block: the
 * minute's and the day's budgets were not spent, so it is deliberately not a ZohoRateLimitedError
 * (which empties the shared budget and stops every instance's calls). This call waits
 * `retryAfterMs` (a short back-off); the process sends fewer calls at once for a while.
 */
export class ZohoConcurrencyLimitedError extends TransientError {
  override readonly name: string = 'ZohoConcurrencyLimitedError';
  readonly status: number;
  readonly zohoCode: number;

  constructor(failure: ZohoFailure & { zohoCode: number }, retryAfterMs: number) {
    super(`${describeFailure(failure)}; too many calls in flight, retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
      retryAfterMs,
      code: String(failure.zohoCode),
    });
    this.status = failure.status;
    this.zohoCode = failure.zohoCode;
  }
}

/** The refresh token was revoked or deleted (`invalid_code`): only a person re-authorizing helps. */
export class ZohoReauthorizationRequired extends ReauthorizationRequiredError {
  constructor(detail = 'Zoho reported invalid_code') {
    super(
      `The Zoho refresh token was revoked or has been deleted (${detail}); ` +
        'the connection must be re-authorized with Zoho before events can be synced again',
      { code: 'invalid_code' },
    );
  }
}

/** `invalid_client` / `invalid_client_secret`: wrong client id or secret, or one from another data centre. */
export class ZohoInvalidClientError extends PermanentError {
  override readonly name: string = 'ZohoInvalidClientError';

  constructor(oauthError: string, accountsHost: string) {
    super(
      `Zoho rejected the OAuth client (${oauthError}) at ${accountsHost}: the client id/secret is wrong ` +
        'or comes from another data centre\'s API console (use the accounts server of the data centre where the client was created)',
      { code: oauthError },
    );
  }
}

/** The accounts server throttled token requests ("Access Denied"): more retries prolong the block. */
export class ZohoTokenRateLimitedError extends TransientError {
  override readonly name: string = 'ZohoTokenRateLimitedError';
}

/** Any other error from the token endpoint (e.g. a used or expired authorization code). */
export class ZohoOAuthError extends PermanentError {
  override readonly name: string = 'ZohoOAuthError';
  readonly oauthError: string;

  constructor(message: string, oauthError: string) {
    super(message, { code: oauthError });
    this.oauthError = oauthError;
  }
}

/** A URL that would send credentials somewhere other than Zoho (or that is not a URL at all). */
export class ZohoEndpointNotAllowedError extends PermanentError {
  override readonly name: string = 'ZohoEndpointNotAllowedError';
}

/** The Books response as `booksErrorFor` needs it. */
export interface BooksResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
  /** Raw text, used to describe a non-JSON answer. */
  text: string;
}

/** The single mapping from a Books response to an error; `undefined` means success. */
export function booksErrorFor(operation: string, response: BooksResponse): Error | undefined {
  const { status, headers } = response;
  const envelope = isEnvelope(response.body) ? response.body : undefined;
  const zohoCode = typeof envelope?.code === 'number' ? envelope.code : undefined;
  const succeeded = status >= 200 && status < 300 && (zohoCode === undefined || zohoCode === 0);
  if (succeeded && envelope) return undefined;

  const failure: ZohoFailure = {
    operation,
    status,
    zohoCode,
    upstreamMessage: envelope ? upstreamMessageOf(envelope) : describeNonJson(response),
  };

  if (zohoCode === ZohoErrorCode.CONCURRENCY_LIMIT) return new ZohoConcurrencyLimitedError({ ...failure, zohoCode }, concurrencyBackoff(headers));
  if (zohoCode === ZohoErrorCode.RATE_LIMIT_DAILY) return new ZohoDailyQuotaExceeded(failure, dailyQuotaDelay(headers));
  // A 429 without a known code is taken for the per-minute limit, Zoho's most common one.
  if (status === 429 || zohoCode === ZohoErrorCode.RATE_LIMIT_PER_MINUTE) return new ZohoRateLimitedError(failure, perMinuteBlock(headers));
  if (status >= 500 || zohoCode === ZohoErrorCode.INTERNAL_ERROR) {
    return new ZohoUnavailableError(describeFailure(failure), {
      status,
      code: zohoCode === undefined ? `http_${status}` : String(zohoCode),
    });
  }
  if (zohoCode === ZohoErrorCode.MULTIPLE_ORGANIZATIONS) {
    return new ZohoOrganizationRequiredError(
      `${describeFailure(failure)}. The Zoho user belongs to several organizations`,
      organizationChoicesOf(envelope),
      String(zohoCode),
    );
  }
  if (zohoCode === ZohoErrorCode.DUPLICATE_CONTACT_NAME) return new ZohoDuplicateContactNameError(failure);
  if (status === 404 || zohoCode === ZohoErrorCode.NOT_FOUND) return new ZohoNotFoundError(failure);
  if (status >= 200 && status < 300 && !envelope) {
    return new ZohoApiError({ ...failure, upstreamMessage: `answered without a JSON body: ${failure.upstreamMessage}` });
  }
  if (zohoCode === ZohoErrorCode.NOT_AUTHORIZED || zohoCode === ZohoErrorCode.UNAUTHENTICATED) {
    // Reached only once a fresh token was refused as well: what is left is a missing OAuth scope
    // or a user without access to this organization.
    return new ZohoApiError(failure, `${describeFailure(failure)}; a fresh access token was refused too, so the authorization probably lacks the OAuth scope for this operation or access to this organization`);
  }
  return new ZohoApiError(failure);
}

interface Envelope {
  code?: unknown;
  message?: unknown;
  error_info?: unknown;
}

function isEnvelope(body: unknown): body is Envelope {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function upstreamMessageOf(envelope: Envelope): string {
  return typeof envelope.message === 'string' && envelope.message.trim() !== ''
    ? envelope.message.trim()
    : 'no message given';
}

function describeNonJson(response: BooksResponse): string {
  const snippet = response.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return snippet === '' ? 'empty response body' : `non-JSON response: ${snippet}`;
}

function organizationChoicesOf(envelope: Envelope | undefined): ZohoOrganizationChoice[] {
  const info = Array.isArray(envelope?.error_info) ? (envelope.error_info as unknown[]) : [];
  return info.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { organization_id, name, is_default_org } = entry as Record<string, unknown>;
    if (typeof organization_id !== 'string' && typeof organization_id !== 'number') return [];
    return [{ organizationId: String(organization_id), name: typeof name === 'string' ? name : '', isDefault: is_default_org === true }];
  });
}
