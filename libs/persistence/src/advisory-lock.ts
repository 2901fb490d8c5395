import { DataSource } from 'typeorm';
import { sleep, TransientError } from '@connector/common';

/**
 * Runs `work` while holding a PostgreSQL session advisory lock on `key`, across every instance of
 * every service. Used where two workers must never act on the same thing at once (one order's
 * invoice, one email's contact, one SKU's item). Busy locks are polled briefly; after that the
 * caller gets a TransientError so the event is retried later instead of blocking a worker.
 */
export async function withAdvisoryLock<T>(
  dataSource: DataSource,
  key: string,
  work: () => Promise<T>,
  options: { waitMs?: number } = {},
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  try {
    for (let delay = 10; ; delay = Math.min(delay * 2, 250)) {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key]);
      if (locked) break;
      if (Date.now() > deadline) throw new TransientError(`${key} is busy in another worker`, { retryAfterMs: 1_000 });
      await sleep(delay);
    }
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}
