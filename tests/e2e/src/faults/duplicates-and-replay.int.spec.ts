import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { Stack } from '../stack';
import { expectBalancedLedger, summary } from './ledger';
import { FAULT_ENV, openShop, orderInput, placeOrders, Shop } from './shop';

/**
 * WooCommerce delivers the same snapshot twice or ten times, delivers an order's snapshots out
 * of order, and an operator replays the audit stream while live orders keep arriving. Every
 * order still has exactly one invoice with its latest total.
 */
describe('duplicate, out-of-order and replayed deliveries under live traffic', () => {
  let stack: Stack;
  let shop: Shop;

  before(async () => {
    stack = await Stack.start(FAULT_ENV, { instances: { 'invoice-sync': 2, 'customer-sync': 2 } });
    shop = await openShop(stack);
  });

  after(async () => {
    await shop?.store.stop();
    await stack?.stop();
  });

  test('the same delivery twice and ten times, at once and later, while orders flow', async (t) => {
    stack.zoho.faults.latency({ min: 5, max: 60 });
    const placing = placeOrders(shop, 30, { intervalMs: 80, batch: 'dup' });
    await sleep(600);
    const firstOrders = shop.store.orders().slice(-6);
    const duplicates: Array<Promise<unknown>> = [];
    const answers: Array<{ httpStatus: number; duplicate?: boolean }> = [];
    for (const [n, order] of firstOrders.entries()) {
      const times = n % 2 === 0 ? 2 : 10;
      // WooCommerce's own repeated deliveries (new delivery id each time, same payload)…
      for (let k = 0; k < times; k++) duplicates.push(shop.store.deliver('order.updated', order.id));
      // …and the very same bytes posted again, concurrently.
      const body = JSON.stringify(shop.store.getOrder(order.id));
      for (let k = 0; k < times; k++) {
        duplicates.push(stack.postSigned(shop.connectionId, 'order.created', body).then(async (res) => answers.push({ ...((await res.json()) as object), httpStatus: res.status })));
      }
    }
    // Customer events repeated too (contacts must not double).
    for (const customerId of shop.customers) for (let k = 0; k < 10; k++) duplicates.push(shop.store.deliver('customer.updated', customerId));
    await Promise.all(duplicates);
    await placing;
    // And once more after everything settled.
    await expectBalancedLedger(shop.ledgerInput());
    for (const order of firstOrders) for (let k = 0; k < 3; k++) await shop.store.deliver('order.updated', order.id);
    await sleep(1_000);
    const report = await expectBalancedLedger(shop.ledgerInput());
    stack.zoho.faults.latency(0);
    assert.ok(answers.every((a) => a.httpStatus === 200), `every repeat is acknowledged: ${JSON.stringify(answers.filter((a) => a.httpStatus !== 200))}`);
    assert.ok(answers.filter((a) => a.duplicate === true).length >= answers.length - firstOrders.length, 'repeats of the same bytes are recognised as duplicates and stored once');
    t.diagnostic(`${duplicates.length} repeated deliveries; ${summary(report)}`);
  });

  test('snapshots out of order: the newer one first, the older one late; updated before created', async (t) => {
    stack.zoho.faults.latency({ min: 5, max: 40 });
    const placing = placeOrders(shop, 20, { intervalMs: 100, batch: 'live-ooo', cancelEvery: 0 });
    const sends: Array<Promise<Response>> = [];
    const edited: WooOrder[] = [];
    shop.store.pauseDeliveries();
    for (let i = 0; i < 12; i++) {
      const order = shop.store.createOrder(orderInput(shop, i, 'ooo', 0));
      const older = JSON.stringify(shop.store.getOrder(order.id));
      const newer = shop.store.updateOrder(order.id, {
        lineItems: order.line_items.map((l) => ({ productId: l.product_id, quantity: l.quantity + 2 })),
        dateModified: Date.now() + 2_000 + i,
      });
      edited.push(newer);
      const newerBody = JSON.stringify(newer);
      if (i % 3 === 0) {
        // Newer first, the older one after it has been applied.
        sends.push(stack.postSigned(shop.connectionId, 'order.updated', newerBody).then(async (res) => {
          await stack.settledOrder(shop.connectionId, order.id, ['synced']);
          return stack.postSigned(shop.connectionId, 'order.created', older);
        }));
      } else if (i % 3 === 1) {
        // Both at once, the older one last on the wire.
        sends.push(stack.postSigned(shop.connectionId, 'order.updated', newerBody));
        sends.push(stack.postSigned(shop.connectionId, 'order.created', older));
      } else {
        // "updated" arrives before "created", and "created" carries the older snapshot.
        sends.push(stack.postSigned(shop.connectionId, 'order.updated', newerBody).then(() => stack.postSigned(shop.connectionId, 'order.created', older)));
      }
    }
    const statuses = (await Promise.all(sends)).map((r) => r.status);
    assert.ok(statuses.every((s) => s === 200), `statuses: ${statuses.join(', ')}`);
    // The store's own queued deliveries (current state) go out as well, late.
    shop.store.resumeDeliveries();
    await placing;
    const report = await expectBalancedLedger(shop.ledgerInput());
    stack.zoho.faults.latency(0);
    for (const order of edited) {
      const record = await stack.settledOrder(shop.connectionId, order.id, ['synced']);
      assert.equal(record.orderTotal, order.total, `order ${order.id} keeps the newer snapshot's total`);
    }
    const story = await stack.api('GET', `/api/connections/${shop.connectionId}/orders/${edited[0]!.id}`);
    assert.ok(story.json.audit.some((e: { message: string }) => /stale snapshot/.test(e.message)), 'the late older snapshot is recorded as stale');
    t.diagnostic(summary(report));
  });

  test('replay of the whole audit stream while live orders flow', async (t) => {
    const probe = await stack.api('POST', `/api/connections/${shop.connectionId}/replay`, { fromSeq: 1 });
    assert.equal(probe.status, 202, JSON.stringify(probe.json));
    stack.zoho.faults.latency({ min: 5, max: 60 });
    const invoicesBefore = stack.zoho.invoices(shop.orgId).length;
    const placing = placeOrders(shop, 30, { intervalMs: 80, batch: 'replay' });
    await sleep(800);
    // A second replay, started while the first one and the live orders are in flight.
    const second = await stack.api('POST', `/api/connections/${shop.connectionId}/replay`, { fromSeq: 1, resource: 'order' });
    assert.equal(second.status, 202, JSON.stringify(second.json));
    await placing;
    const finished = [];
    for (const { replayId } of [probe.json, second.json]) finished.push(await stack.replayDone(replayId, 90_000));
    for (const replay of finished) {
      assert.equal(replay.status, 'done', `replay ${replay.id}: ${JSON.stringify(replay.errors)}`);
      assert.equal(replay.failures, 0, `replay ${replay.id} failures: ${JSON.stringify(replay.failedEvents)}`);
      assert.ok(replay.processed > 0);
    }
    const report = await expectBalancedLedger(shop.ledgerInput());
    stack.zoho.faults.latency(0);
    t.diagnostic(`replays processed ${finished.map((r) => `${r.processed}/${r.total}`).join(' and ')} events; ${stack.zoho.invoices(shop.orgId).length - invoicesBefore} invoices made for the 30 live orders; ${summary(report)}`);
  });
});
