import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabase, runMigrations } from '@connector/persistence';

export interface TestDatabase {
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated PostgreSQL database for one test file, on the server named by DATABASE_URL.
 * PostgreSQL keeps data between runs, so every test gets its own uniquely named database and
 * drops it afterwards. `serverUrl` names another server (a private one a test starts and stops).
 */
export async function createTestDatabase(prefix = 'connector_test', serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'): Promise<TestDatabase> {
  const url = new URL(serverUrl);
  url.pathname = `/${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await ensureDatabase(url.toString());
  const dataSource = createDataSource({ url: url.toString(), poolSize: 5, applicationName: 'connector-test' });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    url: url.toString(),
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await dropDatabase(url.toString());
    },
  };
}
