import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ZohoQuota } from '@connector/persistence';
import { quotaRefusedUntil } from './alert-conditions';

const now = new Date('2026-11-30T00:10:00Z');
const zohoDay: ZohoQuota = {
  source: 'zoho', used: 1000, limit: 1000, remaining: 0, resetsAt: new Date('2026-11-30T05:00:00Z'), period: '2026-11-30T05:00Z', readAt: new Date('2026-11-29T23:50:00Z'),
};
const calendarDay: ZohoQuota = { source: 'calendar-day', used: 1000, limit: null, remaining: null, resetsAt: new Date('2026-12-01T00:00:00Z'), period: '2026-11-30', readAt: null };

test('with Zoho\'s count, a refusal before the database\'s midnight still holds after it, until Zoho\'s reset', () => {
  // Zoho answered 45 at 23:50 database time; the database's new day has no 429 yet.
  const usage = { rejectedToday: 0, blockedUntil: zohoDay.resetsAt, quota: zohoDay };
  assert.equal(quotaRefusedUntil(usage, now), zohoDay.resetsAt);
  assert.equal(quotaRefusedUntil({ ...usage, quota: calendarDay }, now), null, 'the calendar day forgets it (alerted on its own day)');
});

test('a per-minute block, or none, is no refusal of the day', () => {
  assert.equal(quotaRefusedUntil({ rejectedToday: 1, blockedUntil: new Date(now.getTime() + 60_000), quota: zohoDay }, now), null);
  assert.equal(quotaRefusedUntil({ rejectedToday: 1, blockedUntil: null, quota: zohoDay }, now), null);
  assert.equal(quotaRefusedUntil({ rejectedToday: 1, blockedUntil: new Date(now.getTime() - 1), quota: calendarDay }, now), null);
});

test('without Zoho\'s count, a long block after a 429 since the database\'s midnight is refused until it ends', () => {
  const blockedUntil = new Date('2026-11-30T01:10:00Z');
  assert.equal(quotaRefusedUntil({ rejectedToday: 1, blockedUntil, quota: calendarDay }, now), blockedUntil);
});
