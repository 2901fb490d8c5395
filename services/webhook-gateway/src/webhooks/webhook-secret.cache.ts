import { Injectable } from '@nestjs/common';
import { SingleFlight } from '@connector/common';
import { ConnectionStore } from '@connector/persistence';

interface Entry {
  secret: string | null;
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
  private readonly lookups = new SingleFlight<string | null>();
  private readonly ttlMs = 10_000;

  constructor(private readonly connections: ConnectionStore) {}

  /** The connection's webhook secret, or null when no such connection exists (a cached one without a promise). */
  secretFor(connectionId: string): Promise<string | null> | string | null {
    const cached = this.entries.get(connectionId);
    if (cached && cached.expiresAt > Date.now()) return cached.secret;
    return this.lookups.run(connectionId, () => this.lookUp(connectionId));
  }

  private async lookUp(connectionId: string): Promise<string | null> {
    const connection = await this.connections.find(connectionId);
    const secret = connection ? this.connections.webhookSecret(connection) : null;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(connectionId, { secret, expiresAt: Date.now() + this.ttlMs });
    return secret;
  }
}
