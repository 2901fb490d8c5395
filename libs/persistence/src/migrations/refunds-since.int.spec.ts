import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { openScratchDatabase } from '../test-support/scratch-database';

/*
 * The refunds-since migration: connections that existed before refunds were booked as credit
 * notes book only the refunds made from then on; a value already set is kept.
 */
let db: { dataSource: DataSource; drop(): Promise<void> };

before(async () => {
  db = await openScratchDatabase('refunds_since');
});

after(async () => {
  await db?.drop();
});

async function insertConnection(name: string, settings: Record<string, unknown>): Promise<string> {
  const [row] = await db.dataSource.query(
    `INSERT INTO connections (name, store_url, woo_credentials, webhook_secret, zoho_accounts_url, zoho_credentials, settings)
     VALUES ($1, 'https://shop.example', 'x', 'x', 'https://accounts.zoho.eu', 'x', $2::jsonb) RETURNING id`,
    [name, JSON.stringify(settings)],
  );
  return row.id;
}

/** Undoes migrations, newest first, up to and including `name` (later ones are undone first). */
async function undoThrough(name: string): Promise<void> {
  for (;;) {
    const [last] = await db.dataSource.query(`SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1`);
    await db.dataSource.undoLastMigration({ transaction: 'each' });
    if (last.name === name) return;
  }
}

const refundsSince = async (id: string): Promise<string | undefined> =>
  (await db.dataSource.query(`SELECT settings->>'refundsSince' AS since FROM connections WHERE id = $1`, [id]))[0].since ?? undefined;

test('existing connections get refundsSince = the moment of the upgrade; one already set is kept; down removes it', async () => {
  // Back to before the migration, with two connections made meanwhile.
  await undoThrough('RefundsSince1764800000000');
  const plain = await insertConnection('before refunds', { storeTimeZone: 'Europe/Berlin' });
  const chosen = await insertConnection('owner chose', { refundsSince: '2026-01-01T00:00:00' });
  const [{ now }] = await db.dataSource.query(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') AS now`);
  await db.dataSource.runMigrations({ transaction: 'each' });

  const since = await refundsSince(plain);
  assert.match(since ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.ok(since! >= now, `${since} is the upgrade's moment (not before ${now})`);
  assert.equal(await refundsSince(chosen), '2026-01-01T00:00:00');
  const [{ tz }] = await db.dataSource.query(`SELECT settings->>'storeTimeZone' AS tz FROM connections WHERE id = $1`, [plain]);
  assert.equal(tz, 'Europe/Berlin', 'the other settings are kept');

  await undoThrough('RefundsSince1764800000000');
  assert.equal(await refundsSince(plain), undefined);
  await db.dataSource.runMigrations({ transaction: 'each' });
});
