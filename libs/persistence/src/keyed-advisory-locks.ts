import { DataSource } from 'typeorm';
import { callerGaveUp, msUntilCallDeadline, Semaphore, throwIfCallerGaveUp } from '@connector/common';
import { withAdvisoryLock } from './advisory-lock';

/**
 * One worker at a time per key, across instances (`withAdvisoryLock`: polled for up to `waitMs`,
 * then a TransientError) and cheaply within one: callers for the same key queue in memory, and
 * only `concurrency` of them hold a database connection at once. Without the in-memory queue,
 * twenty requests for one new SKU or email would each hold a pooled connection while polling the
 * lock, starving the one worker that holds it of connections for its own queries.
 *
 * A caller with a call deadline (an RPC whose requester stops waiting, see `withCallDeadline`)
 * waits in the queue only until then and is dropped with a TransientError: after an outage the
 * requesters time out and ask again, and serving every abandoned request first would keep each
 * new one waiting past its own timeout, so the queue would never catch up.
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
    const run = this.afterTurn(key, previous).then(() => this.locked(key, work));
    // The next caller waits for this one and for everything queued before it: one that gave up
    // early must not let the next start beside the work still running.
    const tail = Promise.all([previous, run.catch(() => undefined)]);
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Resolves when everything queued before for `key` has finished, or throws once the caller gave up. */
  private async afterTurn(key: string, previous: Promise<unknown>): Promise<void> {
    const left = msUntilCallDeadline();
    if (left === undefined) {
      await previous;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'gave-up'>((resolve) => {
      timer = setTimeout(() => resolve('gave-up'), Math.max(0, left));
    });
    try {
      if ((await Promise.race([previous.then(() => 'turn' as const), gaveUp])) === 'gave-up') throw callerGaveUp(`waiting behind earlier work on ${key}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const left = msUntilCallDeadline();
    if (left === undefined) await this.slots.acquire();
    else if (!(await this.slots.acquireWithin(left))) throw callerGaveUp(`waiting for a free slot for ${key}`);
    try {
      throwIfCallerGaveUp(`waiting for ${key}`);
      // Polling the database lock stops with the caller's patience too.
      const waitMs = Math.min(this.waitMs, msUntilCallDeadline() ?? this.waitMs);
      return await withAdvisoryLock(this.dataSource, key, work, { waitMs });
    } finally {
      this.slots.release();
    }
  }
}
