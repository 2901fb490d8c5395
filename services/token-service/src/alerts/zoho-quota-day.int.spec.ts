import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@connector/common';
import { ConnectionEntity, ZohoRateLimiter, ZohoUsage } from '@connector/persistence';
import { FakeZoho } from '@connector/sandbox';
import { createTestDatabase, TestDatabase } from '@connector/testing';
import { ZohoBooksClient, ZohoDailyQuotaExceeded } from '@connector/zoho-books';
import { BackfillQuota } from '../reconciliation/backfill-quota';
import { quotaNearlySpent, quotaRefusedUntil } from './alert-conditions';

/** Midnight of 2026-01-16 in New York (EST): 05:00 UTC, far from any database midnight. */
const NEW_YORK_MIDNIGHT = Date.UTC(2026, 0, 16, 5, 0, 0);

/**
 * The daily Zoho quota as alerts and the backfill see it, against the fake Zoho and a real
 * PostgreSQL: it follows the `X-Rate-Limit-*` headers of Zoho's responses, so it resets when Zoho's
 * day does (here at an organization's midnight in New York) and not at the database's midnight;
 * only without those headers is it the calls since the database's midnight.
 */
describe('the daily Zoho quota follows Zoho\'s own count and reset', () => {
  let db: TestDatabase;
  let limiter: ZohoRateLimiter;
  let quota: BackfillQuota;
  const fakes: FakeZoho[] = [];
  /** The fake's clock runs with the real one, shifted to put Zoho's reset where a test wants it. */
  let shift = 0;

  before(async () => {
    db = await createTestDatabase();
    limiter = new ZohoRateLimiter(db.dataSource, { perMinute: 6000, burst: 50 });
    quota = new BackfillQuota(db.dataSource);
  });

  after(async () => {
    for (const fake of fakes) await fake.stop();
    await db?.drop();
  });

  /** A client of a new New York organization with a daily quota of `daily`, through the shared limiter. */
  async function organization(daily: number, options: { rateLimitHeaders?: boolean } = {}): Promise<{ books: ZohoBooksClient; orgId: string }> {
    const zoho = await FakeZoho.start({ now: () => Date.now() + shift, rateLimitHeaders: options.rateLimitHeaders });
    fakes.push(zoho);
    const orgId = zoho.createOrganization({ planDailyLimit: daily, timeZone: 'America/New_York' }).organization_id;
    const client = zoho.registerClient();
    const refreshToken = zoho.issueRefreshToken(client.clientId, [orgId]);
    const minted = await fetch(`${zoho.accountsUrl}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken }).toString(),
    });
    const { access_token: accessToken } = (await minted.json()) as { access_token: string };
    const books = new ZohoBooksClient({
      session: { getAccessToken: async () => ({ accessToken, apiDomain: zoho.apiDomain }), invalidate: async () => undefined },
      organizationId: orgId,
      rateLimiter: limiter,
      allowPrivate: true,
    });
    return { books, orgId };
  }

  /** The limiter's view once every reading so far is written. */
  async function usage(orgId: string): Promise<ZohoUsage> {
    await limiter.flushQuota();
    return limiter.usage(orgId);
  }

  const calls = async (books: ZohoBooksClient, n: number) => {
    for (let i = 0; i < n; i++) await books.listCurrencies();
  };
  const secondsBetween = (a: Date, b: Date) => (a.getTime() - b.getTime()) / 1000;
  const connection = (orgId: string, zohoDailyLimit?: number) => ({ zohoOrganizationId: orgId, settings: { zohoDailyLimit } }) as unknown as ConnectionEntity;

  test('used, left and reset follow Zoho\'s headers across its reset at 05:00 UTC, while the database\'s day goes on', async () => {
    shift = NEW_YORK_MIDNIGHT - 3_000 - Date.now(); // Zoho's day ends in 3 s
    const { books, orgId } = await organization(10);
    await calls(books, 6);

    const before = await usage(orgId);
    assert.deepEqual([before.quota.source, before.quota.used, before.quota.remaining, before.quota.limit], ['zoho', 6, 4, 10]);
    const resetIn = secondsBetween(before.quota.resetsAt, before.now);
    assert.ok(resetIn > 0.5 && resetIn <= 3.5, `Zoho resets in ${resetIn} s`);
    const [{ midnight }] = await db.dataSource.query(`SELECT (current_date + 1)::timestamptz AS midnight`);
    assert.notEqual(before.quota.resetsAt.getTime(), (midnight as Date).getTime());
    // 60 % of the quota Zoho reports is spent: the backfill waits for Zoho's reset, not the database's midnight.
    const paused = await quota.pause(connection(orgId));
    assert.equal(paused?.resumesAt.getTime(), before.quota.resetsAt.getTime());
    assert.equal(paused?.reason, '6 Zoho calls used of Zoho\'s current day: the backfill may use 6 (60 % of the daily limit of 10 Zoho reports), the rest is kept for live orders');

    await sleep(Math.max(0, before.quota.resetsAt.getTime() - before.now.getTime()) + 300);
    const reset = await usage(orgId);
    assert.deepEqual([reset.quota.used, reset.quota.remaining], [0, 10], 'Zoho\'s day has reset, though nothing was called since');
    assert.equal(await quota.pause(connection(orgId, 10)), null);

    await calls(books, 1);
    const after = await usage(orgId);
    assert.deepEqual([after.quota.source, after.quota.used, after.quota.remaining], ['zoho', 1, 9], 'Zoho\'s new day, as it reports it');
    assert.ok(Math.abs(secondsBetween(after.quota.resetsAt, after.now) - 86_400) < 5, 'its next reset is a day on');
    assert.notEqual(after.quota.period, before.quota.period, 'a new quota day for the once-a-day alerts');
    // The database's calendar day still counts all 7 calls, 60 % of the owner's 10 and more; Zoho's count rules.
    assert.equal(after.callsToday, 7);
    assert.equal(await quota.pause(connection(orgId, 10)), null);
  });

  test('a quota Zoho refused is refused until Zoho\'s reset, for the alert and the backfill alike', async () => {
    shift = NEW_YORK_MIDNIGHT - 10 * 60_000 - Date.now(); // Zoho's day ends in 10 minutes
    const { books, orgId } = await organization(3);
    await calls(books, 2);
    assert.equal(quotaNearlySpent((await usage(orgId)).quota.used, 3), false);
    await calls(books, 1);
    await assert.rejects(books.listCurrencies(), ZohoDailyQuotaExceeded);

    const spent = await usage(orgId);
    assert.deepEqual([spent.quota.used, spent.quota.remaining, spent.rejectedToday], [3, 0, 1]);
    assert.ok(quotaNearlySpent(spent.quota.used, spent.quota.limit!));
    const resumesAt = quotaRefusedUntil(spent, spent.now);
    assert.ok(resumesAt && Math.abs(secondsBetween(resumesAt, spent.quota.resetsAt)) < 2, `refused until Zoho's reset, got ${resumesAt?.toISOString()}`);
    assert.ok(Math.abs(secondsBetween(spent.quota.resetsAt, spent.now) - 600) < 5);
    assert.match(spent.quota.period, /^\d{4}-\d\d-\d\dT\d\d:(00|15|30|45)Z$/, 'the once-a-day alerts are keyed by Zoho\'s reset');
    const paused = await quota.pause(connection(orgId));
    assert.equal(paused?.reason, 'Zoho refused calls for this organization (429)');
    assert.ok(Math.abs(secondsBetween(paused!.resumesAt, spent.quota.resetsAt)) < 2);
  });

  test('without the headers the quota is the calls since the database\'s midnight, against the limit the owner set', async () => {
    shift = 0;
    const { books, orgId } = await organization(4, { rateLimitHeaders: false });
    await calls(books, 3);
    const counted = await usage(orgId);
    const [{ midnight, day }] = await db.dataSource.query(`SELECT (current_date + 1)::timestamptz AS midnight, current_date::text AS day`);
    assert.deepEqual(
      [counted.quota.source, counted.quota.used, counted.quota.limit, counted.quota.resetsAt.getTime(), counted.quota.period],
      ['calendar-day', 3, null, (midnight as Date).getTime(), day],
    );
    const paused = await quota.pause(connection(orgId, 5));
    assert.equal(paused?.resumesAt.getTime(), (midnight as Date).getTime());
    assert.match(paused!.reason, /^3 Zoho calls used today: the backfill may use 3 \(60 % of the daily limit of 5\)/);

    await calls(books, 1);
    await assert.rejects(books.listCurrencies(), (error: unknown) => error instanceof ZohoDailyQuotaExceeded && error.retryAfterMs === 3_600_000);
    const refused = await usage(orgId);
    assert.equal(refused.quota.source, 'calendar-day');
    assert.equal(quotaRefusedUntil(refused, refused.now)?.getTime(), refused.blockedUntil?.getTime(), 'an hour\'s block, Zoho naming no reset');
  });
});
