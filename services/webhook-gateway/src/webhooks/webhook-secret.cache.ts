import { Injectable } from '@nestjs/common';
import { SingleFlight } from '@connector/common';
import { ConnectionStore } from '@connector/persistence';

/** The secrets a delivery of one connection may be signed with. */
export interface WebhookSecrets {
  current: string;
  /** The secret before the last rotation, during its grace period (see ConnectionStore.rotateWebhookSecret). */
  previous?: { secret: string; until: number };
}

interface Entry {
  secrets: WebhookSecrets | null;
  expiresAt: number;
}

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
  private readonly ttlMs = 10_000;

  constructor(private readonly connections: ConnectionStore) {}

  /** The connection's webhook secrets, or null when no such connection exists (a cached one without a promise). */
  secretsFor(connectionId: string): Promise<WebhookSecrets | null> | WebhookSecrets | null {
    const cached = this.entries.get(connectionId);
    if (cached && cached.expiresAt > Date.now()) return cached.secrets;
    return this.lookups.run(connectionId, () => this.lookUp(connectionId));
  }

  private async lookUp(connectionId: string): Promise<WebhookSecrets | null> {
    const connection = await this.connections.find(connectionId);
    let secrets: WebhookSecrets | null = null;
    if (connection) {
      const previous = this.connections.previousWebhookSecret(connection);
      secrets = { current: this.connections.webhookSecret(connection), ...(previous ? { previous: { secret: previous.secret, until: previous.until.getTime() } } : {}) };
    }
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(connectionId, { secrets, expiresAt: Date.now() + this.ttlMs });
    return secrets;
  }
}
