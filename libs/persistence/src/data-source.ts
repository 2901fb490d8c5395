import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Lock id for migrations, so several services booting at once migrate one at a time. */
const MIGRATION_LOCK_ID = 7_340_201;

export interface DataSourceOptions {
  url: string;
  /** Connections in the pool (default 10); the services size theirs with `databasePoolSize`. */
  poolSize?: number;
  applicationName?: string;
}

/**
 * Longest wait for a connection: to open one (an unreachable server otherwise hangs for the
 * operating system's TCP timeout, minutes) and, the same setting in pg's pool, for a free pooled
 * one. Either then fails like any database error (an event is retried, a request answers 503).
 */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Longest statement, enforced by the server. The longest legitimate ones are a token refresh
 * waiting on `pg_advisory_xact_lock` while another instance's refresh makes its HTTP call (30 s at
 * most) and the migrations, whose session lifts the limit (runMigrations). No client-side
 * query_timeout: it could not be lifted for the migrations; TCP keepalive notices a vanished server.
 */
const STATEMENT_TIMEOUT_MS = 60_000;
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'connector',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    },
  });
}

/**
 * Runs pending migrations under a PostgreSQL advisory lock (safe with many instances booting), on
 * the session holding the lock, without the statement timeout: waiting for another instance's
 * migrations and a migration rewriting a large table may both take long.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}

/** The migrations this version has that the database has not applied yet (read only). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  return (await new MigrationExecutor(dataSource).getPendingMigrations()).map((m) => m.name);
}

/**
 * Creates the database named in `url` when it does not exist yet, so `npm start` works on a
 * fresh machine with nothing but a running PostgreSQL. The database itself is tried first: only
 * when it is missing is the `postgres` maintenance database used, which PgBouncer or a pg_hba.conf
 * admitting the application to its own database alone may refuse.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const probe = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await probe.connect();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    // Two processes racing to create the same database: the loser sees duplicate_database.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

/** PostgreSQL's "database does not exist". */
const INVALID_CATALOG_NAME = '3D000';

export async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
