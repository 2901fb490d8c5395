import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { sleep } from '@connector/common';
import { FakeWooStore } from '@connector/sandbox';
import { AWAITS_SENT_INVOICE } from '@connector/persistence';
import { createTestDatabase, createTestTopology, eventually, TestDatabase, TestTopology, testEncryptionKeys } from '@connector/testing';
import { startTokenService } from '../main';
import { adminApi } from '../token-service.fixture';

const ADMIN_TOKEN = 'test-admin-token-schedule-0123456789';

/**
 * The schedule: without any call, an order the store never delivered is read and published by the
 * sweep; with two instances running the clock, a connection is still swept once per interval; a
 * credit note open on a draft invoice is checked when its age says so, once, not on every sweep.
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

  const api = (method: string, path: string, body?: unknown) => adminApi(base, ADMIN_TOKEN)(method, path, body);

  /**
   * A connection to the fake store (its Zoho side is never called here), each into an organization
   * of its own: one store connects once per organization.
   */
  let organizations = 0;
  const connect = async (name: string): Promise<string> => {
    const created = await api('POST', '/api/connections', {
      name,
      woocommerce: { url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret },
      zoho: { clientId: '1000.SCHEDULE', clientSecret: 'secret', refreshToken: '1000.refresh', accountsUrl: 'http://127.0.0.1:9', organizationId: String(++organizations) },
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    return created.json.id;
  };

  test('a missed order is published by the schedule, and two instances sweep a connection once per interval', async () => {
    const connectionId = await connect('Scheduled shop');
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

    // Missing webhooks are reported, not created: registering them is the operator's call (POST …/webhooks).
    const hooks = await api('GET', `/api/connections/${connectionId}/webhooks`);
    assert.equal(hooks.json.healthy, false);
    assert.deepEqual(hooks.json.webhooks, [], JSON.stringify(hooks.json));
    assert.ok(hooks.json.problems.every((p: { kind: string }) => p.kind === 'missing'));

    const sweepsIn = async () => {
      const audit = await api('GET', `/api/connections/${connectionId}/audit?limit=500`);
      return audit.json.filter((a: { action: string; resource: string }) => a.resource === 'connection' && a.action === 'reconcile').length;
    };
    const before = await sweepsIn();
    await sleep(9_500);
    const swept = (await sweepsIn()) - before;
    assert.ok(swept >= 1 && swept <= 4, `${swept} sweeps in 9.5 s at one per 3 s across two instances`);
  });

  test('a credit open on a draft invoice for an hour is checked once by the schedule; one for minutes, an order gone from the store and an invoice deleted in Zoho are not published', async () => {
    const connectionId = await connect('Credit check shop');
    const product = store.createProduct({ name: 'Vase', sku: 'VASE', regularPrice: '20.00' });
    const newOrder = () => store.createOrder({ customer: { billing: { first_name: 'C', last_name: 'D', email: 'c@example.com' } }, lineItems: [{ productId: product.id, quantity: 1 }] });
    const [due, recent, gone, deletedInZoho] = [newOrder(), newOrder(), newOrder(), newOrder()];
    // What invoice-sync leaves for a refund credited while the invoice was a draft: the order in
    // step with the store, the credit note open with the reason, made `age` ago.
    const awaiting = async (order: typeof due, refundId: number, age: string, invoiceDeletedAt: Date | null = null) => {
      await db.dataSource.query(
        `INSERT INTO order_syncs (connection_id, order_id, state, invoice_id, invoice_number, invoice_status, modified_gmt, invoice_deleted_at)
         VALUES ($1, $2, 'synced', $3, $4, 'draft', $5, $6)`,
        [connectionId, order.id, `46000000${order.id}`, `INV-${order.id}`, order.date_modified_gmt, invoiceDeletedAt],
      );
      await db.dataSource.query(
        `INSERT INTO refund_credits (connection_id, refund_id, order_id, state, invoice_id, credit_note_id, credit_note_number, zoho_total, applied_amount, reason, updated_at)
         VALUES ($1, $2, $3, 'credited', $4, $5, $6, '5.00', '0.00', $7, now() - $8::interval)`,
        [connectionId, refundId, order.id, `46000000${order.id}`, `47000000${refundId}`, `CN-${refundId}`, `invoice is draft in Zoho, ${AWAITS_SENT_INVOICE}: the credit stays open`, age],
      );
    };
    await awaiting(due, 9001, '2 hours');
    await awaiting(recent, 9002, '10 minutes');
    await awaiting(gone, 9003, '3 days');
    await awaiting(deletedInZoho, 9004, '2 hours', new Date()); // an invoice deleted in Zoho will never be sent
    store.deleteOrder(gone.id);

    type Entry = { action: string; resource: string; resourceId: string; message: string; detail: { credits?: unknown } };
    const auditOf = async (): Promise<Entry[]> => (await api('GET', `/api/connections/${connectionId}/audit?limit=500`)).json;
    // The credit checks' publications (the order walk may have published these orders too, before their rows existed).
    const creditChecks = async () => (await auditOf()).filter((a) => a.action === 'reconcile' && a.resource === 'order' && /waits for invoice/.test(a.message));
    const sweeps = async () => (await auditOf()).filter((a) => a.resource === 'connection' && a.action === 'reconcile');
    const checked = await eventually(async () => {
      const found = await creditChecks();
      return found.length > 0 ? found : undefined;
    }, 45_000, 250);
    assert.deepEqual(checked.map((a) => Number(a.resourceId)), [due.id]);
    assert.match(checked[0]!.message, new RegExp(`credit note CN-9001 waits for invoice INV-${due.id} to be sent in Zoho \\(open 2 h\\)`));
    const first = (await eventually(async () => (await sweeps()).find((a) => (a.detail.credits as { published?: number } | undefined)?.published === 1), 15_000, 250)).detail.credits;
    assert.deepEqual(first, { awaiting: 3, published: 1, gone: 1 });

    // Later sweeps find nothing due: the next check of the first is at 6 h, of the second at 1 h.
    const before = (await sweeps()).length;
    await sleep(7_000);
    assert.ok((await sweeps()).length > before, 'swept again meanwhile');
    assert.equal((await creditChecks()).length, 1, 'checked once');
  });
});
