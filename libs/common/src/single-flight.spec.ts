import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SingleFlight } from './single-flight';

function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

test('callers of one key share the running work; another key and a later caller start their own', async () => {
  const flights = new SingleFlight<string>();
  let started = 0;
  const first = gate<string>();
  const work = () => {
    started++;
    return first.promise;
  };
  const a = flights.run('k', work);
  const b = flights.run('k', work);
  assert.equal(a, b);
  void flights.run('other', async () => 'x');
  first.open('done');
  assert.deepEqual(await Promise.all([a, b]), ['done', 'done']);
  assert.equal(started, 1);
  assert.equal(await flights.run('k', async () => 'again'), 'again');
});

test('a failure reaches every caller sharing it, and the next caller starts anew', async () => {
  const flights = new SingleFlight<string>();
  const failing = gate<string>();
  const shared = [flights.run('k', () => failing.promise.then(() => Promise.reject(new Error('down')))), flights.run('k', async () => 'unused')];
  failing.open('');
  assert.deepEqual((await Promise.allSettled(shared)).map((r) => r.status), ['rejected', 'rejected']);
  assert.equal(await flights.run('k', async () => 'ok'), 'ok');
});

test('after forget, the next caller starts anew and the forgotten work learns it is no longer current', async () => {
  const flights = new SingleFlight<string>();
  const old = gate<string>();
  let oldCurrent: boolean | undefined;
  const forgotten = flights.run('k', async (stillCurrent) => {
    const value = await old.promise;
    oldCurrent = stillCurrent();
    return value;
  });
  flights.forget('k');
  let newCurrent: boolean | undefined;
  const fresh = flights.run('k', async (stillCurrent) => {
    await Promise.resolve();
    newCurrent = stillCurrent();
    return 'new';
  });
  assert.equal(await fresh, 'new');
  old.open('old');
  assert.equal(await forgotten, 'old');
  assert.deepEqual([oldCurrent, newCurrent], [false, true]);
  // The forgotten work settling does not drop the newer one's entry.
  const third = gate<string>();
  const running = flights.run('k', () => third.promise);
  assert.equal(flights.run('k', async () => 'not started'), running);
  third.open('third');
  await running;
});
