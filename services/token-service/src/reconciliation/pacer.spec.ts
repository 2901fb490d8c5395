import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delayUntilNextSlot, Pacer, PacerClock, paceIntervalMs } from './pacer';

function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const clock: PacerClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

test('interval per pace: 30/min is one every 2 s, 100/min one every 600 ms', () => {
  assert.equal(paceIntervalMs(30), 2_000);
  assert.equal(paceIntervalMs(100), 600);
  assert.equal(paceIntervalMs(7), 8_572, 'rounded up: never faster than asked');
  assert.throws(() => paceIntervalMs(0));
});

test('delay until the next slot', () => {
  assert.equal(delayUntilNextSlot(undefined, 5_000, 2_000), 0, 'the first event goes at once');
  assert.equal(delayUntilNextSlot(5_000, 5_500, 2_000), 1_500);
  assert.equal(delayUntilNextSlot(5_000, 9_000, 2_000), 0);
});

test('events are spaced evenly at the pace', async () => {
  const { clock, sleeps } = fakeClock();
  const pacer = new Pacer(30, clock);
  for (let i = 0; i < 4; i++) await pacer.next();
  assert.deepEqual(sleeps, [2_000, 2_000, 2_000]);
});

test('time spent between events counts; a long pause earns no burst', async () => {
  const { clock, sleeps, advance } = fakeClock();
  const pacer = new Pacer(60, clock);
  await pacer.next();
  advance(400);
  await pacer.next();
  advance(10_000);
  await pacer.next();
  await pacer.next();
  assert.deepEqual(sleeps, [600, 1_000]);
});

test('at most the pace in any minute', async () => {
  const { clock, advance } = fakeClock();
  const pacer = new Pacer(30, clock);
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    await pacer.next();
    times.push(clock.now());
    advance(37);
  }
  for (let i = 0; i < times.length; i++) {
    const inMinute = times.filter((t) => t >= times[i]! && t < times[i]! + 60_000).length;
    assert.ok(inMinute <= 30, `${inMinute} events in the minute from event ${i}`);
  }
});
