import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { sleep, TransientError } from '@connector/common';
import { openScratchDatabase } from './test-support/scratch-database';
import { ZohoRateLimiter } from './zoho-rate-limiter';

// How blocks after a 429 behave: how long they last when refusals straggle in, what the bucket
// holds when they end, and what a database clock set back does to them.
let db: Awaited<ReturnType<typeof openScratchDatabase>>;
let ds: DataSource;

before(async () => {
  db = await openScratchDatabase('rlb', 10);
  ds = db.dataSource;
});

after(async () => {
  await db?.drop();
});

const openInstance = () => db.openInstance();

/** The rest of the organization's block on the database's clock, in ms (0 when none). */
async function blockLeftMs(limiter: ZohoRateLimiter, key: string): Promise<number> {
  const usage = await limiter.usage(key);
  return usage.blockedUntil ? Math.max(0, usage.blockedUntil.getTime() - usage.now.getTime()) : 0;
}

/** As if the database's clock had been set back by `ms` since the row was last written. */
async function setClockBack(key: string, ms: number): Promise<void> {
  await ds.query(
    `UPDATE zoho_rate_limits SET refilled_at = refilled_at + $2 * interval '1 millisecond',
            blocked_until = blocked_until + $2 * interval '1 millisecond' WHERE organization_key = $1`,
    [key, ms],
  );
}

test('refusals of calls sent before the block, arriving while it is in force, do not push it further', async () => {
  const limiter = new ZohoRateLimiter(ds, { perMinute: 6000, burst: 50, maxBlockedWaitMs: 0 });
  await limiter.acquire('org-crowd');
  await limiter.block('org-crowd', 3_000);
  await sleep(1_000);
  // Two more 429s of the same crowd, a second late: the block still ends 3 s after it began.
  await limiter.block('org-crowd', 3_000);
  await limiter.block('org-crowd', 3_000);
  const left = await blockLeftMs(limiter, 'org-crowd');
  assert.ok(left > 1_500 && left <= 2_050, `the block has ${left} ms left, not 3 s from the latest refusal`);
  assert.equal((await limiter.usage('org-crowd')).rejectedToday, 3, 'every refusal is still counted');
});

test('a longer block (the daily quota) arriving during a short one extends it', async () => {
  const limiter = new ZohoRateLimiter(ds, { perMinute: 6000, burst: 50, maxBlockedWaitMs: 0 });
  await limiter.acquire('org-daily');
  await limiter.block('org-daily', 2_000);
  await limiter.block('org-daily', 5 * 60 * 60_000);
  const left = await blockLeftMs(limiter, 'org-daily');
  assert.ok(left > 5 * 60 * 60_000 - 5_000, `blocked for ${left} ms more`);
  await assert.rejects(limiter.acquire('org-daily'), (error: unknown) => error instanceof TransientError && error.code === 'rate_limited');
});

test('a 429 after the block ended starts a new one from now', async () => {
  const limiter = new ZohoRateLimiter(ds, { perMinute: 6000, burst: 50, maxBlockedWaitMs: 5_000 });
  await limiter.acquire('org-again');
  await limiter.block('org-again', 300);
  await sleep(400);
  await limiter.acquire('org-again');
  await limiter.block('org-again', 1_500);
  const left = await blockLeftMs(limiter, 'org-again');
  assert.ok(left > 1_300 && left <= 1_500, `the new block has ${left} ms left`);
});

test('no tokens pile up while blocked: calls resume at the refill rate, not in a burst', async () => {
  // 600 a minute with a burst of 20 refills about 10 tokens/s; a 2.5 s block would have filled
  // the bucket. Resuming from an empty one, 10 calls take about a second.
  const limiter = new ZohoRateLimiter(ds, { perMinute: 600, burst: 20, maxBlockedWaitMs: 5_000 });
  await limiter.acquire('org-resume');
  await limiter.block('org-resume', 2_500);
  await sleep(2_600);
  const started = Date.now();
  for (let i = 0; i < 10; i++) await limiter.acquire('org-resume');
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 800, `10 calls went out within ${elapsed} ms of the block's end`);
  // Without a block, the bucket refills as before: a quiet 2.2 s gives a full burst.
  await sleep(2_200);
  const quiet = Date.now();
  for (let i = 0; i < 10; i++) await limiter.acquire('org-resume');
  assert.ok(Date.now() - quiet < 700, `a quiet period refills the burst (10 calls took ${Date.now() - quiet} ms)`);
});

test('a block set while callers wait for tokens holds them all back until it ends', async () => {
  // 600 a minute with a burst of 1: about one token every 0.1 s, so callers are waiting when it comes.
  const a = new ZohoRateLimiter(await openInstance(), { perMinute: 600, burst: 1, maxBlockedWaitMs: 5_000 });
  const b = new ZohoRateLimiter(await openInstance(), { perMinute: 600, burst: 1, maxBlockedWaitMs: 5_000 });
  await a.acquire('org-race');
  const taken: number[] = [];
  const callers = Array.from({ length: 8 }, () => b.acquire('org-race').then(() => taken.push(Date.now())));
  await sleep(150);
  await a.block('org-race', 1_500);
  const blockedAt = Date.now();
  await Promise.all(callers);
  const during = taken.filter((t) => t > blockedAt && t < blockedAt + 1_400);
  assert.deepEqual(during, [], 'no token was handed out during the block');
  assert.ok(taken.some((t) => t >= blockedAt + 1_400), 'the callers went on after it');
});

// (A limiter that stalls would stall here for the hour: the timeout fails it instead.)
test('a database clock set back does not stop the calls for as long as it was set back', { timeout: 20_000 }, async () => {
  const limiter = new ZohoRateLimiter(ds, { perMinute: 600, burst: 2, maxBlockedWaitMs: 5_000 });
  await limiter.acquire('org-clock');
  await limiter.acquire('org-clock');
  await setClockBack('org-clock', 60 * 60_000);
  const started = Date.now();
  await limiter.acquire('org-clock');
  await limiter.acquire('org-clock');
  assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms with the clock an hour back`);

  await limiter.block('org-clock', 1_500);
  await setClockBack('org-clock', 60 * 60_000);
  const left = await blockLeftMs(limiter, 'org-clock');
  assert.ok(left > 1_000 && left <= 1_500, `the block reads ${left} ms, not an hour more`);
  const waited = Date.now();
  await limiter.acquire('org-clock');
  const took = Date.now() - waited;
  assert.ok(took >= 1_000 && took < 3_000, `waited ${took} ms for the block set before the clock went back`);
});

test('a row deleted meanwhile is made again: a call still takes a token, a 429 still blocks', async () => {
  const limiter = new ZohoRateLimiter(ds, { perMinute: 6000, burst: 50, maxBlockedWaitMs: 0 });
  await limiter.acquire('org-forgotten');
  await ds.query(`DELETE FROM zoho_rate_limits WHERE organization_key = 'org-forgotten'`);
  await limiter.block('org-forgotten', 30_000);
  await assert.rejects(limiter.acquire('org-forgotten'), (error: unknown) => error instanceof TransientError && error.code === 'rate_limited');

  // Deleted while a caller waits for a token (one a second): it takes one from the new row.
  const slow = new ZohoRateLimiter(ds, { perMinute: 61, burst: 1 });
  await slow.acquire('org-forgotten-waiting');
  const waiting = slow.acquire('org-forgotten-waiting');
  await sleep(200);
  await ds.query(`DELETE FROM zoho_rate_limits WHERE organization_key = 'org-forgotten-waiting'`);
  await waiting;
  assert.equal((await slow.usage('org-forgotten-waiting')).callsToday, 1, 'the call was counted in the new row');
});
