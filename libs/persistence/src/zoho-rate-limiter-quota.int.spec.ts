import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { openScratchDatabase } from './test-support/scratch-database';
import { ZohoRateLimiter } from './zoho-rate-limiter';
import { QUOTA_READING_STALE_AFTER_CALLS } from './zoho-quota';
import { ZohoQuotaWriter } from './zoho-quota-writer';

let db: Awaited<ReturnType<typeof openScratchDatabase>>;
let ds: DataSource;

before(async () => {
  db = await openScratchDatabase('rlq', 4);
  ds = db.dataSource;
});

after(async () => {
  await db?.drop();
});

const limiter = () => new ZohoRateLimiter(ds, { perMinute: 6000, burst: 50 });
const seconds = (a: Date, b: Date) => (a.getTime() - b.getTime()) / 1000;

test('Zoho\'s reading is written within a second of the response, off the call path, and read back on the database\'s clock', async () => {
  const a = limiter();
  await a.acquire('org-read');
  a.recordQuota('org-read', { limit: 5000, remaining: 4200, resetInMs: 3 * 3_600_000 });
  assert.equal((await a.usage('org-read')).quota.source, 'calendar-day', 'not written on the call path');
  const { quota, now } = await eventuallyZoho(a, 'org-read');
  assert.deepEqual([quota.used, quota.limit, quota.remaining], [800, 5000, 4200]);
  assert.ok(Math.abs(seconds(quota.resetsAt, now) - 3 * 3600) < 3, `resets in 3 h, not at midnight: ${quota.resetsAt.toISOString()}`);
});

test('the newest reading of the moment wins, across organizations in one write; an older one never replaces a newer one', async () => {
  const a = limiter();
  for (const key of ['org-x', 'org-y']) await a.acquire(key);
  let clock = 0;
  const writerA = new ZohoQuotaWriter(ds, () => clock);
  const writerB = new ZohoQuotaWriter(ds, () => clock);
  // Instance b heard its response 30 s before a heard theirs, but writes last.
  writerB.record('org-x', { limit: 1000, remaining: 950, resetInMs: 90_000 });
  clock += 30_000;
  writerA.record('org-x', { limit: 1000, remaining: 900, resetInMs: 60_000 });
  writerA.record('org-x', { limit: 1000, remaining: 899, resetInMs: 59_000 });
  writerA.record('org-y', { limit: 2000, remaining: 10, resetInMs: 120_000 });
  await writerA.flush();
  await writerB.flush();
  assert.equal((await a.usage('org-x')).quota.remaining, 899);
  assert.equal((await a.usage('org-y')).quota.remaining, 10);
});

test('after Zoho\'s reset passes the whole quota is left; without readings the calendar day counts; calls with no reading fall back to it', async () => {
  const a = limiter();
  await a.acquire('org-reset');
  a.recordQuota('org-reset', { limit: 100, remaining: 3, resetInMs: 1_000 });
  await a.flushQuota();
  assert.deepEqual(pick((await a.usage('org-reset')).quota), ['zoho', 97, 3]);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  const after = await a.usage('org-reset');
  assert.deepEqual(pick(after.quota), ['zoho', 0, 100]);
  assert.ok(Math.abs(seconds(after.quota.resetsAt, after.now) - 86_400) < 3, 'the same time next day');

  await a.acquire('org-bare');
  await a.acquire('org-bare');
  const bare = await a.usage('org-bare');
  const [{ midnight, day }] = await ds.query(`SELECT (current_date + 1)::timestamptz AS midnight, current_date::text AS day`);
  assert.deepEqual([...pick(bare.quota), bare.quota.resetsAt.toISOString(), bare.quota.period], ['calendar-day', 2, null, midnight.toISOString(), day]);

  await ds.query(`UPDATE zoho_rate_limits SET calls_since_quota = $2 WHERE organization_key = $1`, ['org-reset', QUOTA_READING_STALE_AFTER_CALLS]);
  await a.acquire('org-reset');
  assert.deepEqual(pick((await a.usage('org-reset')).quota), ['calendar-day', 2, null], 'Zoho stopped sending its count');
  a.recordQuota('org-reset', { limit: 100, remaining: 50, resetInMs: 60_000 });
  await a.flushQuota();
  assert.deepEqual(pick((await a.usage('org-reset')).quota), ['zoho', 50, 50], 'and a new reading is the truth again');
});

test('a 429 on a new database day counts as that day\'s first refusal', async () => {
  const a = limiter();
  await a.acquire('org-block');
  await ds.query(`UPDATE zoho_rate_limits SET day = current_date - 1, calls_today = 40, rejected_today = 2 WHERE organization_key = $1`, ['org-block']);
  await a.block('org-block', 60_000);
  const usage = await a.usage('org-block');
  assert.deepEqual([usage.callsToday, usage.rejectedToday], [0, 1]);
});

test('an organization never called reads as an empty calendar day', async () => {
  const usage = await limiter().usage('org-never');
  assert.deepEqual([usage.callsToday, usage.rejectedToday, usage.blockedUntil, usage.quota.source, usage.quota.used], [0, 0, null, 'calendar-day', 0]);
});

function pick(quota: { source: string; used: number; remaining: number | null }): [string, number, number | null] {
  return [quota.source, quota.used, quota.remaining];
}

async function eventuallyZoho(a: ZohoRateLimiter, key: string) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const usage = await a.usage(key);
    if (usage.quota.source === 'zoho') return usage;
    if (Date.now() > deadline) assert.fail('the reading was never written');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
