import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { outsideCallDeadline, SingleFlight } from '@connector/common';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { RPC, ZohoInvalidateReply, ZohoInvalidateRequest, ZohoSessionReply, ZohoSessionRequest } from '@connector/contracts';
import { NatsRpcClient } from '@connector/messaging';
import { DEFAULT_RATE_LIMIT, ZohoRateLimiter } from '@connector/persistence';
import { ZohoBooksClient, ZohoCallRecord, ZohoSession } from '@connector/zoho-books';
import { PlatformMetrics } from '../metrics';
import { PLATFORM_CONFIG, SERVICE_NAME } from '../tokens';
import type { PlatformConfig } from '../platform.config';
import { OrganizationCallGate } from './organization-call-gate';

/** A session is reused until this close to its expiry; the token-service refreshes earlier still. */
const SESSION_REUSE_MARGIN_MS = 60_000;

/**
 * Builds Zoho Books clients for the sync services: tokens come from the token-service over NATS
 * (never refreshed here), every call takes one of the organization's slots in flight and draws
 * from its shared rate budget, a 429 blocks the organization for everyone, and every call is
 * counted.
 */
@Injectable()
export class ZohoClientFactory implements BeforeApplicationShutdown {
  private readonly sessions = new Map<string, ZohoSessionReply>();
  /** One token-service request per connection at a time; the callers in between share it. */
  private readonly fetching = new SingleFlight<ZohoSessionReply>();
  private readonly limiter: ZohoRateLimiter;
  private readonly gate: OrganizationCallGate;
  private readonly calls: Counter<'organization' | 'status' | 'service'>;
  private readonly allowPrivate: boolean;

  constructor(
    private readonly rpc: NatsRpcClient,
    dataSource: DataSource,
    metrics: PlatformMetrics,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig & { ZOHO_RATE_LIMIT_PER_MINUTE?: number },
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {
    this.allowPrivate = config.ALLOW_PRIVATE_ENDPOINTS;
    this.limiter = new ZohoRateLimiter(dataSource, {
      perMinute: config.ZOHO_RATE_LIMIT_PER_MINUTE ?? DEFAULT_RATE_LIMIT.perMinute,
      burst: DEFAULT_RATE_LIMIT.burst,
    });
    this.gate = new OrganizationCallGate(this.limiter, config.ZOHO_MAX_CALLS_IN_FLIGHT);
    this.calls = new Counter({
      name: 'connector_zoho_calls_total',
      help: 'Zoho Books API calls by organization and HTTP status',
      labelNames: ['organization', 'status', 'service'],
      registers: [metrics.registry],
    });
  }

  /** Writes Zoho's last quota readings before PostgreSQL closes (at onApplicationShutdown). */
  beforeApplicationShutdown(): Promise<void> {
    return this.limiter.flushQuota();
  }

  /**
   * A client for one connection; `onCall` sees every request/response (for the audit trail).
   * While Zoho has the organization blocked after a 429, a call sleeps through a short block and
   * fails with a TransientError on a longer one, so an event handler settles (nak until the block
   * lifts) instead of holding its slots; a long-running job such as the catalogue import passes
   * a longer `maxBlockedWaitMs` to wait out a per-minute block instead of starting over.
   */
  async forConnection(connectionId: string, onCall?: (record: ZohoCallRecord) => void, options: { maxBlockedWaitMs?: number } = {}): Promise<ZohoBooksClient> {
    const session = await this.session(connectionId);
    const organizationId = session.organizationId;
    const zohoSession: ZohoSession = {
      getAccessToken: async () => {
        const current = await this.session(connectionId);
        return { accessToken: current.accessToken, apiDomain: current.apiDomain };
      },
      invalidate: async (accessToken: string, options?: { freshTokenRefused?: boolean }) => {
        // A request already under way may bring back the refused token: later callers ask anew.
        this.forgetSession(connectionId);
        const reply = await this.rpc.call<Partial<ZohoInvalidateReply>>(RPC.zohoInvalidate, { connectionId, accessToken, ...options } satisfies ZohoInvalidateRequest);
        // So may one started while token-service had not yet heard of the refusal: the caller
        // asks anew after it has, or it would be handed the refused token again.
        this.forgetSession(connectionId);
        // An older token-service answers without `dropped`: the client then retries as it did.
        return typeof reply?.dropped === 'boolean' ? { dropped: reply.dropped } : undefined;
      },
    };
    return new ZohoBooksClient({
      session: zohoSession,
      organizationId,
      allowPrivate: this.allowPrivate,
      // A call waits for one of the organization's slots in this process and a token from its
      // shared budget; a 429 blocks it for every instance for as long as Zoho asked.
      rateLimiter: options.maxBlockedWaitMs === undefined ? this.gate : this.gate.waitingThroughBlocks(options.maxBlockedWaitMs),
      onCall: (record) => {
        this.calls.inc({ organization: organizationId, status: String(record.status), service: this.service });
        onCall?.(record);
      },
    });
  }

  usage(organizationId: string) {
    return this.limiter.usage(organizationId);
  }

  private forgetSession(connectionId: string): void {
    this.sessions.delete(connectionId);
    this.fetching.forget(connectionId);
  }

  private async session(connectionId: string): Promise<ZohoSessionReply> {
    const cached = this.sessions.get(connectionId);
    if (cached && Date.parse(cached.expiresAt) - SESSION_REUSE_MARGIN_MS > Date.now()) return cached;
    // Shared by every caller until it settles, so not bound to the deadline of the one that
    // happened to start it (an RPC about to time out would fail it for the others too).
    return this.fetching.run(connectionId, async (stillCurrent) => {
      const fresh = await outsideCallDeadline(() => this.rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId } satisfies ZohoSessionRequest));
      if (stillCurrent()) this.sessions.set(connectionId, fresh);
      return fresh;
    });
  }
}

