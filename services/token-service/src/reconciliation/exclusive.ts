import { DataSource } from 'typeorm';
import { TransientError } from '@connector/common';
import { withAdvisoryLock } from '@connector/persistence';

export type ExclusiveResult<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `work` only if no other instance holds `key` (a PostgreSQL advisory lock, the same keying
 * as the sync services use), waiting at most `waitMs`. "Busy" is an answer, not an error, so a
 * failure inside `work` is never mistaken for it.
 */
export async function runExclusive<T>(dataSource: DataSource, key: string, work: () => Promise<T>, waitMs = 0): Promise<ExclusiveResult<T>> {
  let started = false;
  try {
    const value = await withAdvisoryLock(
      dataSource,
      key,
      () => {
        started = true;
        return work();
      },
      { waitMs },
    );
    return { ran: true, value };
  } catch (error) {
    if (!started && error instanceof TransientError) return { ran: false };
    throw error;
  }
}
