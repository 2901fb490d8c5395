import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { FakeWooStore } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, startStubServer, StubServer, TestDatabase, TestTopology } from '@connector/testing';
import { adminApi, startTestTokenService } from '../token-service.fixture';
import { MAX_REACTIVATIONS_PER_DAY } from './webhook-health.service';

/**
 * The sweep's webhook repair against the fake store: it re-activates what WooCommerce disabled
 * (at most MAX_REACTIVATIONS_PER_DAY times a day), finishes a rotation that did not reach the
 * store, leaves what a person paused or deleted alone, and alerts once per episode.
 */
describe('webhook repair by the reconciliation sweep', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let app: INestApplication;
  let api: ReturnType<typeof adminApi>;
  let alerts: StubServer;
  const stores: FakeWooStore[] = [];
  let organizations = 0;

  before(async () => {
    db = await createTestDatabase();
    topo = await createTestTopology();
    alerts = await startStubServer(() => ({ status: 200, raw: 'ok' }));
    // Sweeps run on demand only: the schedule would race the assertions.
    const started = await startTestTokenService(db, topo, { RECONCILE_INTERVAL_SECONDS: '0' });
    app = started.app;
    api = adminApi(started.base);
  });

  after(async () => {
    await app?.close();
    for (const store of stores) await store.stop();
    await alerts?.close();
    await topo?.destroy();
    await db?.drop();
  });

  /** A connection to a store of its own with its webhooks registered; alerts go to /<name>. */
  async function connect(name: string) {
    const store = await FakeWooStore.start();
    stores.push(store);
    const keys = store.createKey('read_write');
    const created = await api('POST', '/api/connections', {
      name,
      woocommerce: { url: store.url, ...keys },
      zoho: { clientId: '1000.WEBHOOKS', clientSecret: 'secret', refreshToken: '1000.refresh', accountsUrl: 'http://127.0.0.1:9', organizationId: String(++organizations) },
      settings: { alertWebhookUrl: `${alerts.url}/${name}` },
    });
    assert.equal(created.status, 201, created.text);
    const id: string = created.json.id;
    assert.equal((await api('POST', `/api/connections/${id}/webhooks`)).status, 200);
    const hook = (topic: string) => store.webhooks().find((w) => w.topic === topic && w.delivery_url.endsWith(id))!;
    const sweep = async () => (await api('POST', `/api/connections/${id}/reconcile`)).json;
    const alerted = () => alerts.requests.filter((r) => r.path === `/${name}`).map((r) => JSON.parse(r.body).text as string);
    return { id, store, keys, hook, sweep, alerted };
  }

  test('a webhook WooCommerce disables again after every repair alerts once; after the daily cap it stays disabled, alerted once more', async () => {
    const shop = await connect('Redisabled');
    const orderUpdated = shop.hook('order.updated');
    for (let sweep = 1; sweep <= MAX_REACTIVATIONS_PER_DAY; sweep++) {
      // Its deliveries keep failing: WooCommerce disables it again before every sweep.
      await shop.store.setWebhookStatus(orderUpdated.id, 'disabled');
      const result = await shop.sweep();
      assert.equal(result.webhooks.repaired, true, `sweep ${sweep} re-activates it`);
      assert.equal(shop.hook('order.updated').status, 'active');
    }
    assert.equal(shop.alerted().length, 1, `${MAX_REACTIVATIONS_PER_DAY} sweeps, one alert`);
    assert.match(shop.alerted()[0]!, /order\.updated is disabled\. They were re-activated/);

    await shop.store.setWebhookStatus(orderUpdated.id, 'disabled');
    const capped = await shop.sweep();
    assert.equal(capped.webhooks.repaired, false);
    assert.equal(shop.hook('order.updated').status, 'disabled', 'not re-activated a fourth time today');
    await shop.sweep();
    assert.equal(shop.alerted().length, 2, 'one more alert, once');
    assert.match(shop.alerted()[1]!, /keeps disabling webhooks \(webhook \d+ for order\.updated is disabled\)/);
  });

  test('a repair the store refuses is reported and alerted, and does not count towards the daily cap', async () => {
    const shop = await connect('Refused');
    // A read-only key can list webhooks but not change them.
    assert.equal((await api('PUT', `/api/connections/${shop.id}/woocommerce`, shop.store.createKey('read'))).status, 200);
    const hook = shop.hook('order.created');
    for (let sweep = 0; sweep <= MAX_REACTIVATIONS_PER_DAY; sweep++) {
      await shop.store.setWebhookStatus(hook.id, 'disabled');
      const result = await shop.sweep();
      assert.equal(result.webhooks.repaired, false);
      assert.ok(result.webhooks.error, 'the refusal is the answer');
    }
    assert.equal(shop.hook('order.created').status, 'disabled');
    assert.equal(shop.alerted().length, 1);
    assert.match(shop.alerted()[0]!, /order\.created is disabled\. Re-activating them failed/);
    const audit = await db.dataSource.query(`SELECT outcome FROM audit_entries WHERE connection_id = $1 AND action = 'reactivate-webhook'`, [shop.id]);
    assert.deepEqual(audit.map((row: { outcome: string }) => row.outcome), Array(MAX_REACTIVATIONS_PER_DAY + 1).fill('failed'), 'failed repairs never reach the cap');
  });

  test('a paused webhook is left paused and alerted once; the episode ends when a later sweep finds the webhooks healthy', async () => {
    const shop = await connect('Paused');
    const paused = shop.hook('customer.created');
    await shop.store.setWebhookStatus(paused.id, 'paused');
    for (let sweep = 0; sweep < 3; sweep++) {
      const result = await shop.sweep();
      assert.equal(result.webhooks.healthy, false);
      assert.deepEqual(result.webhooks.problems.map((p: { kind: string }) => p.kind), ['paused']);
    }
    assert.equal(shop.hook('customer.created').status, 'paused', 'the owner paused it: it stays paused');
    assert.equal(shop.alerted().length, 1);
    assert.match(shop.alerted()[0]!, /customer\.created is paused\. Connector leaves paused webhooks/);

    await shop.store.setWebhookStatus(paused.id, 'active');
    assert.equal((await shop.sweep()).webhooks.healthy, true);
    await shop.store.setWebhookStatus(paused.id, 'paused');
    await shop.sweep();
    assert.equal(shop.alerted().length, 2, 'a new episode after a healthy sweep alerts again');
  });

  test('a connection restored without its webhooks keeps none: the sweep reports them missing, once, and creates nothing', async () => {
    const shop = await connect('Restored');
    assert.equal((await api('DELETE', `/api/connections/${shop.id}`)).status, 200);
    assert.equal(shop.store.webhooks().length, 0, 'deleting the connection removed them');
    assert.equal((await api('POST', `/api/connections/${shop.id}/restore`)).status, 200);
    await shop.sweep();
    const second = await shop.sweep();
    assert.equal(shop.store.webhooks().length, 0, 'not re-created');
    assert.ok(second.webhooks.problems.every((p: { kind: string }) => p.kind === 'missing'));
    assert.equal(shop.alerted().length, 1);
    assert.match(shop.alerted()[0]!, /no webhook delivers order\.created/);
  });

  test('a secret rotation that did not reach the store is finished by the next sweep, and the store counts as re-keyed', async () => {
    const shop = await connect('Rotated');
    const signedWith = () => [...new Set(shop.store.webhooks().map((hook) => hook.secret))];
    const before = signedWith();
    shop.store.revokeKey(shop.keys.consumerKey);
    assert.equal((await api('POST', `/api/connections/${shop.id}/webhooks/rotate-secret`, {})).status, 502);
    assert.deepEqual(signedWith(), before, 'the store still signs with the old secret');
    const signsWithPrevious = async () =>
      (await db.dataSource.query(`SELECT store_signs_with_previous_secret AS v FROM connections WHERE id = $1`, [shop.id]))[0].v as boolean;
    assert.equal(await signsWithPrevious(), true);

    // Every webhook is active, so only their names tell that they carry the old secret.
    assert.equal((await api('PUT', `/api/connections/${shop.id}/woocommerce`, shop.store.createKey('read_write'))).status, 200);
    const status = await api('GET', `/api/connections/${shop.id}/webhooks`);
    assert.deepEqual(status.json.problems.map((p: { kind: string }) => p.kind), ['old-secret', 'old-secret', 'old-secret', 'old-secret']);
    const result = await shop.sweep();
    assert.equal(result.webhooks.repaired, true);
    assert.equal(result.webhooks.healthy, true);
    assert.equal(signedWith().length, 1);
    assert.notDeepEqual(signedWith(), before, 'the store was re-keyed');
    assert.equal(await signsWithPrevious(), false);
    assert.ok(shop.store.webhooks().every((hook) => hook.status === 'active'));
    assert.equal(shop.alerted().length, 0, 'finishing a rotation the operator started is not an alert');
  });
});
