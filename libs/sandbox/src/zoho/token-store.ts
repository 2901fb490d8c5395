import { randomHex, randomUpperAlnum } from '../http/random-tokens';
import { FULL_ACCESS_SCOPE } from './scopes';

/** Limits of Zoho Accounts (specs/zoho-books.md §1.4); all overridable for tests. */
export interface TokenSettings {
  /** `expires_in` of access tokens, seconds. Default 3600. */
  accessTokenTtlSeconds: number;
  /** Access tokens one refresh token may mint per window. Default 10. */
  mintLimit: number;
  /** The mint window, ms. Default 10 minutes. */
  mintWindowMs: number;
  /** Live access tokens per refresh token; minting one more invalidates the oldest. Default 15. */
  maxActiveAccessTokens: number;
  /** Refresh tokens per client; issuing one more deletes the oldest. Default 20. */
  maxRefreshTokensPerClient: number;
  /** Grant codes per client per mint window before `access_denied`. Default 10. */
  grantCodeLimit: number;
  /** Lifetime of a grant code, ms. Default 2 minutes. */
  grantCodeTtlMs: number;
}

export const DEFAULT_TOKEN_SETTINGS: TokenSettings = {
  accessTokenTtlSeconds: 3600,
  mintLimit: 10,
  mintWindowMs: 10 * 60_000,
  maxActiveAccessTokens: 15,
  maxRefreshTokensPerClient: 20,
  grantCodeLimit: 10,
  grantCodeTtlMs: 2 * 60_000,
};

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

/** Which organisations and scopes a token grants. `orgIds: 'all'` also covers orgs created later. */
export interface TokenGrant {
  clientId: string;
  orgIds: readonly string[] | 'all';
  scopes: readonly string[];
}

interface RefreshTokenRecord extends TokenGrant {
  token: string;
  mints: number[];
  accessTokens: string[];
}

interface AccessTokenRecord extends TokenGrant {
  token: string;
  refreshToken?: string;
  expiresAt: number;
}

interface GrantCodeRecord extends TokenGrant {
  code: string;
  redirectUri?: string;
  offline: boolean;
  expiresAt: number;
}

/** The token endpoint's answer: a token response, or a Zoho error body (always sent as HTTP 200). */
export type TokenOutcome =
  | { ok: true; accessToken: string; refreshToken?: string; expiresIn: number }
  | { ok: false; error: 'invalid_client' | 'invalid_code' | 'invalid_redirect_uri' | 'access_denied_throttle' };

/** Zoho-shaped token: `1000.<32 hex>.<32 hex>`. */
function zohoToken(): string {
  return `1000.${randomHex(32)}.${randomHex(32)}`;
}

/**
 * The state of the fake Zoho Accounts: clients, refresh tokens, access tokens and grant codes,
 * with Zoho's limits. Revoked or deleted tokens are simply forgotten, so they look unknown
 * afterwards, which is what Zoho's `invalid_code` / code 57 answers express.
 */
export class TokenStore {
  private readonly clients = new Map<string, OAuthClient & { grantCodes: number[] }>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly grantCodes = new Map<string, GrantCodeRecord>();

  constructor(
    readonly settings: TokenSettings,
    private readonly now: () => number,
  ) {}

  registerClient(): OAuthClient {
    const client = { clientId: `1000.${randomUpperAlnum(30)}`, clientSecret: randomHex(42) };
    this.clients.set(client.clientId, { ...client, grantCodes: [] });
    return { ...client };
  }

  hasClient(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** True when the id is known and the secret matches. */
  checkClient(clientId: string | undefined, clientSecret: string | undefined): boolean {
    if (!clientId || !clientSecret) return false;
    return this.clients.get(clientId)?.clientSecret === clientSecret;
  }

  issueRefreshToken(clientId: string, orgIds: readonly string[] | 'all' = 'all', scopes: readonly string[] = [FULL_ACCESS_SCOPE]): string {
    if (!this.clients.has(clientId)) throw new Error(`unknown client ${clientId}`);
    const token = zohoToken();
    this.refreshTokens.set(token, { token, clientId, orgIds, scopes: [...scopes], mints: [], accessTokens: [] });
    // The 21st refresh token silently deletes the oldest one, and its access tokens die with it.
    const ofClient = [...this.refreshTokens.values()].filter((r) => r.clientId === clientId);
    for (const stale of ofClient.slice(0, Math.max(0, ofClient.length - this.settings.maxRefreshTokensPerClient))) {
      this.deleteRefreshToken(stale.token);
    }
    return token;
  }

  /** Creates a single-use grant code, or undefined when the client exceeded the grant-code limit. */
  issueGrantCode(
    clientId: string,
    options: { redirectUri?: string; scopes?: readonly string[]; orgIds?: readonly string[] | 'all'; offline?: boolean } = {},
  ): string | undefined {
    const client = this.clients.get(clientId);
    if (!client) throw new Error(`unknown client ${clientId}`);
    const now = this.now();
    client.grantCodes = client.grantCodes.filter((t) => t > now - this.settings.mintWindowMs);
    if (client.grantCodes.length >= this.settings.grantCodeLimit) return undefined;
    client.grantCodes.push(now);
    const code = zohoToken();
    this.grantCodes.set(code, {
      code,
      clientId,
      redirectUri: options.redirectUri,
      scopes: options.scopes && options.scopes.length > 0 ? [...options.scopes] : [FULL_ACCESS_SCOPE],
      orgIds: options.orgIds ?? 'all',
      offline: options.offline ?? false,
      expiresAt: now + this.settings.grantCodeTtlMs,
    });
    return code;
  }

  exchangeGrantCode(params: { clientId?: string; clientSecret?: string; code?: string; redirectUri?: string }): TokenOutcome {
    if (!this.checkClient(params.clientId, params.clientSecret)) return { ok: false, error: 'invalid_client' };
    const record = params.code ? this.grantCodes.get(params.code) : undefined;
    if (!record || record.clientId !== params.clientId || record.expiresAt <= this.now()) return { ok: false, error: 'invalid_code' };
    if (record.redirectUri !== undefined && params.redirectUri !== undefined && record.redirectUri !== params.redirectUri) {
      return { ok: false, error: 'invalid_redirect_uri' };
    }
    this.grantCodes.delete(record.code); // single use
    if (!record.offline) {
      return { ok: true, accessToken: this.mintAccessToken(record), expiresIn: this.settings.accessTokenTtlSeconds };
    }
    const refreshToken = this.issueRefreshToken(record.clientId, record.orgIds, record.scopes);
    const refresh = this.refreshTokens.get(refreshToken)!;
    refresh.mints.push(this.now());
    return { ok: true, accessToken: this.mintAccessToken(refresh, refreshToken), refreshToken, expiresIn: this.settings.accessTokenTtlSeconds };
  }

  refresh(params: { clientId?: string; clientSecret?: string; refreshToken?: string }): TokenOutcome {
    if (!this.checkClient(params.clientId, params.clientSecret)) return { ok: false, error: 'invalid_client' };
    const record = params.refreshToken ? this.refreshTokens.get(params.refreshToken) : undefined;
    if (!record || record.clientId !== params.clientId) return { ok: false, error: 'invalid_code' };
    const now = this.now();
    record.mints = record.mints.filter((t) => t > now - this.settings.mintWindowMs);
    if (record.mints.length >= this.settings.mintLimit) return { ok: false, error: 'access_denied_throttle' };
    record.mints.push(now);
    return { ok: true, accessToken: this.mintAccessToken(record, record.token), expiresIn: this.settings.accessTokenTtlSeconds };
  }

  private mintAccessToken(grant: TokenGrant, refreshToken?: string): string {
    const token = zohoToken();
    this.accessTokens.set(token, {
      token,
      clientId: grant.clientId,
      orgIds: grant.orgIds,
      scopes: grant.scopes,
      refreshToken,
      expiresAt: this.now() + this.settings.accessTokenTtlSeconds * 1000,
    });
    const parent = refreshToken ? this.refreshTokens.get(refreshToken) : undefined;
    if (parent) {
      parent.accessTokens.push(token);
      // Beyond the active-token limit the oldest access token stops working.
      while (parent.accessTokens.length > this.settings.maxActiveAccessTokens) {
        this.accessTokens.delete(parent.accessTokens.shift()!);
      }
    }
    return token;
  }

  /** Revokes a refresh token (with its access tokens) or a single access token. False if unknown. */
  revoke(token: string): boolean {
    if (this.refreshTokens.has(token)) {
      this.deleteRefreshToken(token);
      return true;
    }
    return this.accessTokens.delete(token);
  }

  private deleteRefreshToken(token: string): void {
    const record = this.refreshTokens.get(token);
    if (!record) return;
    for (const access of record.accessTokens) this.accessTokens.delete(access);
    this.refreshTokens.delete(token);
  }

  /** Every access token issued so far stops working (as if an hour had passed). */
  expireAccessTokens(): void {
    const now = this.now();
    for (const record of this.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
  }

  /** The grant behind a live access token, or undefined for unknown, revoked or expired ones. */
  authenticate(accessToken: string): TokenGrant | undefined {
    const record = this.accessTokens.get(accessToken);
    if (!record || record.expiresAt <= this.now()) return undefined;
    return record;
  }

  /** Test helper: the client a refresh token belongs to (undefined when it is gone). */
  refreshTokenClient(token: string): string | undefined {
    return this.refreshTokens.get(token)?.clientId;
  }
}
