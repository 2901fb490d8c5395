import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { sleep } from '@connector/common';
import { ensureAuditStream } from '@connector/messaging';
import { FakeWooStore } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, eventually, TestDatabase, TestTopology } from '@connector/testing';
import { adminApi, AdminAnswer, startTestTokenService } from '../token-service.fixture';

/**
 * A backfill against a real PostgreSQL (the rate limiter's rows), NATS and the fake store: it waits
 * while Zoho blocks the organization or its calls today reach the backfill's share of the daily
 * quota, says why and until when, and retries an order the audit stream did not take instead of
 * skipping it.
 */
describe('backfill: paused for the Zoho quota and for the audit stream, never skipping an order', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let app: INestApplication;
  let api: (method: string, path: string, body?: unknown) => Promise<AdminAnswer>;
  const stores: FakeWooStore[] = [];

  before(async () => {
    db = await createTestDatabase();
    topo = await createTestTopology();
    let base: string;
    ({ app, base } = await startTestTokenService(db, topo, { RECONCILE_INTERVAL_SECONDS: '0', BACKFILL_EVENTS_PER_MINUTE: '6000' }));
    api = adminApi(base);
  });

  after(async () => {
    await app?.close();
    for (const store of stores) await store.stop();
    await topo?.destroy();
    await db?.drop();
  });

  /** A store with `orders` orders placed before it was connected (no webhook carried them), connected to `organizationId`. */
  async function connectedShop(organizationId: string, orders: number, settings: Record<string, unknown> = {}): Promise<{ connectionId: string; since: string }> {
    const store = await FakeWooStore.start();
    stores.push(store);
    const since = new Date(Date.now() - 60_000).toISOString();
    const product = store.createProduct({ name: 'Mug', sku: `MUG-${organizationId}`, regularPrice: '12.50' });
    for (let n = 1; n <= orders; n++) {
      store.createOrder({ customer: { billing: { first_name: 'Guest', last_name: String(n), email: `guest${n}@example.com`, country: 'DE' } }, lineItems: [{ productId: product.id, quantity: 1 }] });
    }
    await sleep(1_100); // the job's window ends at its start; keep the orders clear of it by a second
    const created = await api('POST', '/api/connections', {
      name: `Backfill ${organizationId}`,
      woocommerce: { url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret },
      zoho: { clientId: '1000.BACKFILL', clientSecret: 'secret', refreshToken: '1000.refresh', accountsUrl: 'http://127.0.0.1:9', organizationId },
      settings,
    });
    assert.equal(created.status, 201, created.text);
    return { connectionId: created.json.id, since };
  }

  async function startBackfill(connectionId: string, since: string): Promise<string> {
    const started = await api('POST', `/api/connections/${connectionId}/backfill`, { since });
    assert.equal(started.status, 202, started.text);
    return started.json.jobId;
  }

  const job = async (jobId: string) => (await api('GET', `/api/backfills/${jobId}`)).json;

  test('while Zoho blocks the organization the job waits, saying so, then carries on by itself', async () => {
    const { connectionId, since } = await connectedShop('700100', 3, { zohoDailyLimit: 2000 });
    await db.dataSource.query(
      `INSERT INTO zoho_rate_limits (organization_key, tokens, calls_today, rejected_today, blocked_until) VALUES ($1, 0, 40, 1, now() + interval '5 seconds')`,
      ['700100'],
    );
    const jobId = await startBackfill(connectionId, since);
    const paused = await eventually(async () => ((await job(jobId)).paused ? job(jobId) : undefined), 10_000);
    assert.match(paused.paused, /^Zoho refused calls for this organization \(429\); resumes at \d{4}-\d\d-\d\dT/);
    assert.equal(paused.published, 0);
    assert.equal(paused.status, 'running');
    assert.equal(paused.error, null);

    const done = await eventually(async () => ((await job(jobId)).done ? job(jobId) : undefined), 20_000, 100);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.published, 3);
    assert.equal(done.paused, null);
  });

  test('at 60 % of the daily quota the job waits for Zoho\'s day to reset; without a limit the smallest plan is assumed, and said', async () => {
    const { connectionId, since } = await connectedShop('700200', 2);
    await db.dataSource.query(`INSERT INTO zoho_rate_limits (organization_key, tokens, calls_today) VALUES ($1, 10, 600)`, ['700200']);
    const [{ reset }] = await db.dataSource.query(`SELECT (current_date + 1)::timestamptz AS reset`);
    const jobId = await startBackfill(connectionId, since);
    const paused = await eventually(async () => ((await job(jobId)).paused ? job(jobId) : undefined), 10_000);
    assert.equal(
      paused.paused,
      `600 Zoho calls used today: the backfill may use 600 (60 % of the daily limit of 1000; settings.zohoDailyLimit is not set, so the smallest plan's 1000 is assumed), the rest is kept for live orders; resumes at ${(reset as Date).toISOString()}`,
    );
    await sleep(1_500);
    const still = await job(jobId);
    assert.equal(still.published, 0, 'nothing is published while the quota is kept for live orders');
    assert.equal(still.done, false);
  });

  test('an order the audit stream does not take is retried, not skipped: the job waits, saying why, and publishes it once the stream is back', async () => {
    const { connectionId, since } = await connectedShop('700300', 2, { zohoDailyLimit: 2000 });
    const jsm = await jetstreamManager(topo.nc);
    await jsm.streams.delete(topo.topology.stream);
    const jobId = await startBackfill(connectionId, since);
    const paused = await eventually(async () => ((await job(jobId)).paused ? job(jobId) : undefined), 15_000);
    assert.match(paused.paused, /^order \d+ was not taken by the audit stream \(.+\); retrying it at /);
    assert.equal(paused.published, 0);

    await ensureAuditStream(jsm, topo.topology);
    const done = await eventually(async () => ((await job(jobId)).done ? job(jobId) : undefined), 30_000, 100);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.published, 2, 'both orders, the one that failed included');
    assert.deepEqual(done.failures, []);
    assert.equal(done.paused, null);
  });
});
