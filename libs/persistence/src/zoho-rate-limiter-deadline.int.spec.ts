import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TransientError, withCallDeadline } from '@connector/common';
import { createDataSource, dropDatabase, ensureDatabase, runMigrations } from './data-source';
import { ZohoRateLimiter } from './zoho-rate-limiter';

// (libs/testing builds on this lib, so the database helper is inlined here.)
let url: string;
let ds: DataSource;

before(async () => {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/connector_test_rld_${randomBytes(4).toString('hex')}`;
  url = base.toString();
  await ensureDatabase(url);
  ds = createDataSource({ url, poolSize: 4 });
  await ds.initialize();
  await runMigrations(ds);
});

after(async () => {
  await ds?.destroy();
  await dropDatabase(url);
});

const gaveUp = (error: unknown) => error instanceof TransientError && error.code === 'caller_gave_up';

async function callsToday(limiter: ZohoRateLimiter, key: string): Promise<number> {
  return (await limiter.usage(key)).callsToday;
}

test('a caller whose deadline passed takes no token', async () => {
  const limiter = new ZohoRateLimiter(ds, { perMinute: 100, burst: 5 });
  await limiter.acquire('org-late');
  await assert.rejects(withCallDeadline(Date.now() - 1, () => limiter.acquire('org-late')), gaveUp);
  assert.equal(await callsToday(limiter, 'org-late'), 1, 'only the call in time took a token');
});

test('a caller gives up at once when the budget refills only after its deadline, instead of sleeping past it', async () => {
  // Two a minute with a burst of 1 refills one token a minute: the second call would wait ~60 s.
  const limiter = new ZohoRateLimiter(ds, { perMinute: 2, burst: 1 });
  await limiter.acquire('org-slow');
  const started = Date.now();
  await assert.rejects(withCallDeadline(Date.now() + 2_000, () => limiter.acquire('org-slow')), gaveUp);
  assert.ok(Date.now() - started < 1_500, 'did not sleep until its deadline');
  assert.equal(await callsToday(limiter, 'org-slow'), 1);
});

test('a blocked organization still answers with the rest of its block, which the event waits out', async () => {
  const limiter = new ZohoRateLimiter(ds, { perMinute: 100, burst: 5, maxBlockedWaitMs: 10_000 });
  await limiter.acquire('org-blocked');
  await limiter.block('org-blocked', 13 * 60 * 60_000);
  await assert.rejects(
    withCallDeadline(Date.now() + 30_000, () => limiter.acquire('org-blocked')),
    (error: unknown) => error instanceof TransientError && error.code === 'rate_limited' && (error.retryAfterMs ?? 0) > 12 * 60 * 60_000,
  );
});
