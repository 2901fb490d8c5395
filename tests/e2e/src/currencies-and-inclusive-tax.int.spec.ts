import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { Stack } from './stack';

/** Stores whose prices include tax, and currencies with 0 and 3 decimals, still book exactly. */
describe('inclusive tax, JPY and KWD stores', () => {
  let stack: Stack;
  const stores: FakeWooStore[] = [];

  before(async () => {
    stack = await Stack.start();
  });

  after(async () => {
    for (const store of stores) await store.stop();
    await stack?.stop();
  });

  async function setUp(currency: string, options: { pricesIncludeTax?: boolean; rate: string; prices: string[] }) {
    const org = stack.zoho.createOrganization({ name: `${currency} books`, currencyCode: currency, taxes: [{ name: `Tax ${options.rate}`, percentage: options.rate }] });
    const store = await FakeWooStore.start({
      currency,
      decimals: currency === 'JPY' ? 0 : currency === 'KWD' ? 3 : 2,
      pricesIncludeTax: options.pricesIncludeTax ?? false,
      timeZone: 'Asia/Tokyo',
      taxRates: [{ id: 1, rate: options.rate, label: 'Tax', shipping: true }],
    });
    stores.push(store);
    const productIds = options.prices.map((price, i) => store.createProduct({ name: `${currency} product ${i}`, sku: `${currency}-${i}`, regularPrice: price }).id);
    const connectionId = await stack.connect(store, org.organization_id);
    return { store, orgId: org.organization_id, connectionId, productIds };
  }

  async function expectExact(connectionId: string, orgId: string, order: WooOrder) {
    const record = await stack.settledOrder(connectionId, order.id);
    assert.equal(record.state, 'synced', record.reason);
    const invoice = stack.zoho.invoices(orgId).find((i) => i.reference_number === order.number)!;
    assert.equal(Decimal.from(String(invoice.total)).compare(order.total), 0, `Zoho ${invoice.total} vs order ${order.total}`);
    return { record, invoice };
  }

  test('prices including 20% tax: 3 × 3.33 and a shipping line', async () => {
    const { store, orgId, connectionId, productIds } = await setUp('EUR', { pricesIncludeTax: true, rate: '20', prices: ['3.33', '9.99', '0.10'] });
    const orders = [
      store.createOrder({ customer: { billing: { first_name: 'Ines', last_name: 'Klusiv', email: 'ines@example.de' } }, lineItems: [{ productId: productIds[0], quantity: 3 }] }),
      store.createOrder({ customer: { billing: { first_name: 'Ines', last_name: 'Klusiv', email: 'ines@example.de' } }, lineItems: [{ productId: productIds[1], quantity: 7 }, { productId: productIds[2], quantity: 3 }], shippingLines: [{ methodTitle: 'DHL', cost: '4.12', taxable: true }] }),
      store.createOrder({ customer: { billing: { first_name: 'Ines', last_name: 'Klusiv', email: 'ines@example.de' } }, lineItems: [{ productId: productIds[1], quantity: 1 }], coupons: [{ code: 'THIRD', type: 'percent', amount: '33.33' }] }),
    ];
    await store.flushDeliveries();
    for (const order of orders) {
      const { invoice } = await expectExact(connectionId, orgId, order);
      assert.equal(invoice.is_inclusive_tax, true);
    }
  });

  test('JPY (0 decimals) with 10% tax', async () => {
    const { store, orgId, connectionId, productIds } = await setUp('JPY', { rate: '10', prices: ['1980', '333', '7'] });
    const orders = [
      store.createOrder({ customer: { billing: { first_name: '花子', last_name: '山田', email: 'hanako@example.jp' } }, lineItems: [{ productId: productIds[0], quantity: 1 }, { productId: productIds[1], quantity: 3 }] }),
      store.createOrder({ customer: { billing: { first_name: '花子', last_name: '山田', email: 'hanako@example.jp' } }, lineItems: [{ productId: productIds[2], quantity: 13 }], shippingLines: [{ methodTitle: '宅急便', cost: '550', taxable: true }], coupons: [{ code: 'OFF100', type: 'fixed_cart', amount: '100' }] }),
    ];
    await store.flushDeliveries();
    for (const order of orders) {
      const { invoice } = await expectExact(connectionId, orgId, order);
      assert.equal(invoice.price_precision, 0);
      assert.doesNotMatch(String(invoice.total), /\.\d/);
    }
  });

  test('KWD (3 decimals) with 5% tax', async () => {
    const { store, orgId, connectionId, productIds } = await setUp('KWD', { rate: '5', prices: ['1.255', '0.333', '12.999'] });
    const orders = [
      store.createOrder({ customer: { billing: { first_name: 'Fatima', last_name: 'Al-Sabah', email: 'fatima@example.kw' } }, lineItems: [{ productId: productIds[0], quantity: 3 }, { productId: productIds[1], quantity: 7 }] }),
      store.createOrder({ customer: { billing: { first_name: 'Fatima', last_name: 'Al-Sabah', email: 'fatima@example.kw' } }, lineItems: [{ productId: productIds[2], quantity: 2 }], fees: [{ name: 'Service', amount: '0.125', taxable: true }] }),
    ];
    await store.flushDeliveries();
    for (const order of orders) {
      const { invoice } = await expectExact(connectionId, orgId, order);
      assert.equal(invoice.price_precision, 3);
    }
  });
});
