import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { sleep } from '@connector/common';
import { FakeWooStore } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, eventually, TestDatabase, TestTopology, testEncryptionKeys } from '@connector/testing';
import { startTokenService } from '../main';

const ADMIN_TOKEN = 'test-admin-token-schedule-0123456789';

/**
 * The schedule: without any call, an order the store never delivered is read and published by the
 * sweep; with two instances running the clock, a connection is still swept once per interval.
 */
describe('scheduled reconciliation sweep', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let store: FakeWooStore;
  const apps: INestApplication[] = [];
  let base: string;

  const env = () => ({
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    DATABASE_URL: db.url,
    NATS_STREAM: topo.topology.stream,
    NATS_SUBJECT_PREFIX: topo.topology.subjectPrefix,
    ENCRYPTION_KEYS: testEncryptionKeys(),
    ADMIN_TOKEN,
    ADMIN_PORT: '0',
    ADMIN_HOST: '127.0.0.1',
    ALLOW_PRIVATE_ENDPOINTS: 'true',
    RECONCILE_INTERVAL_SECONDS: '3',
    LOG_LEVEL: 'silent',
  });

  before(async () => {
    db = await createTestDatabase();
    topo = await createTestTopology();
    store = await FakeWooStore.start();
    apps.push(await startTokenService(env()), await startTokenService(env()));
    base = `http://127.0.0.1:${(apps[0]!.getHttpServer().address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const app of apps) await app.close();
    await store?.stop();
    await topo?.destroy();
    await db?.drop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  test('a missed order is published by the schedule, and two instances sweep a connection once per interval', async () => {
    const created = await api('POST', '/api/connections', {
      name: 'Scheduled shop',
      woocommerce: { url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret },
      zoho: { clientId: '1000.SCHEDULE', clientSecret: 'secret', refreshToken: '1000.refresh', accountsUrl: 'http://127.0.0.1:9', organizationId: '1' },
    });
    assert.equal(created.status, 201);
    const connectionId: string = created.json.id;
    // No webhooks registered: nothing but the sweep can bring this order in.
    const product = store.createProduct({ name: 'Lamp', sku: 'LAMP', regularPrice: '10.00' });
    const order = store.createOrder({ customer: { billing: { first_name: 'A', last_name: 'B', email: 'a@example.com' } }, lineItems: [{ productId: product.id, quantity: 1 }] });

    const event = await eventually(async () => {
      const events = await api('GET', `/api/connections/${connectionId}/events?includeBody=true`);
      return events.json.find((e: { origin: string; resourceId: string }) => e.origin === 'reconcile' && e.resourceId === String(order.id));
    }, 45_000, 250);
    assert.equal(event.topic, 'order.updated');
    assert.equal(event.modifiedGmt, order.date_modified_gmt);
    assert.equal(event.body.id, order.id);
    assert.equal(event.body.total, order.total);

    // Missing webhooks are reported and created by the sweep.
    const hooks = await api('GET', `/api/connections/${connectionId}/webhooks`);
    assert.equal(hooks.json.healthy, true, JSON.stringify(hooks.json));

    const sweepsIn = async () => {
      const audit = await api('GET', `/api/connections/${connectionId}/audit?limit=500`);
      return audit.json.filter((a: { action: string; resource: string }) => a.resource === 'connection' && a.action === 'reconcile').length;
    };
    const before = await sweepsIn();
    await sleep(9_500);
    const swept = (await sweepsIn()) - before;
    assert.ok(swept >= 1 && swept <= 4, `${swept} sweeps in 9.5 s at one per 3 s across two instances`);
  });
});
