import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@connector/common';
import { eventually } from '@connector/testing';
import { Stack } from '../stack';
import { expectBalancedLedger, summary } from './ledger';
import { ZohoProxy } from './zoho-proxy';
import { expectAcknowledgedStored, FAULT_ENV, openShop, placeOrders, recoverMissedDeliveries, Shop } from './shop';

/**
 * Processes die (SIGKILL: no shutdown hook runs, nothing is acked or cleaned up) while orders are
 * in flight, with two instances of every sync service sharing the work. Afterwards the store and
 * Zoho agree: every order has exactly one invoice, every email one contact, every SKU one item.
 */
describe('services killed mid-processing, two instances of each sync service', () => {
  let stack: Stack;
  let shop: Shop;
  let proxy: ZohoProxy;

  before(async () => {
    stack = await Stack.start(FAULT_ENV, { instances: { 'customer-sync': 2, 'catalog-sync': 2, 'invoice-sync': 2 } });
    proxy = await ZohoProxy.start(stack.zoho);
    shop = await openShop(stack, { accountsUrl: proxy.url });
  });

  after(async () => {
    await shop?.store.stop();
    await stack?.stop();
    await proxy?.stop();
  });

  test('two instances of each sync service share the load and create nothing twice', async (t) => {
    stack.zoho.faults.latency({ min: 5, max: 60 });
    await placeOrders(shop, 36, { intervalMs: 40, batch: 'share' });
    t.diagnostic(summary(await expectBalancedLedger(shop.ledgerInput(), { minOrders: 25 })));
    stack.zoho.faults.latency(0);
    for (const key of stack.instancesOf('invoice-sync')) {
      const acked = await stack.counter(key, 'connector_events_settled_total', { consumer: 'invoice-sync', outcome: 'ack' });
      assert.ok(acked > 0, `${key} handled no order event: the durable consumer is not shared`);
    }
    assert.deepEqual(stack.crashes(), []);
  });

  /** Orders whose sync record is claimed (`creating`): their create call has been sent. */
  async function claimedOrders(): Promise<number[]> {
    const rows: Array<{ order_id: string }> = await stack.db.dataSource.query(
      `SELECT order_id FROM order_syncs WHERE connection_id = $1 AND state = 'creating'`,
      [shop.connectionId],
    );
    return rows.map((r) => Number(r.order_id));
  }

  async function placingDone(placing: Promise<unknown>): Promise<boolean> {
    return Promise.race([placing.then(() => true), sleep(0).then(() => false)]);
  }

  const killInvoiceSync = () => Promise.all(stack.instancesOf('invoice-sync').map((key) => stack.kill(key)));
  const restartInvoiceSync = () => Promise.all(stack.instancesOf('invoice-sync').map((key) => stack.restartService(key)));

  test('invoice-sync SIGKILLed while its creates are on the way to Zoho (claimed, not yet created)', async (t) => {
    // Zoho takes 1.5 s before it handles a call; the processes die within that delay.
    stack.zoho.faults.latency(1_500);
    const placing = placeOrders(shop, 16, { intervalMs: 20, batch: 'claim', newProductEvery: 0, editEvery: 0, cancelEvery: 0 });
    const claimed = await eventually(async () => ((await claimedOrders()).length >= 3 ? claimedOrders() : undefined), 30_000, 20);
    await killInvoiceSync();
    await placing;
    stack.zoho.faults.latency(0);
    await restartInvoiceSync();
    t.diagnostic(`${claimed.length} orders claimed when killed; ${summary(await expectBalancedLedger(shop.ledgerInput()))}`);
  });

  test("invoice-sync SIGKILLed between Zoho's create and the ack: the invoice is adopted, not made twice", async (t) => {
    // Zoho creates each invoice at once, but its answer is held back for 4 s: the processes die
    // with invoices committed in Zoho that they never heard of and events they never acked.
    proxy.holdAnswers({ method: 'POST', pathPrefix: '/books/v3/invoices', ms: 4_000 });
    const placing = placeOrders(shop, 16, { intervalMs: 20, batch: 'ack', newProductEvery: 0, editEvery: 0, cancelEvery: 0 });
    await eventually(() => proxy.inFlight().filter((h) => h.status === 201).length >= 3, 30_000, 20);
    const unseen = proxy.inFlight().filter((h) => h.status === 201 && h.reference).map((h) => h.reference!);
    await killInvoiceSync();
    await placing;
    proxy.holdAnswers();
    await restartInvoiceSync();
    const report = await expectBalancedLedger(shop.ledgerInput());
    // Each invoice created unseen was found again by its reference number and never created twice.
    for (const reference of unseen) {
      const creates = stack.zoho.calls.filter((c) => c.method === 'POST' && c.resourcePath === '/invoices' && c.status === 201 && (c.body as { reference_number?: string })?.reference_number === reference);
      assert.equal(creates.length, 1, `order #${reference}: ${creates.length} invoice creates`);
      const searched = stack.zoho.calls.some((c) => c.method === 'GET' && c.resourcePath === '/invoices' && c.query.reference_number === reference);
      assert.ok(searched, `order #${reference}: Zoho was searched for the invoice made unseen`);
    }
    t.diagnostic(`${unseen.length} invoices created unseen (orders ${unseen.join(', ')}), each found again by reference, none created twice; ${summary(report)}`);
  });

  test('customer-sync and catalog-sync SIGKILLed between Zoho creating a contact or item and storing the link', async (t) => {
    proxy.holdAnswers(
      { method: 'POST', pathPrefix: '/books/v3/contacts', ms: 4_000 },
      { method: 'POST', pathPrefix: '/books/v3/items', ms: 4_000 },
    );
    const placing = placeOrders(shop, 16, { intervalMs: 30, batch: 'links', newProductEvery: 2, editEvery: 0 });
    const held = (kind: string) => proxy.inFlight().filter((h) => h.status === 201 && h.path.endsWith(kind)).length;
    await eventually(() => held('/contacts') >= 1 && held('/items') >= 1, 30_000, 20);
    const unseen = `${held('/contacts')} contacts and ${held('/items')} items`;
    const victims = [...stack.instancesOf('customer-sync'), ...stack.instancesOf('catalog-sync')];
    await Promise.all(victims.map((key) => stack.kill(key)));
    await placing;
    proxy.holdAnswers();
    await Promise.all(victims.map((key) => stack.restartService(key)));
    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: 120_000 });
    t.diagnostic(`${unseen} created in Zoho unseen by the killed processes; ${summary(report)}`);
  });

  test('every service SIGKILLed in turn and restarted while orders flow', async (t) => {
    stack.zoho.faults.latency({ min: 10, max: 150 });
    const mark = shop.store.deliveries.length;
    // Orders keep coming for the whole sequence of kills, however long the restarts take on this
    // machine (a second or two each), and stop once the last service is back.
    let restartsDone = false;
    const placing = placeOrders(shop, 200, { intervalMs: 300, batch: 'kill', until: () => restartsDone });
    const victims = ['invoice-sync', 'webhook-gateway', 'customer-sync#2', 'catalog-sync', 'token-service', 'invoice-sync#2', 'customer-sync', 'catalog-sync#2'] as const;
    const killed: string[] = [];
    for (const victim of victims) {
      await sleep(400);
      killed.push(`${victim}${(await placingDone(placing)) ? ' (after the load)' : ''}`);
      await stack.restartService(victim);
    }
    await sleep(600); // a few orders after the last restart, too
    restartsDone = true;
    await placing;
    stack.zoho.faults.latency(0);
    // The deliveries refused while the gateway was down: WooCommerce does not retry them.
    await shop.store.flushDeliveries();
    const refused = shop.store.deliveries.slice(mark).filter((d) => !d.success).length;
    await expectAcknowledgedStored(shop, mark);
    const recovery = await recoverMissedDeliveries(shop, mark);
    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: 120_000 });
    t.diagnostic(`killed: ${killed.join(', ')}; ${refused} deliveries refused while the gateway was down, ${recovery.missed} recovered via ${recovery.via}; ${summary(report)}`);
    assert.ok(!killed.some((k) => k.includes('after the load')), `every kill must happen while orders are placed: ${killed.join(', ')}`);
    assert.deepEqual(stack.crashes(), []);
    assert.deepEqual(await stack.notReady(), []);
  });
});
