import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Logger, ReauthorizationRequiredError, SingleFlight, TransientError } from '@connector/common';
import { SecretBox } from '@connector/crypto';
import { LOGGER } from '@connector/platform';
import { ConnectionEntity, ConnectionStore, ZohoTokenEntity } from '@connector/persistence';
import { ZohoBooksClient, ZohoOAuthClient, ZohoSession, ZohoTokenRateLimitedError } from '@connector/zoho-books';
import type { ZohoInvalidateReply, ZohoSessionReply } from '@connector/contracts';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';

/** Zoho mints at most this many access tokens per refresh token in `MINT_WINDOW_MS`. */
const MINT_LIMIT = 10;
const MINT_WINDOW_MS = 10 * 60_000;
/** A token handed out while no new one can be had must outlive the call it is for. */
const MIN_USABLE_LIFETIME_MS = 30_000;

/**
 * Owns every connection's Zoho access token. Tokens are cached (sealed) in PostgreSQL and shared
 * by all instances; a refresh happens shortly before expiry, one at a time per connection across
 * instances (a PostgreSQL advisory lock), and never more than Zoho's mint limit allows. A revoked
 * refresh token flips the connection to `needs_reauthorization` instead of failing forever.
 * While no new token can be had (Zoho throttles the refreshes, or the mint limit is spent), the
 * token in hand serves as long as it is valid, although inside the refresh margin.
 */
@Injectable()
export class ZohoTokenManager {
  private readonly sessions = new SingleFlight<ZohoSessionReply>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly box: SecretBox,
    private readonly oauth: ZohoOAuthClient,
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A token valid for at least the refresh margin, the regional API domain and the organization id. */
  session(connectionId: string): Promise<ZohoSessionReply> {
    // Single-flight inside this process; the advisory lock covers other instances.
    return this.sessions.run(connectionId, () => this.resolveSession(connectionId));
  }

  /**
   * Zoho refused this token (401, code 57/14): the next session() mints a new one, unless the
   * refusal is known not to be the token's. `freshTokenRefused`: the caller got this token, newly
   * minted, in answer to its own report and Zoho refused it too, so the authorization lacks a scope
   * or the organization's access (specs §1.6: refresh once, then it is a permission error). The
   * token is kept for every other operation and, for a mint window, further reports of it mint
   * nothing: each would cost one of Zoho's 10 mints per 10 minutes, and once they are spent every
   * call of the connection waits.
   */
  async invalidate(connectionId: string, accessToken: string, options: { freshTokenRefused?: boolean } = {}): Promise<ZohoInvalidateReply> {
    const repo = this.dataSource.getRepository(ZohoTokenEntity);
    const row = await repo.findOne({ where: { connectionId } });
    if (!row || this.heldToken(row, connectionId) !== accessToken) return { dropped: false }; // already replaced by a newer token
    if (options.freshTokenRefused) {
      await repo.update({ connectionId }, { refusedFreshAt: new Date() });
      this.logger.warn({ connectionId }, 'Zoho refused a newly minted access token: the authorization lacks an OAuth scope or access to the organization; the token is kept and no new one is minted for this');
      return { dropped: false };
    }
    if (row.refusedFreshAt && Date.now() - row.refusedFreshAt.getTime() < MINT_WINDOW_MS) return { dropped: false };
    await repo.update({ connectionId }, { expiresAt: new Date(0) });
    // A session resolving now may have read the refused token before the update: the callers
    // asking after this answer (the one that reported it first) start a new one.
    this.sessions.forget(connectionId);
    return { dropped: true };
  }

  /** A session usable by a Books client inside this service (ping, organization lookup). */
  sessionFor(connectionId: string): ZohoSession {
    return {
      getAccessToken: async () => {
        const s = await this.session(connectionId);
        return { accessToken: s.accessToken, apiDomain: s.apiDomain };
      },
      invalidate: (accessToken: string, options?: { freshTokenRefused?: boolean }) => this.invalidate(connectionId, accessToken, options),
    };
  }

  private async resolveSession(connectionId: string): Promise<ZohoSessionReply> {
    const connection = await this.connections.get(connectionId);
    if (connection.status === 'needs_reauthorization') {
      throw new ReauthorizationRequiredError(
        `Connection ${connectionId} needs re-authorization with Zoho: ${connection.statusReason ?? 'the refresh token was revoked'}`,
      );
    }
    const token = (await this.freshCachedToken(connectionId)) ?? (await this.refreshUnderLock(connection));
    const organizationId = connection.zohoOrganizationId ?? (await this.resolveOrganization(connection, token));
    return { ...token, organizationId };
  }

  private async freshCachedToken(connectionId: string) {
    const row = await this.dataSource.getRepository(ZohoTokenEntity).findOne({ where: { connectionId } });
    if (!row || !this.isFresh(row)) return undefined;
    try {
      return this.toToken(row, connectionId);
    } catch {
      // Sealed with a key that has since been removed: mint a new token instead of failing.
      return undefined;
    }
  }

  private async refreshUnderLock(connection: ConnectionEntity) {
    const outcome = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`zoho-token:${connection.id}`]);
      const repo = manager.getRepository(ZohoTokenEntity);
      const row = await repo.findOne({ where: { connectionId: connection.id } });
      if (row && this.isFresh(row)) return this.toToken(row, connection.id); // another instance refreshed meanwhile

      const now = Date.now();
      const blockedMs = (row?.refreshBlockedUntil?.getTime() ?? now) - now;
      if (blockedMs > 0) {
        // Every refresh tried inside Zoho's block prolongs it (specs §1.5): none until it is over.
        return this.tokenInHandOr(row, connection.id, new TransientError(
          `Zoho's accounts server throttles token refreshes of connection ${connection.id}; the next one in ${Math.ceil(blockedMs / 1000)} s`,
          { code: 'token_throttled', retryAfterMs: blockedMs },
        ));
      }
      const recentMints = (row?.mintedAt ?? []).filter((t) => now - Date.parse(t) < MINT_WINDOW_MS);
      if (recentMints.length >= MINT_LIMIT) {
        const retryAfterMs = Date.parse(recentMints[0]) + MINT_WINDOW_MS - now;
        return this.tokenInHandOr(row, connection.id, new TransientError(`Zoho allows ${MINT_LIMIT} new tokens per 10 minutes; waiting before the next refresh`, { retryAfterMs }));
      }
      const credentials = this.connections.zohoCredentials(connection);
      let refreshed;
      try {
        refreshed = await this.oauth.refresh({
          accountsUrl: connection.zohoAccountsUrl,
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          refreshToken: credentials.refreshToken,
        });
      } catch (error) {
        if (error instanceof ReauthorizationRequiredError) {
          await this.connections.update(connection.id, { status: 'needs_reauthorization', statusReason: error.message });
          this.logger.error({ connectionId: connection.id }, 'Zoho refresh token revoked; connection needs re-authorization');
        }
        if (error instanceof ZohoTokenRateLimitedError) {
          const blockedUntil = new Date(Date.now() + (error.retryAfterMs ?? 0));
          if (row) await repo.update({ connectionId: connection.id }, { refreshBlockedUntil: blockedUntil });
          // No token yet (the first refresh was throttled): a row holding no token (an empty one,
          // expired) carries the block, so no instance prolongs it by trying again.
          else await repo.insert({ connectionId: connection.id, accessToken: this.box.encrypt('', tokenAd(connection.id)), apiDomain: connection.zohoApiDomain ?? '', expiresAt: new Date(0), refreshBlockedUntil: blockedUntil });
          this.logger.warn({ connectionId: connection.id, blockedUntil }, 'Zoho throttles token refreshes; none until the block is over');
          return this.tokenInHandOr(row, connection.id, error);
        }
        throw error;
      }
      const saved = repo.create({
        connectionId: connection.id,
        accessToken: this.box.encrypt(refreshed.accessToken, tokenAd(connection.id)),
        apiDomain: refreshed.apiDomain,
        expiresAt: refreshed.expiresAt,
        mintedAt: [...recentMints, new Date(now).toISOString()],
        refusedFreshAt: null,
        refreshBlockedUntil: null,
      });
      await repo.save(saved);
      if (connection.zohoApiDomain !== refreshed.apiDomain) {
        await this.connections.update(connection.id, { zohoApiDomain: refreshed.apiDomain });
      }
      this.logger.info({ connectionId: connection.id, expiresAt: refreshed.expiresAt }, 'Zoho access token refreshed');
      return { accessToken: refreshed.accessToken, apiDomain: refreshed.apiDomain, expiresAt: refreshed.expiresAt.toISOString() };
    });
    // A refusal comes back as a value, not thrown, so that the refresh block recorded with it commits.
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Resolved once after the first token, then cached on the connection. Uses the token in hand
   * (asking `session()` here would wait on the very request being answered).
   */
  private async resolveOrganization(connection: ConnectionEntity, token: { accessToken: string; apiDomain: string }): Promise<string> {
    const books = new ZohoBooksClient({
      session: {
        getAccessToken: async () => ({ accessToken: token.accessToken, apiDomain: token.apiDomain }),
        invalidate: (accessToken: string, options?: { freshTokenRefused?: boolean }) => this.invalidate(connection.id, accessToken, options),
      },
      allowPrivate: this.config.ALLOW_PRIVATE_ENDPOINTS,
    });
    const organizationId = await books.resolveOrganizationId();
    await this.connections.update(connection.id, { zohoOrganizationId: organizationId });
    return organizationId;
  }

  /** The cached token while it outlives a call, else `refused` (returned: see refreshUnderLock). */
  private tokenInHandOr(row: ZohoTokenEntity | null, connectionId: string, refused: Error) {
    if (row && row.expiresAt.getTime() - MIN_USABLE_LIFETIME_MS > Date.now()) {
      try {
        return this.toToken(row, connectionId);
      } catch {
        // Sealed with a key that has since been removed: there is no token in hand.
      }
    }
    return refused;
  }

  private isFresh(row: ZohoTokenEntity): boolean {
    return row.expiresAt.getTime() - this.config.TOKEN_REFRESH_MARGIN_SECONDS * 1000 > Date.now();
  }

  private toToken(row: ZohoTokenEntity, connectionId: string) {
    return { accessToken: this.open(row, connectionId), apiDomain: row.apiDomain, expiresAt: row.expiresAt.toISOString() };
  }

  /** The token a row holds, or undefined when it cannot be opened (sealed with a key since removed). */
  private heldToken(row: ZohoTokenEntity, connectionId: string): string | undefined {
    try {
      return this.open(row, connectionId);
    } catch {
      return undefined;
    }
  }

  private open(row: ZohoTokenEntity, connectionId: string): string {
    return this.box.decrypt(row.accessToken, tokenAd(connectionId));
  }
}

const tokenAd = (connectionId: string) => `zoho-token:${connectionId}`;
