import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import type { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { openShop } from './shop';
import { Stack } from './stack';

/**
 * settings.invoiceNumber `order-number`: invoices numbered as the store numbers its orders, with
 * the connection's prefix (ignore_auto_number_generation, as Zoho requires for own numbers). An
 * issued invoice keeps its number: a later change of the numbering settings applies to new
 * invoices only, and an edit of an old order never renumbers its invoice.
 */
describe('invoice numbers from the store (settings.invoiceNumber)', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  let mug: number;

  before(async () => {
    stack = await Stack.start();
    ({ store, orgId, connectionId, productId: mug } = await openShop(stack, {
      books: 'Numbers Ltd',
      product: { name: 'Mug', sku: 'MUG-NUM', price: '12.99' },
      settings: { invoiceNumber: 'order-number', invoiceNumberPrefix: 'WC-' },
    }));
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  const invoiceFor = (order: WooOrder) => stack.zoho.invoices(orgId).find((invoice) => invoice.reference_number === order.number)!;

  async function placeOrder(quantity: number): Promise<WooOrder> {
    const order = store.createOrder({
      customer: { billing: { first_name: 'Nina', last_name: 'Number', email: 'nina.number@example.com', country: 'DE' } },
      lineItems: [{ productId: mug, quantity }],
      status: 'on-hold',
      paymentMethod: 'bacs',
    });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['synced']);
    return order;
  }

  test('an invoice takes the order number with the prefix; a change of prefix numbers new invoices only, and an edited old order keeps its number', async () => {
    const first = await placeOrder(1);
    assert.equal(invoiceFor(first).invoice_number, `WC-${first.number}`);

    const changed = await stack.api('PATCH', `/api/connections/${connectionId}/settings`, { invoiceNumberPrefix: 'SHOP-' });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    const second = await placeOrder(2);
    assert.equal(invoiceFor(second).invoice_number, `SHOP-${second.number}`, 'new invoices take the new prefix');

    await sleep(1_100);
    const edited = store.updateOrder(first.id, { lineItems: [{ productId: mug, quantity: 3 }] });
    await store.flushDeliveries();
    const updated = await eventually(async () => {
      const current = invoiceFor(first);
      return Decimal.from(String(current.total)).compare(edited.total) === 0 ? current : undefined;
    }, 30_000, 100);
    assert.equal(updated.invoice_number, `WC-${first.number}`, 'the issued invoice keeps its number');
    const record = await stack.settledOrder(connectionId, first.id, ['synced']);
    assert.equal(record.reason, null);
  });
});
