import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { msUntilCallDeadline, outsideCallDeadline, throwIfCallerGaveUp, TransientError, withCallDeadline } from './index';

test('the call deadline is seen through awaits inside the call and nowhere else', async () => {
  assert.equal(msUntilCallDeadline(), undefined);
  const seen = await withCallDeadline(Date.now() + 1_000, async () => {
    await delay(10);
    return msUntilCallDeadline();
  });
  assert.ok(seen !== undefined && seen > 900 && seen < 1_000);
  assert.equal(msUntilCallDeadline(), undefined);
  assert.equal(withCallDeadline(undefined, () => msUntilCallDeadline()), undefined);
});

test('throwIfCallerGaveUp throws a transient caller_gave_up only once the deadline has passed', () => {
  withCallDeadline(Date.now() + 1_000, () => throwIfCallerGaveUp('work'));
  throwIfCallerGaveUp('work outside any call');
  assert.throws(
    () => withCallDeadline(Date.now() - 1, () => throwIfCallerGaveUp('ensure-items')),
    (error: TransientError) => error instanceof TransientError && error.code === 'caller_gave_up' && /ensure-items: the caller stopped waiting/.test(error.message),
  );
});

test('work left running after a call has answered runs outside its deadline', async () => {
  let background: Promise<number | undefined> | undefined;
  withCallDeadline(Date.now() + 50, () => {
    background = outsideCallDeadline(async () => {
      await delay(80);
      return msUntilCallDeadline();
    });
  });
  assert.equal(await background, undefined);
});
