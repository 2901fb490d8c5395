import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { sleep } from '@connector/common';
import { createTestDatabase, createTestTopology, eventually, TestDatabase, TestTopology } from '@connector/testing';
import { adminApi, startTestTokenService } from '../token-service.fixture';

const ORGANIZATION = '600900100';

/**
 * Alerts against a real PostgreSQL and an alert webhook that can refuse: an alert it did not accept
 * arrives on a later poll, once; Zoho refusing the day's calls (code 45) is alerted without a
 * configured daily limit, once per day.
 */
describe('alert poll: an alert the webhook refused is sent again; a refused daily quota is alerted', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let app: INestApplication;
  let receiver: Server;
  /** Every text the webhook was sent, and those it accepted. */
  const tried: string[] = [];
  const accepted: string[] = [];
  /** Texts matching this are answered 503 while `refusalsLeft` > 0. */
  let refuse: RegExp | null = null;
  let refusalsLeft = 0;
  let connectionId: string;

  before(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = (JSON.parse(Buffer.concat(chunks).toString()) as { text: string }).text;
        tried.push(text);
        if (refuse?.test(text) && refusalsLeft > 0) {
          refusalsLeft -= 1;
          res.statusCode = 503;
          return res.end('Service Unavailable');
        }
        accepted.push(text);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    db = await createTestDatabase();
    topo = await createTestTopology();
    let base: string;
    ({ app, base } = await startTestTokenService(db, topo, { RECONCILE_INTERVAL_SECONDS: '0', ALERT_POLL_SECONDS: '1' }));
    const created = await adminApi(base)('POST', '/api/connections', {
      name: 'Retry shop',
      woocommerce: { url: 'http://127.0.0.1:9/retry-shop', consumerKey: 'ck_retry', consumerSecret: 'cs_retry' },
      zoho: { clientId: '1000.RETRY', clientSecret: 'secret', refreshToken: '1000.refresh', accountsUrl: 'http://127.0.0.1:9', organizationId: ORGANIZATION },
      // No zohoDailyLimit: the refused quota is alerted all the same.
      settings: { alertWebhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/retry` },
    });
    assert.equal(created.status, 201, created.text);
    connectionId = created.json.id;
  });

  after(async () => {
    await app?.close();
    await topo?.destroy();
    await db?.drop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const count = (texts: string[], pattern: RegExp) => texts.filter((text) => pattern.test(text)).length;

  test('a re-authorization alert the webhook refused (503) arrives on a later poll, once', async () => {
    refuse = /needs re-authorization/;
    refusalsLeft = 1;
    await db.dataSource.query(`UPDATE connections SET status = 'needs_reauthorization', status_reason = 'Zoho revoked the refresh token' WHERE id = $1`, [connectionId]);
    await eventually(() => count(accepted, /needs re-authorization/) === 1, 10_000);
    assert.equal(count(tried, /needs re-authorization/), 2, 'refused once, then accepted');
    await sleep(2_500);
    assert.equal(count(accepted, /needs re-authorization/), 1, 'once while it lasts');
    assert.equal(count(tried, /needs re-authorization/), 2, 'not tried again once accepted');
    await db.dataSource.query(`UPDATE connections SET status = 'active', status_reason = NULL WHERE id = $1`, [connectionId]);
  });

  test('a failed-order alert the webhook refused is un-claimed and arrives on a later poll, once', async () => {
    refuse = /order 4711/;
    refusalsLeft = 1;
    await db.dataSource.query(
      `INSERT INTO order_syncs (connection_id, order_id, order_number, state, reason) VALUES ($1, 4711, '4711', 'failed', 'tax rate Eco levy (7 %) has no Zoho tax')`,
      [connectionId],
    );
    await eventually(() => count(accepted, /order 4711: tax rate Eco levy/) === 1, 10_000);
    assert.equal(count(tried, /order 4711/), 2, 'refused once, then accepted');
    await sleep(2_500);
    assert.equal(count(tried, /order 4711/), 2, 'claimed for good once accepted');
    const [row] = await db.dataSource.query(`SELECT alerted_at FROM order_syncs WHERE order_id = 4711`);
    assert.ok(row.alerted_at, 'marked as alerted');
  });

  test('Zoho refusing the day\'s calls (code 45) is alerted once, with the reset, though no daily limit is set; a per-minute block is not', async () => {
    refuse = null;
    await db.dataSource.query(
      `INSERT INTO zoho_rate_limits (organization_key, tokens, calls_today, rejected_today, blocked_until) VALUES ($1, 0, 40, 1, now() + interval '30 seconds')`,
      [ORGANIZATION],
    );
    await sleep(2_500);
    assert.equal(count(tried, /daily quota/), 0, 'a per-minute 429 passes by itself');

    // TypeORM answers an UPDATE with [rows, affected count].
    const [[{ until }]] = await db.dataSource.query(
      `UPDATE zoho_rate_limits SET rejected_today = 2, blocked_until = date_trunc('second', now()) + interval '5 hours' WHERE organization_key = $1 RETURNING blocked_until AS until`,
      [ORGANIZATION],
    );
    await eventually(() => count(accepted, /daily quota is spent/) === 1, 10_000);
    assert.equal(
      accepted.find((text) => /daily quota/.test(text)),
      `Connector — Retry shop: Zoho Books refused further API calls: the organization's daily quota is spent (Zoho code 45). Calls resume at ${(until as Date).toISOString()} when Zoho's day resets; until then orders wait in the audit log and are synced after it.`,
    );
    await sleep(2_500);
    assert.equal(count(tried, /daily quota/), 1, 'once per day');
  });
});
