import { Injectable } from '@nestjs/common';
import { ConnectionStore } from '@connector/persistence';

interface Entry {
  secret: string | null;
  expiresAt: number;
}

/**
 * Webhook secrets by connection, cached briefly: a busy store must not cost a database round
 * trip and a decryption per delivery, and a deleted or re-keyed connection takes effect within
 * seconds. Unknown connections are cached too, so junk traffic cannot hammer PostgreSQL.
 */
@Injectable()
export class WebhookSecretCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs = 10_000;

  constructor(private readonly connections: ConnectionStore) {}

  /** The connection's webhook secret, or null when no such connection exists. */
  async secretFor(connectionId: string): Promise<string | null> {
    const now = Date.now();
    const cached = this.entries.get(connectionId);
    if (cached && cached.expiresAt > now) return cached.secret;
    const connection = await this.connections.find(connectionId);
    const secret = connection ? this.connections.webhookSecret(connection) : null;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(connectionId, { secret, expiresAt: now + this.ttlMs });
    return secret;
  }
}
