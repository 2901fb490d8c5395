import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplication } from '@nestjs/common';
import { sleep } from '@connector/common';
import { createTestDatabase, createTestTopology, eventually, TestDatabase, TestTopology } from '@connector/testing';
import { UNSENT_INVOICE_REASON } from '@connector/persistence';
import { AlertReceiver, startAlertReceiver, startTestTokenService } from '../token-service.fixture';

const ADMIN_TOKEN = 'test-admin-token-alerts-0123456789';
const ORGANIZATION = '600700800';

/**
 * The alert poll against a real PostgreSQL: each cause is alerted once while it lasts and again
 * when it comes back; a failed order is alerted once until it recovers.
 */
describe('alert poll: re-authorization, Zoho quota and failed orders, once per cause', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let app: INestApplication;
  let base: string;
  let receiver: AlertReceiver;
  let connectionId: string;

  before(async () => {
    receiver = await startAlertReceiver();
    db = await createTestDatabase();
    topo = await createTestTopology();
    ({ app, base } = await startTestTokenService(db, topo, { ADMIN_TOKEN, RECONCILE_INTERVAL_SECONDS: '0', ALERT_POLL_SECONDS: '1' }));
    const created = await fetch(`${base}/api/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Quota shop',
        woocommerce: { url: 'http://127.0.0.1:9/shop', consumerKey: 'ck_alerts', consumerSecret: 'cs_alerts' },
        zoho: { clientId: '1000.ALERTS', clientSecret: 'secret', refreshToken: '1000.refresh', accountsUrl: 'http://127.0.0.1:9', organizationId: ORGANIZATION },
        settings: { alertWebhookUrl: receiver.url('/hooks/quota'), zohoDailyLimit: 1000 },
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    connectionId = ((await created.json()) as { id: string }).id;
  });

  after(async () => {
    await app?.close();
    await topo?.destroy();
    await db?.drop();
    await receiver?.close();
  });

  const count = (pattern: RegExp) => receiver.texts.filter((text) => pattern.test(text)).length;
  const setStatus = (status: string, reason: string | null) =>
    db.dataSource.query(`UPDATE connections SET status = $2, status_reason = $3 WHERE id = $1`, [connectionId, status, reason]);

  test('a connection needing re-authorization is alerted once, and again after it recurs', async () => {
    await setStatus('needs_reauthorization', 'Zoho revoked the refresh token');
    await eventually(() => count(/needs re-authorization/) === 1, 10_000);
    assert.match(receiver.texts.find((t) => /re-authorization/.test(t))!, /^Connector — Quota shop: Zoho Books needs re-authorization \(Zoho revoked the refresh token\)/);
    await sleep(2_500);
    assert.equal(count(/needs re-authorization/), 1, 'once while it lasts');
    await setStatus('active', null);
    await sleep(2_500);
    await setStatus('needs_reauthorization', 'revoked again');
    await eventually(() => count(/needs re-authorization/) === 2, 10_000);
    await setStatus('active', null);
  });

  test('the daily Zoho quota is alerted once at 90 %', async () => {
    await db.dataSource.query(`INSERT INTO zoho_rate_limits (organization_key, tokens, calls_today) VALUES ($1, 0, 899)`, [ORGANIZATION]);
    await sleep(2_500);
    assert.equal(count(/API calls of the day used/), 0, 'below 90 % nothing is said');
    await db.dataSource.query(`UPDATE zoho_rate_limits SET calls_today = 905 WHERE organization_key = $1`, [ORGANIZATION]);
    await eventually(() => count(/API calls of the day used/) === 1, 10_000);
    assert.ok(receiver.texts.some((t) => /905 of 1000 Zoho Books API calls of the day used \(90 %\)/.test(t)));
    await db.dataSource.query(`UPDATE zoho_rate_limits SET calls_today = 990 WHERE organization_key = $1`, [ORGANIZATION]);
    await sleep(2_500);
    assert.equal(count(/API calls of the day used/), 1, 'once per day');
  });

  test('a failed order is alerted once; after it recovered, failing again alerts again', async () => {
    await db.dataSource.query(
      `INSERT INTO order_syncs (connection_id, order_id, order_number, state, reason) VALUES ($1, 4711, '4711', 'failed', 'tax rate Eco levy (7 %) has no Zoho tax')`,
      [connectionId],
    );
    await eventually(() => count(/order 4711: tax rate Eco levy/) === 1, 10_000);
    await sleep(2_500);
    assert.equal(count(/order 4711/), 1);
    await db.dataSource.query(`UPDATE order_syncs SET state = 'synced', reason = NULL WHERE order_id = 4711`);
    await eventually(async () => (await db.dataSource.query(`SELECT alerted_at FROM order_syncs WHERE order_id = 4711`))[0].alerted_at === null, 10_000);
    await db.dataSource.query(`UPDATE order_syncs SET state = 'failed', reason = 'Zoho rejected the invoice' WHERE order_id = 4711`);
    await eventually(() => count(/order 4711: Zoho rejected the invoice/) === 1, 10_000);
  });

  test('a refund whose credit note failed is alerted once (its order is synced); after it is credited, failing again alerts again', async () => {
    await db.dataSource.query(`INSERT INTO order_syncs (connection_id, order_id, order_number, state) VALUES ($1, 4800, 'WC-4800', 'synced')`, [connectionId]);
    await db.dataSource.query(
      `INSERT INTO refund_credits (connection_id, refund_id, order_id, state, reason) VALUES ($1, 4801, 4800, 'failed', 'Zoho Books POST /creditnotes failed: Invalid value passed for line_items')`,
      [connectionId],
    );
    await eventually(() => count(/order WC-4800, refund 4801: Zoho Books POST \/creditnotes failed/) === 1, 10_000);
    assert.ok(receiver.texts.some((t) => /^Connector — Quota shop: A refund could not be booked as a credit note in Zoho Books/.test(t)));
    await sleep(2_500);
    assert.equal(count(/refund 4801/), 1);
    await db.dataSource.query(`UPDATE refund_credits SET state = 'credited', reason = NULL WHERE refund_id = 4801`);
    await eventually(async () => (await db.dataSource.query(`SELECT alerted_at FROM refund_credits WHERE refund_id = 4801`))[0].alerted_at === null, 10_000);
    await db.dataSource.query(`UPDATE refund_credits SET state = 'failed', reason = 'Zoho is down' WHERE refund_id = 4801`);
    await eventually(() => count(/refund 4801: Zoho is down/) === 1, 10_000);
  });

  test("a paid order whose payment failed is alerted once (its order is synced); after it is recorded, failing again alerts again", async () => {
    await db.dataSource.query(`INSERT INTO order_syncs (connection_id, order_id, order_number, state) VALUES ($1, 4900, 'WC-4900', 'synced')`, [connectionId]);
    await db.dataSource.query(
      `INSERT INTO order_payments (connection_id, order_id, state, reason) VALUES ($1, 4900, 'failed', 'Zoho Books POST /customerpayments failed: Invalid value passed for account_id')`,
      [connectionId],
    );
    await eventually(() => count(/order WC-4900: Zoho Books POST \/customerpayments failed/) === 1, 10_000);
    assert.ok(receiver.texts.some((t) => /^Connector — Quota shop: A paid order's payment could not be booked in Zoho Books \(their invoices are fine\)/.test(t)));
    await sleep(2_500);
    assert.equal(count(/order WC-4900/), 1);
    await db.dataSource.query(`UPDATE order_payments SET state = 'recorded', reason = NULL WHERE order_id = 4900`);
    await eventually(async () => (await db.dataSource.query(`SELECT alerted_at FROM order_payments WHERE order_id = 4900`))[0].alerted_at === null, 10_000);
    await db.dataSource.query(`UPDATE order_payments SET state = 'failed', reason = 'Zoho is down' WHERE order_id = 4900`);
    await eventually(() => count(/order WC-4900: Zoho is down/) === 1, 10_000);
  });

  test('an invoice that could not be marked as sent is alerted once (its order is synced, the reason kept); once it is sent, failing again alerts again', async () => {
    await db.dataSource.query(
      `INSERT INTO order_syncs (connection_id, order_id, order_number, state, reason) VALUES ($1, 5000, 'WC-5000', 'synced', $2)`,
      [connectionId, `${UNSENT_INVOICE_REASON}Zoho Books POST /invoices/9/status/sent failed: Invoice cannot be marked as sent`],
    );
    await db.dataSource.query(`INSERT INTO order_syncs (connection_id, order_id, order_number, state, reason) VALUES ($1, 5001, 'WC-5001', 'synced', $2)`, [connectionId, `retrying: ${UNSENT_INVOICE_REASON}Zoho is slow`]);
    await eventually(() => count(/order WC-5000: Zoho Books POST \/invoices\/9\/status\/sent failed/) === 1, 10_000);
    assert.ok(receiver.texts.some((t) => /^Connector — Quota shop: An invoice could not be marked as sent in Zoho Books: they are written, but as drafts/.test(t)));
    await sleep(2_500);
    assert.equal(count(/order WC-5000/), 1, 'once, though the record stays synced');
    assert.equal(count(/order WC-5001/), 0, 'a mark still being retried is not alerted');
    await db.dataSource.query(`UPDATE order_syncs SET reason = NULL WHERE order_id = 5000`);
    await eventually(async () => (await db.dataSource.query(`SELECT alerted_at FROM order_syncs WHERE order_id = 5000`))[0].alerted_at === null, 10_000);
    await db.dataSource.query(`UPDATE order_syncs SET reason = $1 WHERE order_id = 5000`, [`${UNSENT_INVOICE_REASON}Zoho is down`]);
    await eventually(() => count(/order WC-5000: Zoho is down/) === 1, 10_000);
  });
});
