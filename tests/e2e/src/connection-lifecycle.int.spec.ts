import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SUBSCRIBED_TOPICS } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { Stack } from './stack';

/**
 * A connection deleted and connected again for the same store and Zoho organization. The new one
 * would have none of the order records, so the next event of an order already invoiced made a
 * second invoice. Connector refuses it and restores the deleted one, records and all.
 */
describe('connection lifecycle: delete, refused re-connection, restore', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({ name: 'Recreate Ltd', currencyCode: 'EUR', taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
    store = await FakeWooStore.start({ currency: 'EUR', timeZone: 'Europe/Berlin', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  const invoicesOf = (reference: string) => stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === reference);
  const webhooksOf = (connectionId: string) => store.webhooks().filter((hook) => hook.delivery_url.endsWith(`/webhooks/woocommerce/${connectionId}`));

  test('an order invoiced before the delete is not invoiced again after the restore', async () => {
    const mug = store.createProduct({ name: 'Mug', sku: 'MUG-R', regularPrice: '12.99' }).id;
    const connectionId = await stack.connect(store, orgId);
    const order = store.createOrder({ customer: { billing: { first_name: 'Rae', last_name: 'R', email: 'rae@example.com', country: 'DE' } }, lineItems: [{ productId: mug, quantity: 1 }] });
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    const first = await stack.settledOrder(connectionId, order.id, ['synced']);
    const reference = order.number ?? String(order.id);
    assert.equal(invoicesOf(reference).length, 1);

    const deleted = await stack.api('DELETE', `/api/connections/${connectionId}`);
    assert.equal(deleted.status, 200, JSON.stringify(deleted.json));
    assert.equal(deleted.json.webhooks.removed.length, SUBSCRIBED_TOPICS.length);
    assert.equal(webhooksOf(connectionId).length, 0, 'the store no longer posts to a deleted connection');

    // Connecting the store again, as an owner would after deleting by mistake: refused, pointing at the restore.
    await assert.rejects(stack.connect(store, orgId), new RegExp(`connection not created: .*Restore it instead: POST /api/connections/${connectionId}/restore`));

    const restored = await stack.api('POST', `/api/connections/${connectionId}/restore?registerWebhooks=true`);
    assert.equal(restored.status, 200, JSON.stringify(restored.json));
    assert.equal(restored.json.webhooks.deliveryCheck.status, 'reached');
    assert.equal(webhooksOf(connectionId).filter((hook) => hook.status === 'active').length, SUBSCRIBED_TOPICS.length);

    store.updateOrder(order.id, { customerNote: 'after the restore' });
    await store.flushDeliveries();
    const after = await stack.settledOrder(connectionId, order.id, ['synced'], { until: (record) => record.streamSeqs.length > first.streamSeqs.length });
    assert.equal(after.invoice.id, first.invoice.id, 'the invoice it already had');
    assert.equal(invoicesOf(reference).length, 1, 'no second invoice');
  });
});
