import { DataSource } from 'typeorm';
import { Semaphore } from '@connector/common';
import { withAdvisoryLock } from './advisory-lock';

/**
 * One worker at a time per key, across instances (`withAdvisoryLock`: polled for up to `waitMs`,
 * then a TransientError) and cheaply within one: callers for the same key queue in memory, and
 * only `concurrency` of them hold a database connection at once. Without the in-memory queue,
 * twenty requests for one new SKU or email would each hold a pooled connection while polling the
 * lock, starving the one worker that holds it of connections for its own queries.
 */
export class KeyedAdvisoryLocks {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly slots: Semaphore;
  private readonly waitMs: number;

  constructor(
    private readonly dataSource: DataSource,
    options: { concurrency: number; waitMs: number },
  ) {
    this.slots = new Semaphore(options.concurrency);
    this.waitMs = options.waitMs;
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
      return await withAdvisoryLock(this.dataSource, key, work, { waitMs: this.waitMs });
    } finally {
      this.slots.release();
    }
  }
}
