import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { openShop } from './shop';
import { OrderStoryBase, Stack } from './stack';

/** Zoho takes this long over the create, so the instance sending it can be killed mid-call. */
const CREATE_LATENCY_MS = 8_000;

/**
 * An invoice create sent by an instance killed mid-call still reaches Zoho: PostgreSQL frees the
 * order's lock with the dead session, and the next instance's search for a lost create can run
 * before Zoho has processed it, find nothing, and create a second invoice. The create is held
 * back until the first one can no longer land (ZOHO_CREATE_IN_FLIGHT_MS), then found and adopted.
 */
describe('a create still on its way to Zoho when its instance dies', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let productId: number;
  let connectionId: string;

  before(async () => {
    stack = await Stack.start({ ACK_WAIT_MS: '2000', ZOHO_CREATE_IN_FLIGHT_MS: '12000', RECONCILE_INTERVAL_SECONDS: '0' });
    ({ store, orgId, productId, connectionId } = await openShop(stack, { books: 'Inflight Ltd', product: { name: 'Lamp', sku: 'LAMP', price: '40.00' } }));
  });

  after(async () => {
    stack?.zoho.faults.clear();
    await store?.stop();
    await stack?.stop();
  });

  const story = async (orderId: number): Promise<OrderStoryBase & { invoice: { id: string } | null }> =>
    (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json;

  test('is waited for and adopted: one invoice', async (t) => {
    const customer = { billing: { first_name: 'Ines', last_name: 'Flight', email: 'ines@example.com' } };
    // A first order links the customer and the product, so the second one's only Zoho call is its create.
    const first = store.createOrder({ customer, lineItems: [{ productId, quantity: 1 }], status: 'processing' });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, first.id, ['synced']);

    stack.zoho.faults.latency(CREATE_LATENCY_MS);
    const order = store.createOrder({ customer, lineItems: [{ productId, quantity: 2 }], status: 'processing' });
    await store.flushDeliveries();
    // Claimed and sent (the record says creating just before the create goes out).
    await eventually(async () => ((await story(order.id))?.state === 'creating' ? true : undefined), 30_000, 50);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The create is in Zoho's hands (answered in 8 s); later calls are answered at once.
    stack.zoho.faults.latency(0);
    await stack.restartService('invoice-sync', 'SIGKILL');

    const synced: OrderStoryBase & { invoice: { id: string } | null } = await stack.settledOrder(connectionId, order.id, ['synced'], { timeoutMs: 40_000 });
    const invoices = stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === order.number);
    assert.equal(invoices.length, 1, `one invoice for order ${order.number}: ${invoices.map((i) => i.invoice_id).join(', ')}`);
    assert.equal(synced.invoice?.id, invoices[0].invoice_id, 'the invoice the killed instance created is adopted');
    // Whether the restarted instance searched before the dead one's create landed depends on how
    // fast it came back; when it did, it must have waited rather than created.
    const calls = stack.zoho.calls.filter((call) => call.resourcePath === '/invoices');
    const create = calls.find((call) => call.method === 'POST' && (call.body as { reference_number?: string })?.reference_number === order.number)!;
    const earlySearches = calls.filter((call) => call.method === 'GET' && call.query.reference_number === order.number && call.at < create.at + create.durationMs);
    const held = synced.audit.filter((entry) => /may still reach Zoho/.test(entry.message));
    if (earlySearches.length > 0) assert.ok(held.length >= 1, `searched before the create landed, so it waited: ${JSON.stringify(synced.audit.map((e) => e.message))}`);
    else t.diagnostic('the restarted instance came back after the create had landed: no race this run');
    await eventually(async () => ((await story(order.id)).deadLetters.every((letter) => letter.status !== 'open') ? true : undefined));
  });
});
