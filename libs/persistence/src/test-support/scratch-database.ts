import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabase, runMigrations } from '../data-source';

/**
 * A new, migrated database for one test file of this lib (libs/testing builds on this lib, so its
 * helpers are out of reach here); `openInstance` opens one more pool on it (another instance of a
 * service), and `drop` closes them all and removes it.
 */
export async function openScratchDatabase(
  tag: string, poolSize = 3,
): Promise<{ dataSource: DataSource; openInstance(poolSize?: number): Promise<DataSource>; drop(): Promise<void> }> {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/connector_test_${tag}_${randomBytes(4).toString('hex')}`;
  const url = base.toString();
  await ensureDatabase(url);
  const sources: DataSource[] = [];
  const openInstance = async (size = poolSize): Promise<DataSource> => {
    const source = createDataSource({ url, poolSize: size });
    await source.initialize();
    sources.push(source);
    return source;
  };
  const dataSource = await openInstance();
  await runMigrations(dataSource);
  return {
    dataSource,
    openInstance,
    async drop() {
      for (const source of sources) await source.destroy();
      await dropDatabase(url);
    },
  };
}
