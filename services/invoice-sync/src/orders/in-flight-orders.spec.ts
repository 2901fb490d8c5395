import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WooOrder } from '@connector/contracts';
import { InFlightOrders } from './in-flight-orders';

const snapshot = (changes: Partial<WooOrder> = {}) =>
  ({ id: 41, number: '41', status: 'processing', total: '10.00', date_modified_gmt: '2026-11-27T10:00:00', ...changes }) as WooOrder;

/** Starts handling `order` as event `seq`; the work runs until `finish()` is called. */
function startHandling(orders: InFlightOrders, order: WooOrder, seq: number, log: string[], connectionId = 'c1') {
  let finish!: () => void;
  const done = orders.handleOnce(connectionId, order, seq, async () => {
    log.push(`work ${seq}`);
    await new Promise<void>((resolve) => (finish = resolve));
    log.push(`done ${seq}`);
  }, async (handledBy) => {
    log.push(`twin ${seq} of ${handledBy}`);
  });
  return { done, finish: () => finish() };
}

test('an identical snapshot while the first is handled is settled at once as its twin', async () => {
  const orders = new InFlightOrders();
  const log: string[] = [];
  const first = startHandling(orders, snapshot(), 1, log);
  await orders.handleOnce('c1', snapshot(), 2, async () => log.push('work 2'), async (handledBy) => log.push(`twin 2 of ${handledBy}`));
  assert.deepEqual(log, ['work 1', 'twin 2 of 1']);
  first.finish();
  await first.done;
});

test('a different snapshot of the same order, another order or another connection is no twin', async () => {
  const orders = new InFlightOrders();
  const log: string[] = [];
  const first = startHandling(orders, snapshot(), 1, log);
  const others = [
    startHandling(orders, snapshot({ date_modified_gmt: '2026-11-27T10:00:05' }), 2, log),
    startHandling(orders, snapshot({ total: '12.00' }), 3, log),
    startHandling(orders, snapshot({ id: 42 }), 4, log),
    startHandling(orders, snapshot(), 5, log, 'c2'),
  ];
  assert.deepEqual(log, ['work 1', 'work 2', 'work 3', 'work 4', 'work 5']);
  for (const handling of [first, ...others]) handling.finish();
  await Promise.all([first, ...others].map((h) => h.done));
});

test('after the first event is done, the same snapshot takes the normal path again', async () => {
  const orders = new InFlightOrders();
  const log: string[] = [];
  const first = startHandling(orders, snapshot(), 1, log);
  first.finish();
  await first.done;
  const again = startHandling(orders, snapshot(), 2, log);
  again.finish();
  await again.done;
  assert.deepEqual(log, ['work 1', 'done 1', 'work 2', 'done 2']);
});

test('a failed first event frees its snapshot: its redelivery is handled, not skipped', async () => {
  const orders = new InFlightOrders();
  await assert.rejects(orders.handleOnce('c1', snapshot(), 1, async () => { throw new Error('Zoho down'); }, async () => assert.fail('no twin')), /Zoho down/);
  let worked = false;
  await orders.handleOnce('c1', snapshot(), 1, async () => { worked = true; }, async () => assert.fail('no twin'));
  assert.equal(worked, true);
});

test('a second delivery of the very event in hand is no twin (it must not be settled by a skip)', async () => {
  const orders = new InFlightOrders();
  const log: string[] = [];
  const first = startHandling(orders, snapshot(), 7, log);
  const redelivered = startHandling(orders, snapshot(), 7, log);
  assert.deepEqual(log, ['work 7', 'work 7']);
  first.finish();
  redelivered.finish();
  await Promise.all([first.done, redelivered.done]);
  // Both finished; the snapshot is free again.
  const later = startHandling(orders, snapshot(), 8, log);
  later.finish();
  await later.done;
  assert.equal(log.at(-2), 'work 8');
});
