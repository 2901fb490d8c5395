import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplication } from '@nestjs/common';
import { sleep } from '@connector/common';
import { createTestDatabase, createTestTopology, eventually, TestDatabase, TestTopology } from '@connector/testing';
import { AlertReceiver, startAlertReceiver, startTestTokenService } from '../token-service.fixture';

const ADMIN_TOKEN = 'test-admin-token-zoho-quota-0123456789';
const ORGANIZATION = '600700900';

/**
 * The alert poll against a real PostgreSQL, with Zoho's own count of the daily quota in the rate
 * limiter's row (as the Zoho client writes it from the `X-Rate-Limit-*` headers): the warning uses
 * the limit Zoho reports, and comes once per Zoho day, which here ends far from the database's midnight.
 */
describe('alert poll: the daily Zoho quota as Zoho counts it', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let app: INestApplication;
  let receiver: AlertReceiver;

  before(async () => {
    receiver = await startAlertReceiver();
    db = await createTestDatabase();
    topo = await createTestTopology();
    let base: string;
    ({ app, base } = await startTestTokenService(db, topo, { ADMIN_TOKEN, RECONCILE_INTERVAL_SECONDS: '0', ALERT_POLL_SECONDS: '1' }));
    const created = await fetch(`${base}/api/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Zoho day shop',
        woocommerce: { url: 'http://127.0.0.1:9/shop', consumerKey: 'ck_zday', consumerSecret: 'cs_zday' },
        zoho: { clientId: '1000.ZDAY', clientSecret: 'secret', refreshToken: '1000.refresh', accountsUrl: 'http://127.0.0.1:9', organizationId: ORGANIZATION },
        // No zohoDailyLimit: Zoho reports the quota itself.
        settings: { alertWebhookUrl: receiver.url('/hooks/zday') },
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
  });

  after(async () => {
    await app?.close();
    await topo?.destroy();
    await db?.drop();
    await receiver?.close();
  });

  const count = (pattern: RegExp) => receiver.texts.filter((text) => pattern.test(text)).length;
  /** Zoho's reading: `remaining` of 1000 left, its day ending `resetInHours` from now. */
  const zohoSays = (remaining: number, resetInHours: number) =>
    db.dataSource.query(
      `INSERT INTO zoho_rate_limits (organization_key, tokens, calls_today, quota_limit, quota_remaining, quota_read_at, quota_reset_at)
       VALUES ($1, 0, 3, 1000, $2, clock_timestamp(), clock_timestamp() + $3 * interval '1 hour')
       ON CONFLICT (organization_key) DO UPDATE
         SET quota_limit = 1000, quota_remaining = $2, quota_read_at = clock_timestamp(), quota_reset_at = clock_timestamp() + $3 * interval '1 hour'`,
      [ORGANIZATION, remaining, resetInHours],
    );

  test('warned at 90 % of the quota Zoho reports, once per Zoho day, again on Zoho\'s next day within the database\'s same day', async () => {
    await zohoSays(120, 2.5);
    await sleep(2_500);
    assert.equal(count(/API calls of the day used/), 0, 'below 90 % nothing is said, though Connector counted only 3 calls');
    await zohoSays(60, 2.5);
    await eventually(() => count(/API calls of the day used/) === 1, 10_000);
    assert.ok(receiver.texts.some((t) => /940 of 1000 Zoho Books API calls of the day used \(94 %\)/.test(t)), receiver.texts.join('\n'));
    await zohoSays(20, 2.5);
    await sleep(2_500);
    assert.equal(count(/API calls of the day used/), 1, 'once per Zoho day');

    // Zoho's day reset and the new one is nearly spent too: a new cause, whatever the database's date.
    await zohoSays(50, 26.5);
    await eventually(() => count(/API calls of the day used/) === 2, 10_000);
    assert.ok(receiver.texts.some((t) => /950 of 1000 Zoho Books API calls of the day used/.test(t)));
  });

  test('a refusal Zoho answered before the database\'s midnight is alerted, until Zoho\'s reset', async () => {
    // The 45 came "yesterday" by the database's calendar (no 429 today), blocking until Zoho's reset.
    await zohoSays(0, 3);
    await db.dataSource.query(
      `UPDATE zoho_rate_limits SET rejected_today = 0, day = current_date - 1, blocked_until = quota_reset_at WHERE organization_key = $1`,
      [ORGANIZATION],
    );
    await eventually(() => count(/refused further API calls/) === 1, 10_000);
    const [{ reset }] = await db.dataSource.query(`SELECT quota_reset_at AS reset FROM zoho_rate_limits WHERE organization_key = $1`, [ORGANIZATION]);
    assert.ok(receiver.texts.some((t) => t.includes(`Calls resume at ${(reset as Date).toISOString()}`)));
    await sleep(2_500);
    assert.equal(count(/refused further API calls/), 1, 'once');
  });
});
