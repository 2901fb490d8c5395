import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OrganizationCallSlots, REFUSALS_OF_ONE_CROWD_MS, SLOT_RECOVERY_MS } from './organization-call-slots';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Slots on a clock the test moves. */
function slotsAt(max: number) {
  const clock = { now: 1_000_000 };
  return { slots: new OrganizationCallSlots(max, () => clock.now), clock };
}

/** Takes slots until one would have to wait; returns how many were free. */
async function takeFree(slots: OrganizationCallSlots): Promise<number> {
  let taken = 0;
  while (await slots.acquireWithin(0)) taken++;
  return taken;
}

test('a refusal for too many in flight halves the slots, down to one at the least', async () => {
  const { slots, clock } = slotsAt(8);
  slots.refused();
  assert.equal(slots.limit, 4);
  clock.now += REFUSALS_OF_ONE_CROWD_MS;
  slots.refused();
  assert.equal(slots.limit, 2);
  for (const _ of [1, 2, 3]) {
    clock.now += REFUSALS_OF_ONE_CROWD_MS;
    slots.refused();
  }
  assert.equal(slots.limit, 1, 'one call at a time still goes out');
  assert.equal(await takeFree(slots), 1);
});

test('the refusals of one crowd of calls, straggling in, cut only once', () => {
  const { slots, clock } = slotsAt(10);
  slots.refused();
  clock.now += 1_000;
  slots.refused();
  slots.refused();
  assert.equal(slots.limit, 5);
});

test('a slot comes back every SLOT_RECOVERY_MS without a refusal, up to the configured limit', () => {
  const { slots, clock } = slotsAt(10);
  slots.refused();
  clock.now += SLOT_RECOVERY_MS - 1;
  assert.equal(slots.limit, 5);
  clock.now += 1;
  assert.equal(slots.limit, 6);
  clock.now += 3 * SLOT_RECOVERY_MS;
  assert.equal(slots.limit, 9);
  clock.now += 10 * SLOT_RECOVERY_MS;
  assert.equal(slots.limit, 10, 'never above the configured limit');
  // Back at the limit, the next refusal halves it from there.
  slots.refused();
  assert.equal(slots.limit, 5);
});

test('after a cut, calls already in flight finish but no new one goes out until fewer are in flight than allowed', async () => {
  const { slots } = slotsAt(4);
  assert.equal(await takeFree(slots), 4);
  slots.refused(); // 2 allowed, 4 in flight
  const admitted: number[] = [];
  for (const caller of [1, 2, 3]) void slots.acquireWithin().then(() => admitted.push(caller));
  slots.release();
  slots.release();
  await tick();
  assert.deepEqual(admitted, [], 'still 2 in flight');
  slots.release();
  await tick();
  assert.deepEqual(admitted, [1], 'first come, first served');
  slots.release();
  await tick();
  assert.deepEqual(admitted, [1, 2]);
});

test('slots that come back let several waiting callers go at once', async () => {
  const { slots, clock } = slotsAt(4);
  slots.refused(); // 2
  assert.equal(await takeFree(slots), 2);
  const admitted: number[] = [];
  for (const caller of [1, 2, 3]) void slots.acquireWithin().then(() => admitted.push(caller));
  clock.now += 2 * SLOT_RECOVERY_MS; // 4 allowed again
  slots.release();
  await tick();
  assert.deepEqual(admitted, [1, 2, 3]);
});

test('a caller that stops waiting leaves no slot taken, and the next caller is served', async () => {
  const { slots } = slotsAt(1);
  assert.equal(await slots.acquireWithin(), true);
  assert.equal(await slots.acquireWithin(20), false);
  let next = false;
  void slots.acquireWithin().then(() => (next = true));
  slots.release();
  await tick();
  assert.equal(next, true);
});
