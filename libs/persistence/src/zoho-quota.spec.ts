import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUOTA_READING_STALE_AFTER_CALLS, StoredQuotaCounts, zohoQuota } from './zoho-quota';

const now = new Date('2026-11-29T14:00:00Z');
const calendar: StoredQuotaCounts = {
  now, day: '2026-11-29', nextMidnight: new Date('2026-11-30T00:00:00Z'), callsToday: 700, callsSinceQuota: 0,
  quotaLimit: null, quotaRemaining: null, quotaReadAt: null, quotaResetAt: null,
};
// Zoho's day ends at 05:00 UTC (midnight in New York), not at the database's midnight.
const read = { ...calendar, quotaLimit: 1000, quotaRemaining: 250, quotaReadAt: new Date('2026-11-29T13:59:59Z'), quotaResetAt: new Date('2026-11-30T05:00:01Z') };

test('without Zoho\'s count, the quota is the calls since the database\'s midnight, reset at the next one', () => {
  assert.deepEqual(zohoQuota(calendar), {
    source: 'calendar-day', used: 700, limit: null, remaining: null, resetsAt: calendar.nextMidnight, period: '2026-11-29', readAt: null,
  });
});

test('Zoho\'s count is the truth while its day lasts: used, left and its own reset, whatever the calendar count says', () => {
  assert.deepEqual(zohoQuota(read), {
    source: 'zoho', used: 750, limit: 1000, remaining: 250, resetsAt: read.quotaResetAt, period: '2026-11-30T05:00Z', readAt: read.quotaReadAt,
  });
  const secondsLater = zohoQuota({ ...read, quotaResetAt: new Date('2026-11-30T04:59:58Z') });
  assert.equal(secondsLater.period, '2026-11-30T05:00Z', 'readings a few seconds apart name the same day');
});

test('once Zoho\'s reset has passed with no reading since, the whole quota is left until the same time next day', () => {
  const afterReset = zohoQuota({ ...read, now: new Date('2026-11-30T05:10:00Z'), day: '2026-11-30' });
  assert.deepEqual(
    [afterReset.source, afterReset.used, afterReset.remaining, afterReset.resetsAt.toISOString(), afterReset.period],
    ['zoho', 0, 1000, '2026-12-01T05:00:01.000Z', '2026-12-01T05:00Z'],
  );
  const daysLater = zohoQuota({ ...read, now: new Date('2026-12-03T06:00:00Z') });
  assert.equal(daysLater.resetsAt.toISOString(), '2026-12-04T05:00:01.000Z');
});

test('calls that keep going out without a reading mean Zoho stopped sending its count: back to the calendar day', () => {
  assert.equal(zohoQuota({ ...read, callsSinceQuota: QUOTA_READING_STALE_AFTER_CALLS }).source, 'zoho');
  const stale = zohoQuota({ ...read, callsSinceQuota: QUOTA_READING_STALE_AFTER_CALLS + 1 });
  assert.deepEqual([stale.source, stale.used, stale.resetsAt], ['calendar-day', 700, calendar.nextMidnight]);
});
