import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventRetryLedger } from './event-retry-ledger';
import { openScratchDatabase } from './test-support/scratch-database';

let db: Awaited<ReturnType<typeof openScratchDatabase>>;
let ledger: EventRetryLedger;

before(async () => {
  db = await openScratchDatabase('retries');
  ledger = new EventRetryLedger(db.dataSource);
});

after(async () => {
  await db?.drop();
});

test('an event has no history until a delivery is put back; failures and block waits are counted apart', async () => {
  assert.equal(await ledger.read('invoice-sync', 7), undefined);
  await ledger.record('invoice-sync', 7, 'block');
  assert.deepEqual(await ledger.read('invoice-sync', 7), { failures: 0, blockWaits: 1, failingForMs: 0 }, 'a block wait does not start the retry window');
  await ledger.record('invoice-sync', 7, 'failure');
  await ledger.record('invoice-sync', 7, 'failure');
  await ledger.record('invoice-sync', 7, 'block');
  const history = await ledger.read('invoice-sync', 7);
  assert.deepEqual([history?.failures, history?.blockWaits], [2, 2]);
  assert.equal(await ledger.read('customer-sync', 7), undefined, 'kept per consumer');
});

test('the retry window is measured from the first failure, on the database clock', async () => {
  await ledger.record('catalog-sync', 11, 'failure');
  // As if the first failure was 3 hours ago (the database's clock, whatever this process's says).
  await db.dataSource.query(`UPDATE event_retries SET first_failed_at = now() - interval '3 hours' WHERE consumer = 'catalog-sync' AND stream_seq = 11`);
  await ledger.record('catalog-sync', 11, 'failure');
  const history = await ledger.read('catalog-sync', 11);
  assert.ok(history && history.failingForMs >= 3 * 3_600_000 && history.failingForMs < 3 * 3_600_000 + 60_000, String(history?.failingForMs));
});

test('a settled event is forgotten; histories untouched for a month are pruned', async () => {
  await ledger.record('invoice-sync', 21, 'failure');
  await ledger.clear('invoice-sync', 21);
  assert.equal(await ledger.read('invoice-sync', 21), undefined);

  await ledger.record('invoice-sync', 22, 'failure');
  await ledger.record('invoice-sync', 23, 'failure');
  await db.dataSource.query(`UPDATE event_retries SET updated_at = now() - interval '31 days' WHERE stream_seq = 22`);
  assert.equal(await ledger.prune(), 1);
  assert.equal(await ledger.read('invoice-sync', 22), undefined);
  assert.notEqual(await ledger.read('invoice-sync', 23), undefined);
});
