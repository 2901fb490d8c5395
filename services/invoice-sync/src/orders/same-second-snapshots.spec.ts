import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderContentHash } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';
import { isSameSecondTie, sameSecondStaleness, sameSecondVerdict } from './same-second-snapshots';

const T = '2026-11-27T10:00:00';
const order = (status: string, modified = T) => ({ id: 727, number: '727', status, currency: 'EUR', total: '11.90', date_modified_gmt: modified }) as unknown as WooOrder;
const recorded = (snapshot: WooOrder) => ({ modifiedGmt: snapshot.date_modified_gmt, contentHash: orderContentHash(snapshot) });
const unreachable = () => Promise.reject(new Error('the store must not be asked'));

test('cancelled@T voided the invoice, then processing@T arrives: a tie the store settles as stale', async () => {
  const voided = recorded(order('cancelled'));
  assert.equal(isSameSecondTie(order('processing'), voided), true);
  const reason = await sameSecondStaleness(order('processing'), voided, () => Promise.resolve(order('cancelled')));
  assert.match(reason ?? '', /^stale snapshot: modified 2026-11-27T10:00:00 GMT .*status processing.*store's current order \(modified 2026-11-27T10:00:00 GMT, status cancelled\)/);
});

test('no invoice yet (cancelled@T skipped), then processing@T: stale too, so no invoice is created for a cancelled order', async () => {
  const skipped = { modifiedGmt: T, contentHash: orderContentHash(order('cancelled')) };
  assert.match((await sameSecondStaleness(order('processing'), skipped, () => Promise.resolve(order('cancelled')))) ?? '', /stale snapshot/);
});

test('the tied snapshot that is the store\'s current one is applied', async () => {
  assert.equal(await sameSecondStaleness(order('cancelled'), recorded(order('processing')), () => Promise.resolve(order('cancelled'))), undefined);
});

test('a store that moved on since makes both snapshots of that second stale (its own event follows)', () => {
  assert.match(sameSecondVerdict(order('cancelled'), order('cancelled', '2026-11-27T10:00:01')) ?? '', /stale snapshot/);
});

test('a store that cannot be reached fails the judgement (retried), it is never a guess', async () => {
  await assert.rejects(sameSecondStaleness(order('processing'), recorded(order('cancelled')), () => Promise.reject(new Error('503 from the store'))), /503/);
});

test('no tie, no store read: another second, the same content, or nothing recorded', async () => {
  assert.equal(await sameSecondStaleness(order('processing', '2026-11-27T10:00:01'), recorded(order('cancelled')), unreachable), undefined);
  assert.equal(await sameSecondStaleness(order('processing'), recorded(order('processing')), unreachable), undefined);
  assert.equal(await sameSecondStaleness(order('processing'), { modifiedGmt: T, contentHash: null }, unreachable), undefined);
  assert.equal(await sameSecondStaleness(order('processing'), undefined, unreachable), undefined);
  assert.equal(isSameSecondTie(order('processing'), { modifiedGmt: '2026-11-27T10:00:00Z', contentHash: 'other' }), true, 'a zone suffix is the same second');
});
