import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Semaphore } from '@connector/common';
import { PLATFORM_CONFIG } from '@connector/platform';
import { withAdvisoryLock } from '@connector/persistence';
import type { CustomerSyncConfig } from '../customer-sync.config';

/**
 * One worker at a time per (connection, email), across instances (PostgreSQL advisory lock,
 * `pg_try_advisory_lock` polled briefly, then a TransientError) and cheaply within one (callers
 * for the same email queue in memory, and only a bounded number hold a database connection at
 * once). Without the in-memory queue, twenty ensure-contact calls for one new email would each
 * hold a pooled connection while polling, starving the holder of connections for its own queries.
 */
@Injectable()
export class ContactLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly slots: Semaphore;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) private readonly config: CustomerSyncConfig,
  ) {
    this.slots = new Semaphore(config.CONTACT_RESOLVE_CONCURRENCY);
  }

  withEmailLock<T>(connectionId: string, email: string, work: () => Promise<T>): Promise<T> {
    return this.serialize(`contact:${connectionId}:${email}`, work);
  }

  private async serialize<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.locked(key, work));
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  private async locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.slots.acquire();
    try {
      return await withAdvisoryLock(this.dataSource, key, work, { waitMs: this.config.CONTACT_LOCK_WAIT_MS });
    } finally {
      this.slots.release();
    }
  }
}
