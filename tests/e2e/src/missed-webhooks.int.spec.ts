import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { Stack } from './stack';

/** Orders a backfill hands over per minute in this file: fast enough for a test, slow enough to see the pacing. */
const BACKFILL_PACE = 120;

/**
 * WooCommerce sends each webhook once and disables a webhook that keeps failing. Whatever it never
 * delivered reaches Zoho anyway: the reconciliation sweep reads recent changes over REST, a
 * backfill imports history from a date, disabled webhooks are found and re-activated, and the
 * operator is alerted.
 */
describe('missed webhooks: reconciliation sweep, backfill, webhook health and alerts', () => {
  let stack: Stack;
  let alerts: AlertReceiver;
  const stores: FakeWooStore[] = [];

  before(async () => {
    alerts = await AlertReceiver.start();
    // Sweeps run on demand here (the schedule would race the assertions); alerts are polled each second.
    stack = await Stack.start({ RECONCILE_INTERVAL_SECONDS: '0', BACKFILL_EVENTS_PER_MINUTE: String(BACKFILL_PACE), ALERT_POLL_SECONDS: '1' });
  });

  after(async () => {
    for (const store of stores) await store.stop();
    await stack?.stop();
    await alerts?.stop();
  });

  async function shop(name: string, options: Parameters<typeof FakeWooStore.start>[0] = {}) {
    const orgId = stack.zoho.createOrganization({ name, taxes: [{ name: 'VAT 20', percentage: 20 }] }).organization_id;
    const store = await FakeWooStore.start(options);
    stores.push(store);
    const product = store.createProduct({ name: 'Mug', sku: `MUG-${stores.length}`, regularPrice: '12.50' });
    return { orgId, store, product };
  }

  const guestOrder = (store: FakeWooStore, productId: number, n: number): WooOrder =>
    store.createOrder({
      customer: { billing: { first_name: 'Guest', last_name: String(n), email: `guest${n}@example.com`, country: 'DE' } },
      lineItems: [{ productId, quantity: n }],
    });

  function invoicesOf(orgId: string, order: WooOrder) {
    return stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === order.number);
  }

  test('orders placed while deliveries are held reach Zoho through the sweep, exactly once, even after the held deliveries arrive', async () => {
    const { orgId, store, product } = await shop('Sweep Ltd');
    const connectionId = await stack.connect(store, orgId);
    store.pauseDeliveries();
    const customer = store.createCustomer({ email: 'held.customer@example.com', firstName: 'Held', lastName: 'Customer' });
    const orders = [1, 2, 3].map((n) => guestOrder(store, product.id, n));
    assert.ok(store.pendingDeliveries() > 0, 'the deliveries are held in the store');

    const first = await stack.api('POST', `/api/connections/${connectionId}/reconcile`);
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.ok, true);
    assert.equal(first.json.orders.published, 3);
    assert.ok(first.json.customers.published >= 1, 'the held customer is fed too');
    for (const order of orders) {
      const record = await stack.settledOrder(connectionId, order.id, ['synced'], { until: (r) => r.modifiedGmt === order.date_modified_gmt });
      assert.equal(record.state, 'synced');
      assert.equal(invoicesOf(orgId, order).length, 1);
    }
    await eventually(() => stack.zoho.contacts(orgId).some((c) => c.contact_persons.some((p) => p.email === customer.email)), 15_000);

    // A second sweep finds everything in step: the overlap re-reads the last seconds, publishes nothing.
    const second = await stack.api('POST', `/api/connections/${connectionId}/reconcile`);
    assert.equal(second.status, 200, JSON.stringify(second.json));
    assert.equal(second.json.orders.published, 0);
    assert.ok(second.json.orders.inStep >= 1, 'the overlap re-read orders and found them in step');

    // Now WooCommerce's queue runs: the held deliveries arrive late and change nothing.
    store.resumeDeliveries();
    await store.flushDeliveries();
    await sleep(2_000);
    for (const order of orders) {
      assert.equal(invoicesOf(orgId, order).length, 1, `order ${order.number} has exactly one invoice`);
      assert.equal((await stack.settledOrder(connectionId, order.id)).state, 'synced');
    }
    assert.equal(stack.zoho.invoices(orgId).length, 3);

    const events = await stack.api('GET', `/api/connections/${connectionId}/events?limit=500`);
    const reconciled = events.json.filter((e: { origin: string; topic: string }) => e.origin === 'reconcile' && e.topic === 'order.updated');
    assert.deepEqual(new Set(reconciled.map((e: { resourceId: string }) => Number(e.resourceId))), new Set(orders.map((o) => o.id)));
    const story = await stack.api('GET', `/api/connections/${connectionId}/orders/${orders[0]!.id}`);
    assert.ok(story.json.audit.some((a: { action: string; message: string }) => a.action === 'reconcile' && /no sync record/.test(a.message)), 'the order story says the sweep found it');
  });

  test('registering webhooks says whether the store reached Connector: its creation ping arrived, or did not and why', async () => {
    const reachable = await shop('Reachable Ltd');
    const reached = stack.webhookRegistrations.get(await stack.connect(reachable.store, reachable.orgId))!.deliveryCheck;
    assert.equal(reached.status, 'reached');

    // WooCommerce's wp_safe_remote_post refuses loopback addresses, such as this stack's gateway.
    const { orgId, store } = await shop('Unreachable Ltd', { rejectUnsafeUrls: true });
    const connectionId = await stack.connect(store, orgId, {}, { storeUnreachable: true });
    const registration = stack.webhookRegistrations.get(connectionId)!;
    assert.equal(ourWebhooks(store, connectionId).length, 4, 'WooCommerce creates the webhooks anyway');
    assert.equal(registration.deliveryCheck.status, 'not-reached');
    assert.match(registration.deliveryCheck.message, new RegExp(`did not reach ${registration.deliveryUrl.replace(/[.?]/g, '\\$&')}`));
    assert.match(registration.deliveryCheck.message, /127\.0\.0\.1 is a loopback or private address/);

    const again = await stack.api('POST', `/api/connections/${connectionId}/webhooks`);
    assert.equal(again.status, 200);
    assert.equal(again.json.deliveryCheck.status, 'not-tested', 'nothing created, so nothing pinged');
  });

  test('a disabled webhook is reported and re-activated; orders it missed come through the sweep', async () => {
    const { orgId, store, product } = await shop('Disabled Hooks Ltd');
    const connectionId = await stack.connect(store, orgId);
    const orderHook = ourWebhooks(store, connectionId).find((w) => w.topic === 'order.created')!;
    await store.setWebhookStatus(orderHook.id, 'disabled');
    await store.setWebhookStatus(ourWebhooks(store, connectionId).find((w) => w.topic === 'order.updated')!.id, 'disabled');
    const missed = guestOrder(store, product.id, 4);
    await store.flushDeliveries();

    const before = await stack.api('GET', `/api/connections/${connectionId}/webhooks`);
    assert.equal(before.status, 200);
    assert.equal(before.json.healthy, false);
    assert.deepEqual(before.json.problems.map((p: { topic: string; status: string }) => `${p.topic}:${p.status}`).sort(), ['order.created:disabled', 'order.updated:disabled']);

    const sweep = await stack.api('POST', `/api/connections/${connectionId}/reconcile`);
    assert.equal(sweep.status, 200, JSON.stringify(sweep.json));
    assert.equal(sweep.json.webhooks.repaired, true);
    assert.equal(sweep.json.webhooks.healthy, true);
    assert.equal(sweep.json.orders.published, 1);
    assert.ok(ourWebhooks(store, connectionId).every((w) => w.status === 'active'), 'every webhook is active again');
    const afterRepair = await stack.api('GET', `/api/connections/${connectionId}/webhooks`);
    assert.equal(afterRepair.json.healthy, true);
    assert.deepEqual(afterRepair.json.webhooks.map((w: { topic: string }) => w.topic).sort(), ['customer.created', 'customer.updated', 'order.created', 'order.updated']);

    const audit = await stack.api('GET', `/api/connections/${connectionId}/audit?limit=50`);
    const reactivated = audit.json.filter((a: { action: string }) => a.action === 'reactivate-webhook');
    assert.equal(reactivated.length, 2);
    assert.ok(reactivated.some((a: { resourceId: string; message: string }) => a.resourceId === String(orderHook.id) && /disabled; repaired/.test(a.message)));

    await stack.settledOrder(connectionId, missed.id, ['synced']);
    assert.equal(invoicesOf(orgId, missed).length, 1);
    // Deliveries flow again through the re-activated webhook.
    const live = guestOrder(store, product.id, 5);
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, live.id, ['synced']);
    assert.ok(store.deliveries.some((d) => d.resourceId === live.id && d.webhookId === orderHook.id && d.success));
  });

  test('backfill from a date: paced, done with processed = total, one invoice per order; a second one finds all in step', async () => {
    const { orgId, store, product } = await shop('Backfill Ltd');
    const since = new Date(Date.now() - 60_000);
    // History: orders placed before the store was connected, so no webhook ever carried them.
    const history = [1, 2, 3, 4].map((n) => guestOrder(store, product.id, n));
    await sleep(1_100); // the job's window ends at its start; keep history clear of it by a second
    const connectionId = await stack.connect(store, orgId);

    const started = await stack.api('POST', `/api/connections/${connectionId}/backfill`, { since: since.toISOString() });
    assert.equal(started.status, 202, JSON.stringify(started.json));
    const job = await followBackfill(started.json.jobId);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.total, 4);
    assert.equal(job.processed, job.total);
    assert.equal(job.published, 4);
    assert.deepEqual(job.failures, []);
    assert.equal(job.connectionId, connectionId);
    assert.equal(job.since, since.toISOString());
    assert.ok(job.startedAt && job.finishedAt);

    for (const order of history) {
      assert.equal((await stack.settledOrder(connectionId, order.id, ['synced'])).state, 'synced');
      assert.equal(invoicesOf(orgId, order).length, 1);
    }
    const events = await stack.api('GET', `/api/connections/${connectionId}/events?limit=500`);
    const times = events.json
      .filter((e: { origin: string }) => e.origin === 'backfill')
      .map((e: { time: string }) => Date.parse(e.time))
      .sort((a: number, b: number) => a - b);
    assert.equal(times.length, 4);
    const interval = 60_000 / BACKFILL_PACE;
    assert.ok(times[3] - times[0] >= 3 * interval * 0.9, `published at the pace (${times[3] - times[0]} ms for 4 at ${interval} ms apart)`);

    const again = await stack.api('POST', `/api/connections/${connectionId}/backfill`, { since: since.toISOString() });
    assert.equal(again.status, 202);
    const second = await followBackfill(again.json.jobId);
    assert.equal(second.status, 'done');
    assert.equal(second.processed, 4);
    assert.equal(second.published, 0, 'orders already in step are left alone');
    assert.equal(stack.zoho.invoices(orgId).length, 4);

    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/backfill`, { since: 'yesterday' })).status, 400);
    assert.equal((await stack.api('GET', `/api/backfills/00000000-0000-4000-8000-000000000000`)).status, 404);
  });

  test('alerts: a failed order and a disabled webhook each reach the alert webhook once', async () => {
    const { orgId, store, product } = await shop('Alerting Ltd', { taxRates: [{ id: 7, rate: '7.0000', label: 'Eco levy' }] });
    const connectionId = await stack.connect(store, orgId, { alertWebhookUrl: alerts.url('alerting') });

    const order = guestOrder(store, product.id, 1);
    await store.flushDeliveries();
    const failed = await stack.settledOrder(connectionId, order.id, ['failed']);
    assert.match(failed.reason, /Eco levy/);
    const orderAlert = await eventually(() => alerts.received('alerting').find((text) => text.includes(`order ${order.number}`)), 15_000);
    assert.match(orderAlert, /^Connector — e2e USD store: An order could not be invoiced in Zoho Books/);
    assert.match(orderAlert, /Eco levy/);

    await store.setWebhookStatus(ourWebhooks(store, connectionId).find((w) => w.topic === 'order.updated')!.id, 'disabled');
    const sweep = await stack.api('POST', `/api/connections/${connectionId}/reconcile`);
    assert.equal(sweep.json.webhooks.repaired, true);
    const hookAlert = await eventually(() => alerts.received('alerting').find((text) => /stopped delivering webhooks/.test(text)), 10_000);
    assert.match(hookAlert, /order\.updated is disabled\. They were re-activated/);

    // More polls and another sweep: nothing is alerted twice.
    await stack.api('POST', `/api/connections/${connectionId}/reconcile`);
    await sleep(3_500);
    assert.equal(alerts.received('alerting').filter((text) => text.includes(`order ${order.number}`)).length, 1);
    assert.equal(alerts.received('alerting').filter((text) => /stopped delivering webhooks/.test(text)).length, 1);
    assert.equal(alerts.received('alerting').length, 2);
    assert.ok(!stack.logs('token-service').includes(alerts.url('alerting')), 'the alert URL (a credential) is never logged');
  });

  async function followBackfill(jobId: string) {
    return eventually(async () => {
      const res = await stack.api('GET', `/api/backfills/${jobId}`);
      assert.equal(res.status, 200);
      return res.json.done ? res.json : undefined;
    }, 60_000, 200);
  }
});

function ourWebhooks(store: FakeWooStore, connectionId: string) {
  return store.webhooks().filter((w) => w.delivery_url.endsWith(`/webhooks/woocommerce/${connectionId}`));
}


/** A tiny Slack-style incoming webhook: records the `text` of every POST by path. */
class AlertReceiver {
  private readonly texts = new Map<string, string[]>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<AlertReceiver> {
    let receiver!: AlertReceiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const key = (req.url ?? '').replace(/^\/hooks\//, '');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string };
        receiver.texts.set(key, [...(receiver.texts.get(key) ?? []), body.text]);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    receiver = new AlertReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(name: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/${name}`;
  }

  received(name: string): string[] {
    return this.texts.get(name) ?? [];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
