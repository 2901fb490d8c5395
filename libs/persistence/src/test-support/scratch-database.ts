import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabase, runMigrations } from '../data-source';

/**
 * A new, migrated database for one test file of this lib (libs/testing builds on this lib, so its
 * helpers are out of reach here); `drop` closes it and removes it.
 */
export async function openScratchDatabase(tag: string, poolSize = 3): Promise<{ dataSource: DataSource; drop(): Promise<void> }> {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/connector_test_${tag}_${randomBytes(4).toString('hex')}`;
  const url = base.toString();
  await ensureDatabase(url);
  const dataSource = createDataSource({ url, poolSize });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    dataSource,
    async drop() {
      await dataSource.destroy();
      await dropDatabase(url);
    },
  };
}
