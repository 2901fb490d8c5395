import { Inject, Injectable } from '@nestjs/common';
import { describeError, Logger, SingleFlight } from '@connector/common';
import { ConnectionStore } from '@connector/persistence';
import { LOGGER } from '@connector/platform';

/** The secrets a delivery of one connection may be signed with. */
export interface WebhookSecrets {
  current: string;
  /** The secret before the last rotation, during its grace period (see ConnectionStore.rotateWebhookSecret). */
  previous?: { secret: string; until: number };
}

interface Entry {
  secrets: WebhookSecrets | null;
  /** When the read of these secrets from PostgreSQL started. */
  loadedAt: number;
  expiresAt: number;
}

/** How long secrets are served without asking PostgreSQL again. */
const TTL_MS = 10_000;
/**
 * How old cached secrets may be and still be served while PostgreSQL is unreachable. WooCommerce
 * never retries a delivery and disables a webhook after enough failures, so a database blip must
 * not turn into 503s; but a connection deleted, or a leaked secret rotated without grace, just
 * before the outage must not stay usable for its whole length, hence a bound.
 */
const MAX_STALE_MS = 10 * 60_000;
/** While serving stale secrets, how long before PostgreSQL is tried again (not once per delivery). */
const STALE_RETRY_MS = 1_000;
/** At most one reload forced by a signature mismatch per connection in this interval. */
const FORCED_RELOAD_INTERVAL_MS = 1_000;

/**
 * Webhook secrets by connection, cached briefly: a busy store must not cost a database round
 * trip and a decryption per delivery, and a deleted or re-keyed connection takes effect within
 * seconds. Unknown connections are cached too, so junk traffic cannot hammer PostgreSQL.
 *
 * One lookup per connection at a time: when an entry expires under load, every delivery that
 * arrives before the lookup returns waits for that same lookup. (Each used to start its own, so
 * a store sending thousands of deliveries a second queued a burst of queries and decryptions on
 * the gateway's thread every ten seconds.)
 */
@Injectable()
export class WebhookSecretCache {
  private readonly entries = new Map<string, Entry>();
  private readonly lookups = new SingleFlight<WebhookSecrets | null>();
  private readonly reloads = new SingleFlight<WebhookSecrets | null | undefined>();
  /** When the last forced reload of each connection started. */
  private readonly reloadedAt = new Map<string, number>();

  constructor(
    private readonly connections: ConnectionStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The connection's webhook secrets, or null when no such connection exists (a cached one
   * without a promise). While PostgreSQL is unreachable, the last secrets read (up to 10 minutes
   * old) rather than a failure.
   */
  secretsFor(connectionId: string): Promise<WebhookSecrets | null> | WebhookSecrets | null {
    const cached = this.entries.get(connectionId);
    if (cached && cached.expiresAt > Date.now()) return cached.secrets;
    return this.lookups.run(connectionId, () => this.lookUpOrStale(connectionId));
  }

  /**
   * The connection's secrets read again from PostgreSQL, for a delivery whose signature matched
   * none of the cached ones: the secret may have been rotated since they were read, and
   * WooCommerce never sends that delivery again. Deliveries failing together share one read, and
   * a connection is re-read at most once a second (undefined: not re-read), so a flood of bad
   * signatures cannot become a flood of queries and decryptions.
   */
  reloaded(connectionId: string): Promise<WebhookSecrets | null | undefined> {
    return this.reloads.run(connectionId, async () => {
      const now = Date.now();
      if (now - (this.reloadedAt.get(connectionId) ?? -Infinity) < FORCED_RELOAD_INTERVAL_MS) return undefined;
      if (this.reloadedAt.size > 10_000) this.reloadedAt.clear();
      this.reloadedAt.set(connectionId, now);
      return this.lookUp(connectionId);
    });
  }

  private async lookUpOrStale(connectionId: string): Promise<WebhookSecrets | null> {
    try {
      return await this.lookUp(connectionId);
    } catch (error) {
      const stale = this.entries.get(connectionId);
      if (!stale || Date.now() - stale.loadedAt > MAX_STALE_MS) throw error;
      stale.expiresAt = Date.now() + STALE_RETRY_MS;
      this.logger.warn(
        { connectionId, ageSeconds: Math.round((Date.now() - stale.loadedAt) / 1000), err: describeError(error) },
        'connection lookup failed; serving the webhook secrets read before',
      );
      return stale.secrets;
    }
  }

  private async lookUp(connectionId: string): Promise<WebhookSecrets | null> {
    const loadedAt = Date.now();
    const connection = await this.connections.find(connectionId);
    let secrets: WebhookSecrets | null = null;
    if (connection) {
      const previous = this.connections.previousWebhookSecret(connection);
      secrets = { current: this.connections.webhookSecret(connection), ...(previous ? { previous: { secret: previous.secret, until: previous.until.getTime() } } : {}) };
    }
    if (this.entries.size > 10_000) this.entries.clear();
    // A forced reload may overtake a lookup started before it: the older read must not replace it.
    const newer = this.entries.get(connectionId);
    if (!newer || newer.loadedAt <= loadedAt) this.entries.set(connectionId, { secrets, loadedAt, expiresAt: Date.now() + TTL_MS });
    return secrets;
  }
}
