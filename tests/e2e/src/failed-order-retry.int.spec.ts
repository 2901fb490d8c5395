import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import { FakeWooStore } from '@connector/sandbox';
import { Stack } from './stack';

/**
 * Failure is visible, never silent: an order that cannot be booked (a tax Zoho does not have) is
 * recorded as failed with the reason and a dead letter, and books exactly once after the owner
 * fixes the cause and retries.
 */
describe('a failed order is visible and syncs when retried after the fix', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({ name: 'Missing tax Ltd', taxes: [{ name: 'VAT 20', percentage: 20 }] }).organization_id;
    store = await FakeWooStore.start({ taxRates: [{ id: 7, rate: '7.0000', label: 'Eco levy' }] });
    connectionId = await stack.connect(store, orgId);
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  test('failed with the reason, then fixed, retried and booked once', async () => {
    const product = store.createProduct({ name: 'Lamp', sku: 'LAMP', regularPrice: '49.00' });
    const order = store.createOrder({ customer: { billing: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' } }, lineItems: [{ productId: product.id, quantity: 1 }] });
    await store.flushDeliveries();

    const failed = await stack.settledOrder(connectionId, order.id, ['failed']);
    assert.match(failed.reason, /Eco levy/);
    assert.match(failed.reason, /7/);
    const letters = await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}`);
    assert.ok(letters.json.some((l: { reason: string }) => /Eco levy/.test(l.reason)), 'a dead letter names the cause');
    assert.equal(stack.zoho.invoices(orgId).length, 0);
    const failedList = await stack.api('GET', `/api/connections/${connectionId}/orders?state=failed`);
    assert.deepEqual(failedList.json.map((o: { orderId: number }) => o.orderId), [order.id]);

    // The owner adds the tax in Zoho, then retries (after the tax cache's short refresh window).
    stack.zoho.addTaxes(orgId, [{ name: 'Eco 7', percentage: 7 }]);
    await sleep(10_500);
    const retried = await stack.api('POST', `/api/dead-letters/${letters.json[0].id}/retry`);
    assert.equal(retried.status, 202);

    const synced = await stack.settledOrder(connectionId, order.id, ['synced']);
    assert.equal(Decimal.from(synced.zohoTotal).compare(order.total), 0);
    const invoices = stack.zoho.invoices(orgId).filter((i) => i.reference_number === order.number);
    assert.equal(invoices.length, 1);
    const resolved = await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}&status=resolved`);
    assert.ok(resolved.json.some((l: { id: string }) => l.id === letters.json[0].id), 'the dead letter is resolved');

    // Retrying again changes nothing.
    await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`);
    await sleep(1_500);
    assert.equal(stack.zoho.invoices(orgId).filter((i) => i.reference_number === order.number).length, 1);
  });
});
