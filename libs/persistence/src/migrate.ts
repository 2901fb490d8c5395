#!/usr/bin/env node
/**
 * `node libs/persistence/dist/migrate.js`: applies pending migrations and exits. Used by the Helm
 * pre-install/pre-upgrade Job and the compose `migrate` service, so services can boot with
 * MIGRATIONS_RUN=false.
 */
import 'reflect-metadata';
import { createDataSource, ensureDatabase, runMigrations } from './data-source';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  await ensureDatabase(url);
  const dataSource = createDataSource({ url, applicationName: 'connector-migrate' });
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(`migration failed: ${(error as Error).message}`);
  process.exit(1);
});
