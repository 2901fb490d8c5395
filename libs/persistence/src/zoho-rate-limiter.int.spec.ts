import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, dropDatabase, ensureDatabase, runMigrations } from './data-source';
import { TransientError } from '@connector/common';
import { ZohoRateLimiter } from './zoho-rate-limiter';

// (libs/testing builds on this lib, so the database helper is inlined here.)
let url: string;
const sources: DataSource[] = [];

async function openInstance(): Promise<DataSource> {
  const ds = createDataSource({ url, poolSize: 10 });
  await ds.initialize();
  sources.push(ds);
  return ds;
}

before(async () => {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/connector_test_rl_${randomBytes(4).toString('hex')}`;
  url = base.toString();
  await ensureDatabase(url);
  await runMigrations(await openInstance());
});

after(async () => {
  for (const ds of sources) await ds.destroy();
  await dropDatabase(url);
});

test('two instances sharing one organization never exceed the per-minute budget', async () => {
  // 600/min with a burst of 5 refills 9.9 tokens/s: 45 calls need at least (45 - 5) / 9.9 ≈ 4 s.
  const settings = { perMinute: 600, burst: 5 };
  const a = new ZohoRateLimiter(await openInstance(), settings);
  const b = new ZohoRateLimiter(await openInstance(), settings);
  const started = Date.now();
  const stamps: number[] = [];
  await Promise.all(
    Array.from({ length: 45 }, (_, i) => (i % 2 ? a : b).acquire('org-1').then(() => stamps.push(Date.now() - started))),
  );
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 3_800, `45 calls took only ${elapsed} ms`);
  // In any one-second window at most burst + refill (≈ 15) calls went out.
  stamps.sort((x, y) => x - y);
  for (let i = 0; i < stamps.length; i++) {
    const inWindow = stamps.filter((t) => t >= stamps[i] && t < stamps[i] + 1000).length;
    assert.ok(inWindow <= 16, `${inWindow} calls within one second`);
  }
  const usage = await a.usage('org-1');
  assert.equal(usage.callsToday, 45);
});

test('organizations have independent budgets', async () => {
  const limiter = new ZohoRateLimiter(await openInstance(), { perMinute: 60, burst: 3 });
  const started = Date.now();
  await Promise.all(['x', 'y', 'z'].flatMap((org) => [1, 2, 3].map(() => limiter.acquire(`org-${org}`))));
  assert.ok(Date.now() - started < 1_000, 'each organization spent only its own burst');
});

test('a 429 blocks the organization until Retry-After has passed', async () => {
  const limiter = new ZohoRateLimiter(await openInstance(), { perMinute: 6000, burst: 50 });
  await limiter.acquire('org-blocked');
  await limiter.block('org-blocked', 1_200);
  const started = Date.now();
  await limiter.acquire('org-blocked');
  assert.ok(Date.now() - started >= 1_100, 'waited for the block to lift');
  assert.equal((await limiter.usage('org-blocked')).rejectedToday, 1);
});

test('a block longer than a caller may wait fails at once with the rest of the block as retryAfterMs', async () => {
  const limiter = new ZohoRateLimiter(await openInstance(), { perMinute: 6000, burst: 50, maxBlockedWaitMs: 1_000 });
  await limiter.acquire('org-long-block');
  await limiter.block('org-long-block', 30_000);
  const started = Date.now();
  const error = await limiter.acquire('org-long-block').then(
    () => assert.fail('acquired a token while the organization is blocked'),
    (failure: unknown) => failure,
  );
  assert.ok(Date.now() - started < 1_000, 'did not sleep through the block');
  assert.ok(error instanceof TransientError, `a retryable error, got ${String(error)}`);
  assert.equal(error.code, 'rate_limited');
  assert.ok(error.retryAfterMs! > 28_000 && error.retryAfterMs! <= 30_000, `retryAfterMs ${error.retryAfterMs}`);
  assert.match(error.message, /org-long-block.*resume in 30 s/);
  // A caller that may wait longer (the catalogue import) still sleeps through a short block.
  await limiter.block('org-short-block', 0);
  const patient = new ZohoRateLimiter(await openInstance(), { perMinute: 6000, burst: 50, maxBlockedWaitMs: 1_000 });
  await patient.acquire('org-short-block');
  await patient.block('org-short-block', 1_500);
  const waited = Date.now();
  await patient.acquire('org-short-block', { maxBlockedWaitMs: 5_000 });
  assert.ok(Date.now() - waited >= 1_400, 'waited out the block it may wait for');
  const calls = (await limiter.usage('org-long-block')).callsToday;
  assert.equal(calls, 1, 'the refused caller spent no token');
});
