import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { outOfStepAtLastPass, publishesAgain, REFUND_PASS_INTERVAL_MS, refundPassDue, refundsOutOfStep } from './refund-pass';

describe('refundsOutOfStep', () => {
  test('agrees when every refund in the store has a record and no standing credit note lacks its refund', () => {
    assert.equal(refundsOutOfStep([], []), undefined);
    assert.equal(refundsOutOfStep([{ id: 31 }, { id: 30 }], [{ refundId: '30', state: 'credited' }, { refundId: '31', state: 'creating' }]), undefined);
  });

  test('a refund with no record was never seen: its order.updated was lost', () => {
    assert.equal(refundsOutOfStep([{ id: 31 }, { id: 30 }], [{ refundId: '30', state: 'credited' }]), 'refund 31 in the store never credited');
    assert.equal(refundsOutOfStep([{ id: 31 }, { id: 30 }], []), 'refunds 31, 30 in the store never credited');
  });

  test('any record counts as seen, whatever its outcome: a failed or skipped refund is not published again and again', () => {
    const store = [{ id: 1 }, { id: 2 }, { id: 3 }];
    assert.equal(refundsOutOfStep(store, [{ refundId: '1', state: 'failed' }, { refundId: '2', state: 'skipped' }, { refundId: '3', state: 'voided' }]), undefined);
  });

  test('a credit note standing for a refund deleted in the store is out of step; one already voided, failed or skipped is not', () => {
    assert.equal(refundsOutOfStep([], [{ refundId: '7', state: 'credited' }, { refundId: '8', state: 'creating' }]), 'refunds 7, 8 deleted in the store, credit note standing');
    assert.equal(refundsOutOfStep([], [{ refundId: '7', state: 'voided' }, { refundId: '8', state: 'failed' }, { refundId: '9', state: 'skipped' }]), undefined);
    assert.equal(
      refundsOutOfStep([{ id: 9 }], [{ refundId: '7', state: 'credited' }]),
      'refund 9 in the store never credited; refund 7 deleted in the store, credit note standing',
    );
  });
});

describe('refundPassDue', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  test('a manual sweep always makes the pass; a scheduled one when none was made yet or a day has passed', () => {
    assert.equal(refundPassDue('manual', now, now), true);
    assert.equal(refundPassDue('schedule', undefined, now), true);
    assert.equal(refundPassDue('schedule', new Date(now.getTime() - REFUND_PASS_INTERVAL_MS + 1000), now), false);
    assert.equal(refundPassDue('schedule', new Date(now.getTime() - REFUND_PASS_INTERVAL_MS), now), true);
  });
});

test('a scheduled pass publishes an out-of-step order again when why it is out of step changed or a week passed; a manual sweep always', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  const why = 'refund 7 in the store never credited';
  const lastPass = outOfStepAtLastPass({ examined: 3, outOfStep: { 41: { why, publishedAt: '2026-11-28T12:00:00.000Z' }, 43: { why, publishedAt: '2026-11-22T12:00:00.000Z' }, 44: 'old shape' } });
  assert.equal(publishesAgain('schedule', 41, why, lastPass, now), false, 'left as it was (an invoice voided in Zoho)');
  assert.equal(publishesAgain('schedule', 41, 'refunds 7, 9 in the store never credited', lastPass, now), true, 'another refund since');
  assert.equal(publishesAgain('schedule', 42, 'refund 8 in the store never credited', lastPass, now), true, 'new');
  assert.equal(publishesAgain('schedule', 43, why, lastPass, now), true, 'a week since it was published: once more, in case that was lost');
  assert.equal(publishesAgain('schedule', 44, why, lastPass, now), true, 'an entry it cannot read counts as none');
  assert.equal(publishesAgain('manual', 41, why, lastPass, now), true);
  assert.deepEqual(outOfStepAtLastPass(null), {});
  assert.deepEqual(outOfStepAtLastPass({ examined: 1 }), {}, 'a pass recorded before this was kept');
});
