import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { isTransient, sleep, TransientError, withCallDeadline } from '@connector/common';
import { KeyedAdvisoryLocks } from './keyed-advisory-locks';
import { openScratchDatabase } from './test-support/scratch-database';

let db: Awaited<ReturnType<typeof openScratchDatabase>>;
let dataSource: DataSource;

before(async () => {
  db = await openScratchDatabase('kal', 4);
  dataSource = db.dataSource;
});

after(async () => {
  await db?.drop();
});

test('callers of one key run one at a time in call order, and a failure reaches only its own caller', async () => {
  const locks = new KeyedAdvisoryLocks(dataSource, { concurrency: 4, waitMs: 1_000 });
  const ran: number[] = [];
  let inside = 0;
  const calls = Array.from({ length: 12 }, (_, i) =>
    locks.withLock('item:c1:sku:A', async () => {
      assert.equal(++inside, 1, 'two callers of one key inside at once');
      await sleep(5);
      ran.push(i);
      inside--;
      if (i === 3) throw new Error('call 3 failed');
      return i;
    }),
  );
  const results = await Promise.allSettled(calls);
  assert.deepEqual(ran, Array.from({ length: 12 }, (_, i) => i));
  assert.deepEqual(results.map((r) => r.status === 'fulfilled' ? r.value : (r.reason as Error).message), [0, 1, 2, 'call 3 failed', 4, 5, 6, 7, 8, 9, 10, 11]);
});

test('at most `concurrency` callers of different keys hold the lock at once', async () => {
  const locks = new KeyedAdvisoryLocks(dataSource, { concurrency: 2, waitMs: 1_000 });
  let inside = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      locks.withLock(`item:c1:sku:${i}`, async () => {
        most = Math.max(most, ++inside);
        await sleep(20);
        inside--;
      }),
    ),
  );
  assert.equal(most, 2);
});

test('a key held by another instance fails with a TransientError after the lock wait', async () => {
  const holder = new KeyedAdvisoryLocks(dataSource, { concurrency: 1, waitMs: 1_000 });
  const other = new KeyedAdvisoryLocks(dataSource, { concurrency: 1, waitMs: 100 });
  let release!: () => void;
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  const holding = holder.withLock('contact:c1:a@example.com', () => new Promise<void>((resolve) => {
    release = resolve;
    held();
  }));
  await isHeld;
  await assert.rejects(other.withLock('contact:c1:a@example.com', async () => 'ran'), (error) => isTransient(error));
  release();
  await holding;
  assert.equal(await other.withLock('contact:c1:a@example.com', async () => 'ran'), 'ran');
});

test('a caller with a call deadline stops waiting behind stuck work then, and the queue keeps its order', async () => {
  const locks = new KeyedAdvisoryLocks(dataSource, { concurrency: 4, waitMs: 1_000 });
  const key = 'item:c1:sku:stuck';
  let release!: () => void;
  const stuck = locks.withLock(key, () => new Promise<string>((resolve) => (release = () => resolve('head'))));
  const started = Date.now();
  let impatientRan = false;
  const impatient = withCallDeadline(Date.now() + 200, () => locks.withLock(key, async () => { impatientRan = true; }));
  let patientRanAt = 0;
  const patient = locks.withLock(key, async () => { patientRanAt = Date.now(); return 'patient'; });
  await assert.rejects(impatient, (error: TransientError) => error.code === 'caller_gave_up' && isTransient(error));
  assert.ok(Date.now() - started < 1_000, `gave up after ${Date.now() - started} ms`);
  // The caller behind the one that gave up still waits for the work ahead of both.
  await sleep(100);
  assert.equal(patientRanAt, 0, 'the next caller started beside the stuck work');
  release();
  assert.equal(await stuck, 'head');
  assert.equal(await patient, 'patient');
  assert.equal(impatientRan, false);
});

test('a caller with a call deadline gives up waiting for a free slot', async () => {
  const locks = new KeyedAdvisoryLocks(dataSource, { concurrency: 1, waitMs: 1_000 });
  let release!: () => void;
  const holding = locks.withLock('contact:c1:busy@example.com', () => new Promise<void>((resolve) => (release = resolve)));
  await sleep(50);
  await assert.rejects(
    withCallDeadline(Date.now() + 150, () => locks.withLock('contact:c1:other@example.com', async () => 'ran')),
    (error: TransientError) => error.code === 'caller_gave_up',
  );
  release();
  await holding;
  // The slot the impatient caller gave up on was not taken from anyone.
  assert.equal(await locks.withLock('contact:c1:other@example.com', async () => 'ran'), 'ran');
});
