import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWooStore } from './fake-woo-store';
import { wooRequest } from '../test-support/woo-test-client';

describe('fake WooCommerce REST API', () => {
  let woo: FakeWooStore;
  let clock = Date.UTC(2025, 0, 15, 12, 0, 0);
  let productId: number;
  let variable: ReturnType<FakeWooStore['createVariableProduct']>;
  let orderIds: number[] = [];

  before(async () => {
    woo = await FakeWooStore.start({ timeZone: 'Europe/Berlin', now: () => clock, taxRates: [{ id: 1, rate: '19', label: 'MwSt.', country: 'DE' }] });
    productId = woo.createProduct({ name: 'Blue Mug', sku: 'MUG-BLUE', regularPrice: '12.50' }).id;
    variable = woo.createVariableProduct({
      name: 'T-Shirt',
      sku: 'TS',
      attributes: [{ name: 'Size', options: ['S', 'M'] }],
      variations: [
        { sku: 'TS-S', regularPrice: '20', attributes: { Size: 'S' } },
        { sku: 'TS-M', regularPrice: '22', attributes: { Size: 'M' } },
      ],
    });
    woo.createCustomer({ email: 'Jane@Example.test', firstName: 'Jane', lastName: 'Doe' });
    woo.createCustomer({ email: 'admin@example.test', role: 'administrator' });
    for (let i = 0; i < 12; i++) {
      clock += 60_000;
      orderIds.push(woo.createOrder({ lineItems: [{ productId, quantity: 1 + (i % 3) }], status: i % 4 === 0 ? 'completed' : 'processing' }).id);
    }
  });
  after(() => woo.stop());

  it('paginates with X-WP-Total, X-WP-TotalPages and Link prev/next', async () => {
    const first = await wooRequest(woo, 'GET', '/orders?per_page=5&orderby=id&order=asc');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-wp-total'), '12');
    assert.equal(first.headers.get('x-wp-totalpages'), '3');
    assert.deepEqual(first.body.map((o: { id: number }) => o.id), orderIds.slice(0, 5));
    assert.equal(first.headers.get('link'), `<${woo.restBase}/orders?per_page=5&orderby=id&order=asc&page=2>; rel="next"`);
    const middle = await wooRequest(woo, 'GET', '/orders?per_page=5&orderby=id&order=asc&page=2');
    assert.match(middle.headers.get('link')!, /page=1>; rel="prev", <.*page=3>; rel="next"$/);
    const beyond = await wooRequest(woo, 'GET', '/orders?per_page=5&page=9');
    assert.deepEqual(beyond.body, []);
  });

  it('rejects per_page above 100 with rest_invalid_param', async () => {
    const res = await wooRequest(woo, 'GET', '/orders?per_page=101');
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'rest_invalid_param');
    assert.equal(res.body.message, 'Invalid parameter(s): per_page');
    assert.equal(res.body.data.params.per_page, 'per_page must be between 1 (inclusive) and 100 (inclusive)');
  });

  it('filters by status and by modified_after (exclusive) in GMT or site-local time', async () => {
    const completed = await wooRequest(woo, 'GET', '/orders?status=completed&per_page=100');
    assert.equal(completed.body.length, 3);
    const target = woo.getOrder(orderIds[9]!);
    const gmt = await wooRequest(woo, 'GET', `/orders?modified_after=${target.date_modified_gmt}&dates_are_gmt=true&orderby=modified&order=asc`);
    assert.deepEqual(gmt.body.map((o: { id: number }) => o.id), orderIds.slice(10));
    // Without dates_are_gmt the same digits are site-local (Berlin is UTC+1 in January).
    const local = await wooRequest(woo, 'GET', `/orders?modified_after=${target.date_modified}&orderby=modified&order=asc`);
    assert.deepEqual(local.body.map((o: { id: number }) => o.id), orderIds.slice(10));
    assert.notEqual(target.date_modified, target.date_modified_gmt);
    const invalid = await wooRequest(woo, 'GET', '/orders?status=shipped');
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.data.params.status, /^status\[0\] is not one of any, pending, processing/);
  });

  it('returns complete v3 orders with string numbers and GMT dates without Z', async () => {
    const res = await wooRequest(woo, 'GET', `/orders/${orderIds[0]}`);
    const order = res.body;
    assert.equal(order.number, String(order.id));
    assert.match(order.date_created_gmt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    assert.equal(order.total, '14.88'); // 12.50 + 19 % tax 2.375 → 2.38
    assert.equal(order.line_items[0].price, 12.5);
    assert.equal(order.line_items[0].taxes[0].total, '2.375');
    assert.equal(order.tax_lines[0].rate_percent, 19);
    assert.match(res.text, /"rate_percent":19\.0/);
    assert.match(res.text, /https:\\\/\\\/|http:\\\/\\\//);
    assert.equal((await wooRequest(woo, 'GET', '/orders/99999')).body.code, 'woocommerce_rest_shop_order_invalid_id');
    const dp = await wooRequest(woo, 'GET', `/orders/${orderIds[0]}?dp=3`);
    assert.equal(dp.body.total, '14.880');
  });

  it('updates an order with PUT, ignoring unknown fields', async () => {
    const res = await wooRequest(woo, 'PUT', `/orders/${orderIds[1]}`, { status: 'completed', customer_note: 'thanks', unknown_field: 1 });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'completed');
    assert.ok(res.body.date_completed_gmt);
    const bad = await wooRequest(woo, 'PUT', `/orders/${orderIds[1]}`, { status: 'shipped' });
    assert.equal(bad.body.code, 'rest_invalid_param');
  });

  it('trashes orders and deletes them with force', async () => {
    const id = woo.createOrder({ lineItems: [{ productId, quantity: 1 }] }).id;
    assert.equal((await wooRequest(woo, 'DELETE', `/orders/${id}`)).status, 200);
    assert.equal(woo.getOrder(id).status, 'trash');
    assert.equal((await wooRequest(woo, 'DELETE', `/orders/${id}`)).status, 410);
    assert.equal((await wooRequest(woo, 'DELETE', `/orders/${id}?force=true`)).status, 200);
    assert.equal((await wooRequest(woo, 'GET', `/orders/${id}`)).status, 404);
  });

  it('lists customers by email (case-insensitive) and role', async () => {
    const byEmail = await wooRequest(woo, 'GET', '/customers?email=jane@example.test');
    assert.equal(byEmail.body.length, 1);
    assert.equal(byEmail.body[0].first_name, 'Jane');
    assert.equal((await wooRequest(woo, 'GET', '/customers')).body.length, 1); // role defaults to customer
    assert.equal((await wooRequest(woo, 'GET', '/customers?role=all')).body.length, 2);
    assert.equal((await wooRequest(woo, 'GET', '/customers/12345')).body.code, 'woocommerce_rest_invalid_id');
  });

  it('finds products by SKU and serves variations', async () => {
    const bySku = await wooRequest(woo, 'GET', '/products?sku=MUG-BLUE');
    assert.deepEqual(bySku.body.map((p: { id: number }) => p.id), [productId]);
    assert.equal(bySku.body[0].price, '12.5');
    const parent = await wooRequest(woo, 'GET', `/products/${variable.parent.id}`);
    assert.equal(parent.body.type, 'variable');
    assert.deepEqual(parent.body.variations, variable.variations.map((v) => v.id));
    const list = await wooRequest(woo, 'GET', `/products/${variable.parent.id}/variations`);
    assert.equal(list.body.length, 2);
    const one = await wooRequest(woo, 'GET', `/products/${variable.parent.id}/variations/${variable.variations[1]!.id}`);
    assert.equal(one.body.sku, 'TS-M');
    assert.deepEqual(one.body.attributes, [{ id: 0, name: 'Size', option: 'M' }]);
  });

  it('titles variations as WooCommerce does: like the parent beyond two attributes or with a two-word one; SKUs unique ignoring case', async () => {
    const titled = (name: string, attributes: Record<string, string>) => {
      const product = woo.createVariableProduct({
        name,
        attributes: Object.entries(attributes).map(([attribute, option]) => ({ name: attribute, options: [option] })),
        variations: [{ regularPrice: '10', attributes }],
      });
      return product.variations[0]!;
    };
    assert.equal(titled('Cap', { Color: 'Red' }).name, 'Cap - Red');
    assert.equal(titled('Scarf', { Color: 'Red', Size: 'M' }).name, 'Scarf - Red, M');
    assert.equal(titled('Mütze', { Farbe: 'Rot', Größe: 'M' }).name, 'Mütze - Rot, M', 'one word, accents or not');
    assert.equal(titled('Coat', { 'Fit Type': 'Slim', Size: 'M' }).name, 'Coat');
    assert.equal(titled('Belt', { 'Fit Type': 'Slim' }).name, 'Belt - Slim', 'a single attribute is always named');
    const hoodie = titled('Hoodie', { Color: 'Red', Size: 'M', Fit: 'Slim' });
    assert.equal(hoodie.name, 'Hoodie');
    const order = woo.createOrder({ lineItems: [{ productId: hoodie.parent_id, variationId: hoodie.id, quantity: 1 }] });
    assert.equal(order.line_items[0]!.name, 'Hoodie', 'the order line carries the variation title');
    assert.throws(() => woo.createProduct({ name: 'Other Mug', sku: 'mug-blue', regularPrice: '1' }), /SKU mug-blue is already used/);
  });

  it('honours _fields and answers unknown routes with rest_no_route', async () => {
    const res = await wooRequest(woo, 'GET', '/orders?per_page=1&_fields=id,total');
    assert.deepEqual(Object.keys(res.body[0]), ['id', 'total']);
    const missing = await wooRequest(woo, 'GET', '/nothing');
    assert.deepEqual(missing.body, { code: 'rest_no_route', message: 'No route was found matching the URL and request method', data: { status: 404 } });
  });

  it('can inject faults', async () => {
    woo.faults.next(1, { status: 503, match: { pathPrefix: '/wc/v3/orders' } });
    assert.equal((await wooRequest(woo, 'GET', '/orders')).status, 503);
    assert.equal((await wooRequest(woo, 'GET', '/orders')).status, 200);
    woo.faults.next(1, { status: 500 });
    const fatal = await wooRequest(woo, 'GET', '/products');
    assert.equal(fatal.body.code, 'internal_server_error');
  });
});
