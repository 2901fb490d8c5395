import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore } from './semaphore';

test('acquireWithin takes a free permit at once and gives up after its timeout without taking one', async () => {
  const slots = new Semaphore(1);
  assert.equal(await slots.acquireWithin(0), true);
  const started = Date.now();
  assert.equal(await slots.acquireWithin(50), false);
  assert.ok(Date.now() - started >= 45);
  // The waiter that gave up is gone: the release goes to the next waiter, not to it.
  const next = slots.acquireWithin(1_000);
  slots.release();
  assert.equal(await next, true);
  slots.release();
  assert.equal(await slots.acquireWithin(0), true);
});

test('waiters are served in arrival order, whether they wait with a timeout or not', async () => {
  const slots = new Semaphore(1);
  await slots.acquire();
  const order: string[] = [];
  const first = slots.acquireWithin(1_000).then(() => order.push('first'));
  const second = slots.acquire().then(() => order.push('second'));
  slots.release();
  await first;
  slots.release();
  await second;
  assert.deepEqual(order, ['first', 'second']);
});
