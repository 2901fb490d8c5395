import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quotaPause } from './backfill-quota';

const now = new Date('2026-11-29T14:00:00Z');
const dayResetAt = new Date('2026-11-30T00:00:00Z');

test('a backfill publishes while the calls today stay below 60 % of the daily limit', () => {
  assert.equal(quotaPause({ callsToday: 1199, blockedUntil: null, now, dayResetAt }, 2000), null);
  const pause = quotaPause({ callsToday: 1200, blockedUntil: null, now, dayResetAt }, 2000);
  assert.equal(pause?.resumesAt, dayResetAt, 'until Zoho\'s day resets');
  assert.match(pause!.reason, /^1200 Zoho calls used today: the backfill may use 1200 \(60 % of the daily limit of 2000\), the rest is kept for live orders$/);
});

test('without a daily limit, the smallest plan (1,000 a day) is assumed, and said', () => {
  assert.equal(quotaPause({ callsToday: 599, blockedUntil: null, now, dayResetAt }, undefined), null);
  const pause = quotaPause({ callsToday: 600, blockedUntil: null, now, dayResetAt }, undefined);
  assert.match(pause!.reason, /may use 600 \(60 % of the daily limit of 1000; settings\.zohoDailyLimit is not set, so the smallest plan's 1000 is assumed\)/);
});

test('an organization Zoho blocks waits until the block ends, whatever the count', () => {
  const blockedUntil = new Date('2026-11-29T14:01:00Z');
  assert.deepEqual(quotaPause({ callsToday: 3, blockedUntil, now, dayResetAt }, 2000), { reason: 'Zoho refused calls for this organization (429)', resumesAt: blockedUntil });
  assert.equal(quotaPause({ callsToday: 3, blockedUntil: new Date('2026-11-29T13:59:00Z'), now, dayResetAt }, 2000), null, 'a block that ended');
});
