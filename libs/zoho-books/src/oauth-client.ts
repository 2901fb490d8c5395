import { DEFAULT_HTTP_TIMEOUT_MS } from '@connector/common';
import { ZohoEndpointNotAllowedError, ZohoOAuthError } from './errors';
import { parseZohoJson } from './json';
import { oauthErrorFor, TokenOperation } from './oauth-errors';
import { allowPrivateEndpointsFromEnv, assertAccountsUrl, assertApiDomain } from './regions';
import { ZOHO_BOOKS_SCOPES } from './scopes';
import { exchange } from './transport';

export interface ZohoOAuthClientOptions {
  /** Accept loopback/private accounts servers and API domains (sandbox, tests). Defaults to ALLOW_PRIVATE_ENDPOINTS. */
  allowPrivate?: boolean;
  timeoutMs?: number;
}

export interface ZohoClientCredentials {
  /** The accounts server of the client's data centre, e.g. `https://accounts.zoho.eu`. */
  accountsUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface ZohoAccessToken {
  accessToken: string;
  /** The data centre's API origin, checked to be a Zoho host, e.g. `https://www.zohoapis.eu`. */
  apiDomain: string;
  expiresAt: Date;
}

export interface ZohoAuthorizationGrant extends ZohoAccessToken {
  /** Only returned for `access_type=offline` on first consent, or with `prompt=consent`. */
  refreshToken?: string;
}

export interface ZohoAuthorizationRequest {
  accountsUrl: string;
  clientId: string;
  redirectUri: string;
  state?: string;
  scopes?: readonly string[];
}

/** Zoho access tokens live an hour; used when a response does not say. */
const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * Zoho Accounts OAuth 2.0: authorization URL, code exchange, refresh and revoke. Parameters go
 * form-urlencoded (Zoho rejects JSON bodies); success is judged by the body because Zoho answers
 * errors with HTTP 200. Every URL is checked first, so a wrong accounts URL or a forged
 * `api_domain` cannot carry the client secret or tokens away from Zoho.
 */
export class ZohoOAuthClient {
  private readonly allowPrivate: boolean;
  private readonly timeoutMs: number;

  constructor(options: ZohoOAuthClientOptions = {}) {
    this.allowPrivate = options.allowPrivate ?? allowPrivateEndpointsFromEnv();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  }

  /** Where to send the person who grants access; asks for offline access so a refresh token comes back. */
  authorizationUrl(request: ZohoAuthorizationRequest): string {
    const accounts = assertAccountsUrl(request.accountsUrl, { allowPrivate: this.allowPrivate });
    const params = new URLSearchParams({
      scope: (request.scopes ?? ZOHO_BOOKS_SCOPES).join(','),
      client_id: request.clientId,
      response_type: 'code',
      redirect_uri: request.redirectUri,
      access_type: 'offline',
      prompt: 'consent',
    });
    if (request.state !== undefined) params.set('state', request.state);
    return `${accounts}/oauth/v2/auth?${params.toString()}`;
  }

  /** A new access token from a refresh token. `invalid_code` → ZohoReauthorizationRequired. */
  async refresh(request: ZohoClientCredentials & { refreshToken: string }): Promise<ZohoAccessToken> {
    const body = await this.tokenRequest('refresh', request.accountsUrl, {
      grant_type: 'refresh_token',
      client_id: request.clientId,
      client_secret: request.clientSecret,
      refresh_token: request.refreshToken,
    });
    return this.accessTokenFrom(body, request.accountsUrl);
  }

  /** Trades an authorization code (single use, valid ~2 minutes) for tokens. */
  async exchangeCode(request: ZohoClientCredentials & { code: string; redirectUri: string }): Promise<ZohoAuthorizationGrant> {
    const body = await this.tokenRequest('authorization_code', request.accountsUrl, {
      grant_type: 'authorization_code',
      client_id: request.clientId,
      client_secret: request.clientSecret,
      redirect_uri: request.redirectUri,
      code: request.code,
    });
    const token = this.accessTokenFrom(body, request.accountsUrl);
    const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined;
    return { ...token, refreshToken };
  }

  /**
   * Revokes a refresh token (and the access tokens minted from it) or a single access token. A
   * token Zoho no longer knows counts as revoked.
   */
  async revoke(request: { accountsUrl: string; token: string }): Promise<void> {
    await this.tokenRequest('revoke', request.accountsUrl, { token: request.token }, '/oauth/v2/token/revoke');
  }

  private async tokenRequest(
    operation: TokenOperation,
    accountsUrl: string,
    params: Record<string, string>,
    path = '/oauth/v2/token',
  ): Promise<Record<string, unknown>> {
    const accounts = assertAccountsUrl(accountsUrl, { allowPrivate: this.allowPrivate });
    const accountsHost = new URL(accounts).host;
    const raw = await exchange(
      `${accounts}${path}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
      },
      this.timeoutMs,
      `Zoho token request (${operation})`,
    );
    const body = parseZohoJson(raw.text);
    const error = oauthErrorFor(operation, { status: raw.status, headers: raw.headers, body, text: raw.text }, accountsHost);
    if (error) throw error;
    return (body ?? {}) as Record<string, unknown>;
  }

  private accessTokenFrom(body: Record<string, unknown>, accountsUrl: string): ZohoAccessToken {
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new ZohoOAuthError('Zoho token response carried no access_token', 'missing_access_token');
    }
    const apiDomain = this.apiDomainFrom(body.api_domain, accountsUrl);
    return { accessToken, apiDomain, expiresAt: new Date(Date.now() + lifetimeSeconds(body) * 1000) };
  }

  /** `api_domain` as Zoho sent it (checked), or the one that goes with the accounts server. */
  private apiDomainFrom(value: unknown, accountsUrl: string): string {
    if (typeof value === 'string' && value !== '') {
      try {
        return assertApiDomain(value, { allowPrivate: this.allowPrivate });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ZohoEndpointNotAllowedError(`Zoho token response refused, because ${reason}; no call will be sent there`);
      }
    }
    const host = new URL(accountsUrl).hostname;
    const dataCentre = /^accounts\.zoho(?:cloud)?\.(.+)$/.exec(host)?.[1];
    if (!dataCentre) throw new ZohoOAuthError('Zoho token response carried no api_domain', 'missing_api_domain');
    return assertApiDomain(`https://www.zohoapis.${dataCentre}`, { allowPrivate: this.allowPrivate });
  }
}

/**
 * `expires_in` is seconds today; responses before 2020 sent milliseconds there and seconds in
 * `expires_in_sec`. Anything longer than a day can only be milliseconds.
 */
function lifetimeSeconds(body: Record<string, unknown>): number {
  const legacySeconds = Number(body.expires_in_sec);
  if (Number.isFinite(legacySeconds) && legacySeconds > 0) return legacySeconds;
  const value = Number(body.expires_in);
  if (!Number.isFinite(value) || value <= 0) return DEFAULT_LIFETIME_SECONDS;
  return value > 86_400 ? value / 1000 : value;
}
