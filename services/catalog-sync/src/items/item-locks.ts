import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Semaphore } from '@connector/common';
import { withAdvisoryLock } from '@connector/persistence';
import type { CatalogSyncConfig } from '../catalog-sync.config';
import { CATALOG_SYNC_CONFIG } from './tokens';

/**
 * Mutual exclusion for item resolution, across instances (PostgreSQL advisory lock per key) and
 * cheaply within one (callers for the same key queue in memory, and only a bounded number hold
 * a database connection at once). Without the in-memory queue, twenty requests for one new SKU
 * would each hold a pooled connection while polling the lock, starving the one worker that holds
 * it of connections for its own queries.
 */
@Injectable()
export class ItemLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly slots: Semaphore;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CATALOG_SYNC_CONFIG) private readonly config: CatalogSyncConfig,
  ) {
    this.slots = new Semaphore(config.ITEM_RESOLVE_CONCURRENCY);
  }

  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
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
      return await withAdvisoryLock(this.dataSource, key, work, { waitMs: this.config.ITEM_LOCK_WAIT_MS });
    } finally {
      this.slots.release();
    }
  }
}
