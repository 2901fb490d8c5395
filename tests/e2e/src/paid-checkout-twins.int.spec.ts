import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Stack } from './stack';
import { expectBalancedLedger, summary } from './faults/ledger';
import { FAULT_ENV, openShop, orderInput, Shop } from './faults/shop';

/**
 * A paid checkout sends order.created and order.updated with the same snapshot, and both are
 * stored. With more event slots than the former fixed database pool of 10 (CONCURRENCY=16), a
 * burst of such pairs is invoiced once each: the twin of an event in hand is settled at once and
 * audited, and the pool, sized from CONCURRENCY, never starves.
 */
describe('paid checkouts (created + updated twins) with CONCURRENCY=16', () => {
  let stack: Stack;
  let shop: Shop;

  before(async () => {
    stack = await Stack.start({ ...FAULT_ENV, CONCURRENCY: '16' });
    shop = await openShop(stack);
  });

  after(async () => {
    await shop?.store.stop();
    await stack?.stop();
  });

  test('each pair makes one invoice; the twin is skipped and audited', async (t) => {
    // Slow Zoho answers keep the first of each pair in hand while its twin arrives.
    stack.zoho.faults.latency({ min: 100, max: 200 });
    shop.store.pauseDeliveries();
    const orders = Array.from({ length: 24 }, (_, i) => shop.store.createOrder(orderInput(shop, i, 'twin', 0)));
    for (const order of orders) {
      const body = JSON.stringify(shop.store.getOrder(order.id));
      for (const topic of ['order.created', 'order.updated']) {
        const res = await stack.postSigned(shop.connectionId, topic, body);
        assert.equal(res.status, 200, `${topic} of order ${order.id}`);
      }
    }
    const report = await expectBalancedLedger(shop.ledgerInput());
    stack.zoho.faults.latency(0);

    let twins = 0;
    for (const order of orders) {
      const story = await stack.api('GET', `/api/connections/${shop.connectionId}/orders/${order.id}`);
      const entries = (story.json.audit as Array<{ service: string; action: string; outcome: string; message: string; streamSeq: string }>)
        .filter((e) => e.service === 'invoice-sync');
      assert.deepEqual(entries.filter((e) => e.outcome === 'ok').map((e) => e.action), ['create-invoice'], `order ${order.id}: ${JSON.stringify(entries)}`);
      assert.equal(entries.filter((e) => e.outcome === 'skipped').length, 1, `order ${order.id}: the second event is skipped`);
      assert.deepEqual(story.json.streamSeqs.length, 2, `order ${order.id}: both events are listed in its story`);
      const twin = entries.find((e) => /^same snapshot as event seq \d+, being handled now$/.test(e.message));
      if (twin) {
        twins++;
        const created = entries.find((e) => e.action === 'create-invoice')!;
        assert.equal(twin.message, `same snapshot as event seq ${created.streamSeq}, being handled now`, 'the skip names the event that invoiced');
      }
    }
    assert.ok(twins > 0, 'twins that arrive while the first is in hand are settled without waiting for the lock');
    // The store's own queued deliveries (the same snapshots, late) change nothing.
    shop.store.resumeDeliveries();
    await shop.store.flushDeliveries();
    await expectBalancedLedger(shop.ledgerInput());
    t.diagnostic(`${twins} of ${orders.length} twins settled while the first was in hand; ${summary(report)}`);
  });
});
