import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { everyEventNoted, OrderStoryBase, Stack } from './stack';

interface OrderStory extends OrderStoryBase {
  payment: { state: string } | null;
  creditNotes: Array<{ refundId: number; state: string; reason: string | null; cashRefund: { id: string; amount: string | null } | null }>;
}

/** The Zoho write each planned action stands for (`:id` for Zoho ids); null: no write (a document adopted). */
const WRITE_OF: Record<string, string | null> = {
  'create-item': 'POST /books/v3/items',
  'record-payment': 'POST /books/v3/customerpayments',
  'create-credit-note': 'POST /books/v3/creditnotes',
  'recover-credit-note': null,
  'apply-credit': 'POST /books/v3/creditnotes/:id/invoices',
  'give-back-credit': 'POST /books/v3/creditnotes/:id/refunds',
  'take-back-refund': 'DELETE /books/v3/creditnotes/:id/refunds/:id',
  'void-credit-note': 'POST /books/v3/creditnotes/:id/status/void',
};

/**
 * Dry runs of order replays where the refund step has work left: the list a dry run gives is
 * compared, write by write, with what the real replay then does in (fake) Zoho. Each case leaves
 * the live run short of a refund write the dry run used not to list: money given back for a credit
 * a draft left open, a credit note whose claim lost its answer and whose refund is gone, the money
 * given back taken back before a deleted refund's credit note is voided.
 */
describe('replay dry runs list every refund write the real replay makes', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  let customerId: number;
  let mug: number;

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({ name: 'Dry Run Books Ltd', currencyCode: 'EUR', taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
    store = await FakeWooStore.start({ currency: 'EUR', timeZone: 'Europe/Berlin', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
    mug = store.createProduct({ name: 'Mug', sku: 'MUG-D', regularPrice: '12.99' }).id;
    customerId = store.createCustomer({
      email: 'dry.run@example.com', firstName: 'Dora', lastName: 'Dry',
      billing: { first_name: 'Dora', last_name: 'Dry', address_1: '1 Main St', city: 'Berlin', postcode: '10115', country: 'DE' },
    }).id;
    connectionId = await stack.connect(store, orgId, { paymentAccountId: '460000000000358' });
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  const story = async (orderId: number) => (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json as OrderStory;

  const setSetting = (key: string, value: string | null) =>
    stack.db.dataSource.query(
      value === null ? `UPDATE connections SET settings = settings - $2::text WHERE id = $1` : `UPDATE connections SET settings = settings || jsonb_build_object($2::text, $3::text) WHERE id = $1`,
      value === null ? [connectionId, key] : [connectionId, key, value],
    );

  /** Zoho writes since `mark`, Zoho ids as `:id`. */
  const writesSince = (mark: number) =>
    stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);

  async function paidOrder(): Promise<WooOrder> {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: mug, quantity: 2 }], paymentMethod: 'stripe', paymentMethodTitle: 'Credit Card (Stripe)', transactionId: `ch_${Date.now()}` });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['synced']);
    return order;
  }

  /** Refunds an amount of the order in the store and waits for its credit note. */
  async function refunded(order: WooOrder, amount: string): Promise<number> {
    await sleep(1_100); // a refund comes seconds after its order (snapshots of one second are told apart by content only)
    store.refundOrder(order.id, { amount });
    await store.flushDeliveries();
    const refundId = store.getOrder(order.id).refunds[0].id;
    await eventually(async () => {
      const current = await story(order.id);
      return current.creditNotes.some((c) => c.refundId === refundId && c.state === 'credited') && everyEventNoted(current) ? true : undefined;
    }, 30_000, 100);
    return refundId;
  }

  /** Runs `work` while Zoho refuses `match` for good: the order's event waits as a dead letter. */
  async function deadLettered(order: WooOrder, match: { method: string; pathPrefix: string }, work: () => Promise<void>): Promise<void> {
    const letters = (await story(order.id)).deadLetters.length;
    stack.zoho.faults.next(1_000, { status: 400, code: 4, message: 'Refused for the test', match });
    try {
      await work();
      await eventually(async () => ((await story(order.id)).deadLetters.length > letters ? true : undefined), 30_000, 100);
    } finally {
      stack.zoho.faults.clear();
    }
  }

  /** A dry run of the order's events, then the real replay: the writes the first lists are the writes the second makes. */
  async function dryRunThenReplay(order: WooOrder): Promise<{ planned: Array<{ action: string; message: string }>; writes: string[] }> {
    const fromSeq = Math.min(...(await story(order.id)).streamSeqs);
    const mark = stack.zoho.mark();
    const dry = await stack.replay(connectionId, { fromSeq, resource: 'order', dryRun: true });
    assert.deepEqual([dry.status, dry.failures], ['done', 0], JSON.stringify(dry.failedEvents));
    assert.deepEqual(writesSince(mark), [], 'the dry run writes nothing to Zoho');
    const planned = (dry.planned as Array<{ action: string; message: string; resourceId: string }>).filter((p) => p.resourceId === String(order.id));
    const real = await stack.replay(connectionId, { fromSeq, resource: 'order' });
    assert.deepEqual([real.status, real.failures], ['done', 0], JSON.stringify(real.failedEvents));
    const writes = writesSince(mark);
    assert.deepEqual(
      writes,
      planned.map((p) => WRITE_OF[p.action]).filter((write): write is string => write !== null),
      `the dry run listed ${JSON.stringify(planned.map((p) => p.message))}`,
    );
    return { planned, writes };
  }

  test('a first credit note needs the "Refunds" item: the dry run lists creating it before the credit note', async () => {
    // Only the connection's first credit note creates the item, so this order has a store and books of its own.
    const org = stack.zoho.createOrganization({ name: 'First Refund Ltd', currencyCode: 'EUR', taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
    const shop = await FakeWooStore.start({ currency: 'EUR', timeZone: 'Europe/Berlin', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
    const saved = { store, orgId, connectionId };
    try {
      store = shop;
      orgId = org;
      connectionId = await stack.connect(shop, org);
      const product = shop.createProduct({ name: 'Kettle', sku: 'KETTLE-D', regularPrice: '30.00' }).id;
      const order = shop.createOrder({ customer: { billing: { first_name: 'Fay', last_name: 'First', email: 'fay@first.example', country: 'DE' } }, lineItems: [{ productId: product, quantity: 1 }] });
      await shop.flushDeliveries();
      await stack.settledOrder(connectionId, order.id, ['synced']);
      // Zoho refuses the item for now: the refund's credit note cannot be made, its event waits as a dead letter.
      await deadLettered(order, { method: 'POST', pathPrefix: '/items' }, async () => {
        await sleep(1_100);
        shop.refundOrder(order.id, { amount: '6.00' });
        await shop.flushDeliveries();
      });
      assert.equal(stack.zoho.items(org).some((item) => item.name === 'Refunds'), false);

      const { planned } = await dryRunThenReplay(order);
      assert.deepEqual(planned.map((p) => p.action), ['create-item', 'create-credit-note']);
      assert.match(planned[0].message, /would create Zoho item "Refunds"/);
      assert.equal(stack.zoho.items(org).filter((item) => item.name === 'Refunds').length, 1);
    } finally {
      ({ store, orgId, connectionId } = saved);
      await shop.stop();
    }
  });

  test('a credit a draft left open is given back once payments are booked: the dry run lists the payment and the money going back', async () => {
    const order = await paidOrder(); // payments off: the invoice stays a draft
    const refundId = await refunded(order, '5.00');
    assert.match((await story(order.id)).creditNotes[0].reason ?? '', /which takes no credits/);
    await setSetting('paymentsSince', '2000-01-01T00:00:00');
    try {
      const { planned } = await dryRunThenReplay(order);
      assert.deepEqual(planned.map((p) => p.action), ['record-payment', 'give-back-credit']);
      assert.match(planned[1].message, new RegExp(`would refund 5(\\.00)? of credit note \\S+ \\(refund ${refundId}\\) to the customer`));
      const credit = await eventually(async () => (await story(order.id)).creditNotes.find((c) => c.cashRefund?.amount === '5.00'), 30_000, 100);
      assert.equal(credit.refundId, refundId);
    } finally {
      await setSetting('paymentsSince', null);
    }
  });

  test('a claim whose credit note answer was lost and whose refund was deleted: the dry run lists voiding the note found by reference', async () => {
    const order = await paidOrder();
    const refundId = await refunded(order, '3.00');
    const note = stack.zoho.creditNotes(orgId).find((n) => n.reference_number === `${order.number}-R${refundId}`)!;
    // As if the create's answer had been lost: the claim holds no credit note.
    await stack.db.dataSource.query(
      `UPDATE refund_credits SET state = 'creating', credit_note_id = NULL, credit_note_number = NULL, reason = NULL WHERE connection_id = $1 AND refund_id = $2`,
      [connectionId, String(refundId)],
    );
    await deadLettered(order, { method: 'GET', pathPrefix: '/creditnotes' }, async () => {
      await sleep(1_100);
      store.deleteRefund(order.id, refundId);
      await store.flushDeliveries();
    });
    assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === note.creditnote_id)!.status, 'open', 'the live run could not void it');

    const { planned } = await dryRunThenReplay(order);
    assert.deepEqual(planned.map((p) => p.action), ['void-credit-note']);
    assert.match(planned[0].message, new RegExp(`would void credit note ${note.creditnote_number} of refund ${refundId} \\(made by an attempt whose answer was lost; found by reference ${order.number}-R${refundId}\\)`));
    assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === note.creditnote_id)!.status, 'void');
  });

  test('a deleted refund whose money was given back: the dry run lists taking the money back, then the void', async () => {
    await setSetting('paymentsSince', '2000-01-01T00:00:00');
    try {
      const order = await paidOrder();
      await eventually(async () => ((await story(order.id)).payment?.state === 'recorded' ? true : undefined), 30_000, 100);
      const refundId = await refunded(order, '4.00');
      assert.equal((await story(order.id)).creditNotes[0].cashRefund?.amount, '4.00');
      await deadLettered(order, { method: 'DELETE', pathPrefix: '/creditnotes/' }, async () => {
        await sleep(1_100);
        store.deleteRefund(order.id, refundId);
        await store.flushDeliveries();
      });

      const { planned } = await dryRunThenReplay(order);
      assert.deepEqual(planned.map((p) => p.action), ['take-back-refund', 'void-credit-note']);
      assert.match(planned[0].message, /would delete the refund of 4\.00 to the customer/);
      const voided = await eventually(async () => (await story(order.id)).creditNotes.find((c) => c.refundId === refundId && c.state === 'voided'), 30_000, 100);
      assert.equal(voided.cashRefund, null);
    } finally {
      await setSetting('paymentsSince', null);
    }
  });
});
