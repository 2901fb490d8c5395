import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { PrivatePostgres, startPrivatePostgres } from '@connector/testing';
import { gatewayFixture } from './gateway.fixture';
import { startGateway } from './main';

/**
 * Boot against a PostgreSQL that admits the application to its own database only (as behind
 * PgBouncer, or with pg_hba.conf naming that database): a server of the test's own, so its
 * `postgres` database can be closed to the application role.
 */
describe('webhook-gateway booting on a PostgreSQL that admits it to its own database only', () => {
  let postgres: PrivatePostgres;
  let fx: Awaited<ReturnType<typeof gatewayFixture>>;
  const appUrl = (database: string) => {
    const url = new URL(postgres.url);
    url.username = 'connector_app';
    url.pathname = `/${database}`;
    return url.toString();
  };

  before(async () => {
    postgres = await startPrivatePostgres();
    fx = await gatewayFixture(undefined, postgres.url);
    const admin = new Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await admin.query('CREATE ROLE connector_app LOGIN');
      await admin.query('REVOKE CONNECT ON DATABASE postgres FROM PUBLIC');
      await admin.query('CREATE DATABASE connector_app OWNER connector_app');
      await admin.query('CREATE DATABASE connector_unmigrated OWNER connector_app');
    } finally {
      await admin.end();
    }
  });

  after(async () => {
    await fx?.topo.destroy();
    await fx?.db.dataSource.destroy().catch(() => undefined);
    await postgres?.stop();
  });

  async function boots(env: Record<string, string>): Promise<void> {
    let app: INestApplication | undefined;
    try {
      app = await startGateway({ ...fx.env, ...env });
      const address = app.getHttpServer().address() as { port: number };
      assert.equal((await fetch(`http://127.0.0.1:${address.port}/health/ready`)).status, 200);
    } finally {
      await app?.close();
    }
  }

  test('the maintenance database is closed to the application role', async () => {
    const client = new Client({ connectionString: appUrl('postgres') });
    await assert.rejects(client.connect(), /permission denied for database "postgres"/);
    await client.end().catch(() => undefined);
  });

  test('boots and migrates its own database without touching the maintenance one', async () => {
    await boots({ DATABASE_URL: appUrl('connector_app'), MIGRATIONS_RUN: 'true' });
  });

  test('with MIGRATIONS_RUN=false it boots on a migrated database', async () => {
    await boots({ DATABASE_URL: appUrl('connector_app'), MIGRATIONS_RUN: 'false' });
  });

  test('with MIGRATIONS_RUN=false it refuses to boot on a database whose schema is behind, saying so', async () => {
    await assert.rejects(
      startGateway({ ...fx.env, DATABASE_URL: appUrl('connector_unmigrated'), MIGRATIONS_RUN: 'false' }),
      /database schema is behind this version: \d+ migration\(s\) not applied \(Platform1764000000000, .*\)\. Run them first/,
    );
  });
});
