import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { everyEventNoted, OrderStoryBase, Stack } from './stack';

const MINUTE_MS = 60_000;

interface CreditView {
  refundId: number;
  state: string;
}

/**
 * A refund whose `order.updated` never arrived is booked by the reconciliation sweep, once. Current
 * WooCommerce moves the order's date_modified with a refund, so the walk by modification time finds
 * it; before 7.6 a partial refund left date_modified as it was, and deleting a refund never moves
 * it, so only the sweep's daily pass over recent orders' refunds finds those.
 *
 * The store's clock runs behind at first, so that the refunded order is not the newest one: the
 * walk re-reads the last seconds before its checkpoint, which would otherwise find any order.
 */
describe('missed refunds: the reconciliation sweep books a refund whose webhook was lost, once', () => {
  let stack: Stack;
  const stores: FakeWooStore[] = [];

  before(async () => {
    // Sweeps run on demand here: the schedule would race the assertions.
    stack = await Stack.start({ RECONCILE_INTERVAL_SECONDS: '0' });
  });

  after(async () => {
    for (const store of stores) await store.stop();
    await stack?.stop();
  });

  /**
   * A connected store (at `wooVersion`) with an order invoiced `minutesAgo` by the store's clock and
   * a newer one invoiced now, swept once, so the sweep's checkpoint is past the older order.
   */
  async function shopWithOlderOrder(name: string, wooVersion?: string, minutesAgo = 10) {
    const orgId = stack.zoho.createOrganization({ name, taxes: [{ name: 'VAT 20', percentage: 20 }] }).organization_id;
    let offsetMs = 0;
    const setClock = (minutesFromNow: number) => (offsetMs = minutesFromNow * MINUTE_MS);
    const store = await FakeWooStore.start({ wooVersion, now: () => Date.now() + offsetMs });
    stores.push(store);
    // Connected on time: a request signed with OAuth 1.0a is refused 15 minutes off the store's clock.
    const connectionId = await stack.connect(store, orgId);
    setClock(-minutesAgo);
    const product = store.createProduct({ name: 'Mug', sku: `MUG-${stores.length}`, regularPrice: '12.50' });
    const order = (n: number): WooOrder =>
      store.createOrder({
        customer: { billing: { first_name: 'Guest', last_name: String(n), email: `guest${n}@example.com`, country: 'DE' } },
        lineItems: [{ productId: product.id, quantity: 2 }],
      });
    const older = order(1);
    await store.flushDeliveries();
    await invoiced(connectionId, older);
    setClock(0);
    const newer = order(2);
    await store.flushDeliveries();
    await invoiced(connectionId, newer);
    const first = await sweep(connectionId);
    assert.equal(first.orders.checkpoint, newer.date_modified_gmt, 'the checkpoint is past the older order');
    return { orgId, store, connectionId, older, setClock };
  }

  async function invoiced(connectionId: string, order: WooOrder) {
    const record = await stack.settledOrder(connectionId, order.id, ['synced'], { until: (r) => r.modifiedGmt === order.date_modified_gmt });
    assert.equal(record.state, 'synced', `order ${order.id}: ${record.reason}`);
  }

  async function sweep(connectionId: string) {
    const res = await stack.api('POST', `/api/connections/${connectionId}/reconcile`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json;
  }

  async function creditOf(connectionId: string, orderId: number, refundId: number, state = 'credited'): Promise<CreditView> {
    const story = async () => (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json as OrderStoryBase & { creditNotes: CreditView[] };
    try {
      return await eventually(async () => {
        const current = await story();
        return everyEventNoted(current) ? current.creditNotes.find((c) => c.refundId === refundId && c.state === state) : undefined;
      }, 30_000, 100);
    } catch (error) {
      const { creditNotes, audit } = await story();
      throw new Error(`refund ${refundId} of order ${orderId} never ${state}: ${JSON.stringify({ creditNotes, audit: audit.map((e) => `${e.action}: ${e.message}`) })}`, { cause: error });
    }
  }

  const creditNotesFor = (orgId: string, order: WooOrder, refundId: number) =>
    stack.zoho.creditNotes(orgId).filter((note) => note.reference_number === `${order.number}-R${refundId}`);

  /** The held deliveries arrive late and change nothing. */
  async function deliverLate(store: FakeWooStore) {
    store.resumeDeliveries();
    await store.flushDeliveries();
    await sleep(2_000);
  }

  test('current WooCommerce: the refund moves the order, the walk by modification time publishes it, one credit note; the next sweep publishes nothing', async () => {
    const { orgId, store, connectionId, older } = await shopWithOlderOrder('Refund Sweep Ltd');
    store.pauseDeliveries();
    const refunded = store.refundOrder(older.id, { amount: '5.00', reason: 'scratched' });
    const refundId = refunded.refunds[0]!.id;
    assert.notEqual(refunded.date_modified_gmt, older.date_modified_gmt);
    assert.ok(store.pendingDeliveries() > 0, 'the order.updated is held in the store');

    const found = await sweep(connectionId);
    assert.equal(found.orders.published, 1, JSON.stringify(found.orders));
    assert.equal(found.refunds.ran, true, 'a manual sweep makes the refund pass');
    assert.equal(found.refunds.published, 0, 'the refund pass finds the snapshot published already, or booked');
    await creditOf(connectionId, older.id, refundId);
    assert.equal(creditNotesFor(orgId, older, refundId).length, 1);

    const again = await sweep(connectionId);
    assert.equal(again.orders.published, 0);
    assert.equal(again.refunds.published, 0);
    assert.ok(again.refunds.examined >= 2, 'both orders were read for refunds');

    await deliverLate(store);
    assert.equal(creditNotesFor(orgId, older, refundId).length, 1, 'exactly one credit note');
    assert.equal((await creditOf(connectionId, older.id, refundId)).state, 'credited');
  });

  test('WooCommerce 7.5: a partial refund leaves date_modified as it was, the walk misses it, the refund pass books it once and then leaves it', async () => {
    const { orgId, store, connectionId, older } = await shopWithOlderOrder('Old Woo Ltd', '7.5.1');
    store.pauseDeliveries();
    const refunded = store.refundOrder(older.id, { amount: '5.00', reason: 'scratched' });
    const refundId = refunded.refunds[0]!.id;
    assert.equal(refunded.date_modified_gmt, older.date_modified_gmt, 'WooCommerce 7.5 does not save the order on a partial refund');

    const found = await sweep(connectionId);
    assert.equal(found.orders.published, 0, 'no modified_after lists the order: the audit\'s finding');
    assert.equal(found.refunds.published, 1, JSON.stringify(found.refunds));
    await creditOf(connectionId, older.id, refundId);
    assert.equal(creditNotesFor(orgId, older, refundId).length, 1);
    const story = (await stack.api('GET', `/api/connections/${connectionId}/orders/${older.id}`)).json;
    assert.ok(
      story.audit.some((a: { action: string; message: string }) => a.action === 'reconcile' && a.message.includes(`refund ${refundId} in the store never credited`)),
      'the order story says why the sweep published it',
    );

    const again = await sweep(connectionId);
    assert.equal(again.orders.published, 0);
    assert.equal(again.refunds.published, 0, 'a refund booked is not published again');

    await deliverLate(store);
    assert.equal(creditNotesFor(orgId, older, refundId).length, 1, 'exactly one credit note');
  });

  test('a refund deleted in a store that sends no webhook for it (before 11.2) has its credit note voided by the refund pass', async () => {
    const { orgId, store, connectionId, older, setClock } = await shopWithOlderOrder('Deleted Refund Ltd', '11.1.0', 20);
    setClock(-10);
    const refundId = store.refundOrder(older.id, { amount: '5.00' }).refunds[0]!.id;
    await store.flushDeliveries();
    await creditOf(connectionId, older.id, refundId);
    setClock(0);
    const deleted = store.deleteRefund(older.id, refundId);
    assert.deepEqual(deleted.refunds, []);
    await store.flushDeliveries();
    assert.equal(store.pendingDeliveries(), 0, 'WooCommerce 11.1 sends nothing for a deleted refund');

    const found = await sweep(connectionId);
    assert.equal(found.orders.published, 0, 'deleting a refund does not move date_modified');
    assert.equal(found.refunds.published, 1, JSON.stringify(found.refunds));
    await creditOf(connectionId, older.id, refundId, 'voided');
    const [note] = creditNotesFor(orgId, older, refundId);
    assert.equal(note?.status, 'void');

    const again = await sweep(connectionId);
    assert.equal(again.refunds.published, 0, 'a voided credit note is in step');
  });
});
