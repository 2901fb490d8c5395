import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWooStore } from './fake-woo-store';
import { WebhookReceiver, wooRequest } from '../test-support/woo-test-client';
import type { WooOrder, WooRefund } from './woo-json-types';

/*
 * Refunds in the fake store: itemized (product, shipping, fee lines) and by amount, their REST v3
 * JSON (a negative order), the checks WooCommerce makes, deletion, and the refunds endpoints.
 *
 * The order used by most tests (store tax: 19 % "MwSt.", rate 1, also on shipping):
 *   Mug    12.50 × 2 = 25.00, tax 4.75
 *   Widget 10.00 × 3 = 30.00, tax 5.70
 *   Fee     2.00,             tax 0.38
 *   Ship    4.90,             tax 0.931 → 0.93
 *   total = 25 + 30 + 2 + 4.90 + (4.75 + 5.70 + 0.38 + 0.93) = 73.66
 */
describe('fake WooCommerce refunds', () => {
  let woo: FakeWooStore;
  let receiver: WebhookReceiver;
  let clock = Date.UTC(2025, 1, 3, 9, 0, 0);
  let mugId: number;
  let widgetId: number;

  before(async () => {
    woo = await FakeWooStore.start({ timeZone: 'Europe/Berlin', now: () => clock, taxRates: [{ id: 1, rate: '19', label: 'MwSt.', country: 'DE' }] });
    receiver = await WebhookReceiver.start();
    mugId = woo.createProduct({ name: 'Blue Mug', sku: 'MUG-BLUE', regularPrice: '12.50' }).id;
    widgetId = woo.createProduct({ name: 'Widget', sku: 'WIDGET', regularPrice: '10.00' }).id;
  });
  after(async () => {
    await woo.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    await woo.flushDeliveries();
    receiver.received.length = 0;
    clock += 60_000;
  });

  const placeOrder = (): WooOrder =>
    woo.createOrder({
      lineItems: [
        { productId: mugId, quantity: 2 },
        { productId: widgetId, quantity: 3 },
      ],
      fees: [{ name: 'Gift wrap', amount: '2.00', taxable: true }],
      shippingLines: [{ methodTitle: 'Flat rate', cost: '4.90' }],
    });
  const lineOf = (order: WooOrder, productId: number) => order.line_items.find((l) => l.product_id === productId)!;
  const newest = (order: WooOrder): WooRefund => woo.getRefund(order.id, order.refunds[0]!.id);

  it('places the order the tests assume', () => {
    const order = placeOrder();
    assert.equal(order.total, '73.66');
    assert.equal(order.total_tax, '11.76');
    assert.equal(order.shipping_lines[0]!.total_tax, '0.93');
    assert.equal(order.fee_lines[0]!.total_tax, '0.38');
  });

  it('refunds one unit of a taxed product line: negative amounts, _refunded_item_id, tax_lines, refund_total', async () => {
    const order = placeOrder();
    const mug = lineOf(order, mugId);
    const after = woo.refundOrder(order.id, { reason: 'Broken handle', lineItems: [{ lineItemId: mug.id, quantity: 1 }] });
    assert.equal(after.status, 'processing');
    assert.equal(after.refunds.length, 1);
    assert.deepEqual(after.refunds[0], { id: after.refunds[0]!.id, reason: 'Broken handle', total: '-14.88' });

    const res = await wooRequest(woo, 'GET', `/orders/${order.id}/refunds/${after.refunds[0]!.id}`);
    assert.equal(res.status, 200);
    const refund = res.body as WooRefund;
    assert.equal(refund.amount, '14.88');
    assert.equal(refund.reason, 'Broken handle');
    assert.equal(refund.refunded_by, 1);
    assert.equal(refund.refunded_payment, false);
    assert.equal(refund.date_created_gmt, new Date(clock).toISOString().slice(0, 19));
    assert.equal(refund.date_created, new Date(clock + 3_600_000).toISOString().slice(0, 19)); // Berlin, UTC+1 in February
    const [line] = refund.line_items;
    assert.ok(line);
    assert.equal(refund.line_items.length, 1);
    assert.notEqual(line.id, mug.id, 'a refund line has its own item id');
    assert.equal(line.name, 'Blue Mug');
    assert.equal(line.product_id, mugId);
    assert.equal(line.variation_id, 0);
    assert.equal(line.quantity, -1);
    assert.equal(line.tax_class, '');
    assert.equal(line.subtotal, '-12.50');
    assert.equal(line.subtotal_tax, '-2.38');
    assert.equal(line.total, '-12.50');
    assert.equal(line.total_tax, '-2.38'); // 4.75 / 2 = 2.375 → 2.38
    assert.deepEqual(line.taxes, [{ id: 1, total: '-2.38', subtotal: '-2.38' }]);
    assert.equal(line.meta_data.length, 1);
    assert.equal(line.meta_data[0]!.key, '_refunded_item_id');
    assert.equal(line.meta_data[0]!.value, String(mug.id));
    assert.equal(typeof line.meta_data[0]!.id, 'number');
    assert.equal(line.sku, 'MUG-BLUE');
    assert.equal(line.price, 12.5); // PHP: total / quantity = -12.5 / -1
    assert.equal(line.refund_total, 12.5);
    assert.deepEqual(refund.tax_lines.map(({ id: _id, ...tax }) => tax), [
      { rate_code: 'DE-MWST.-1', rate_id: 1, label: 'MwSt.', compound: false, tax_total: '-2.38', shipping_tax_total: '0.00', rate_percent: 19, meta_data: [] },
    ]);
    assert.match(res.text, /"rate_percent":19\.0/);
    assert.deepEqual(refund.shipping_lines, []);
    assert.deepEqual(refund.fee_lines, []);
    assert.deepEqual(refund._links.up, [{ href: `${woo.restBase}/orders/${order.id}` }]);
    assert.deepEqual(woo.getRefund(order.id, refund.id), refund);
    // dp, as on the order endpoints
    const dp = await wooRequest(woo, 'GET', `/orders/${order.id}/refunds/${refund.id}?dp=3`);
    assert.equal(dp.body.amount, '14.880');
    assert.equal(dp.body.line_items[0].total, '-12.500');
  });

  it('refunds part of a line\'s units, then the rest without a cent left behind', () => {
    const order = placeOrder();
    const widget = lineOf(order, widgetId);
    woo.refundOrder(order.id, { lineItems: [{ lineItemId: widget.id, quantity: 2 }] });
    let refund = newest(woo.getOrder(order.id));
    assert.equal(refund.amount, '23.80'); // 20.00 + 5.70 × 2/3 = 3.80
    assert.equal(refund.line_items[0]!.quantity, -2);
    assert.equal(refund.line_items[0]!.total_tax, '-3.80');
    // No quantity: what remains of the line.
    woo.refundOrder(order.id, { lineItems: [{ lineItemId: widget.id }] });
    refund = newest(woo.getOrder(order.id));
    assert.equal(refund.line_items[0]!.quantity, -1);
    assert.equal(refund.line_items[0]!.total, '-10.00');
    assert.equal(refund.line_items[0]!.total_tax, '-1.90');
    assert.equal(refund.amount, '11.90');
    assert.throws(() => woo.refundOrder(order.id, { lineItems: [{ lineItemId: widget.id }] }), /line item \d+ is already fully refunded/);
    assert.throws(() => woo.refundOrder(order.id, { lineItems: [{ lineItemId: widget.id, quantity: 1 }] }), /cannot refund 1 unit\(s\); 0 of its 3 remain unrefunded/);

    // The rest of an odd split: 2.375 + 2.375 would be 4.76 against a line tax of 4.75.
    const mug = lineOf(order, mugId);
    woo.refundOrder(order.id, { lineItems: [{ lineItemId: mug.id, quantity: 1 }] });
    assert.equal(newest(woo.getOrder(order.id)).line_items[0]!.total_tax, '-2.38');
    woo.refundOrder(order.id, { lineItems: [{ lineItemId: mug.id, quantity: 1 }] });
    assert.equal(newest(woo.getOrder(order.id)).line_items[0]!.total_tax, '-2.37');
  });

  it('refunds shipping and fee lines (a partial fee total takes its tax in proportion)', async () => {
    const order = placeOrder();
    const shipping = order.shipping_lines[0]!;
    const fee = order.fee_lines[0]!;
    woo.refundOrder(order.id, { shippingLines: [{ shippingLineId: shipping.id }], feeLines: [{ feeLineId: fee.id, total: '1.00' }] });
    const refund = (await wooRequest(woo, 'GET', `/orders/${order.id}/refunds/${woo.getOrder(order.id).refunds[0]!.id}`)).body as WooRefund;
    assert.equal(refund.amount, '7.02'); // 4.90 + 0.93 + 1.00 + 0.19
    assert.deepEqual(refund.line_items, []);
    assert.equal(refund.shipping_lines.length, 1);
    const [ship] = refund.shipping_lines;
    assert.equal(ship!.method_title, 'Flat rate');
    assert.equal(ship!.method_id, 'flat_rate');
    assert.equal(ship!.instance_id, '1');
    assert.equal(ship!.total, '-4.90');
    assert.equal(ship!.total_tax, '-0.93');
    assert.deepEqual(ship!.taxes, [{ id: 1, total: '-0.93', subtotal: '' }]);
    assert.deepEqual(ship!.meta_data.map((m) => [m.key, m.value]), [['_refunded_item_id', String(shipping.id)]]);
    const [feeLine] = refund.fee_lines;
    assert.equal(feeLine!.name, 'Gift wrap');
    assert.equal(feeLine!.tax_status, 'taxable');
    assert.equal(feeLine!.total, '-1.00');
    assert.equal(feeLine!.total_tax, '-0.19'); // 0.38 × 1.00 / 2.00
    assert.deepEqual(feeLine!.taxes, [{ id: 1, total: '-0.19', subtotal: '' }]);
    assert.deepEqual(feeLine!.meta_data.map((m) => [m.key, m.value]), [['_refunded_item_id', String(fee.id)]]);
    assert.deepEqual(refund.tax_lines.map((t) => [t.rate_id, t.tax_total, t.shipping_tax_total]), [[1, '-0.19', '-0.93']]);
    // What remains of the fee (1.00 + 0.19), then it is done.
    woo.refundOrder(order.id, { feeLines: [{ feeLineId: fee.id }] });
    assert.equal(newest(woo.getOrder(order.id)).amount, '1.19');
    assert.throws(() => woo.refundOrder(order.id, { feeLines: [{ feeLineId: fee.id }] }), /fee line \d+ is already fully refunded/);
    assert.throws(() => woo.refundOrder(order.id, { shippingLines: [{ shippingLineId: shipping.id }] }), /shipping line \d+ is already fully refunded/);
  });

  it('refunds by amount only: no lines, no tax lines', async () => {
    const order = placeOrder();
    const after = woo.refundOrder(order.id, { amount: 5, reason: 'Goodwill' });
    assert.deepEqual(after.refunds.map((r) => [r.reason, r.total]), [['Goodwill', '-5.00']]);
    const list = await wooRequest(woo, 'GET', `/orders/${order.id}/refunds`);
    assert.equal(list.status, 200);
    const [refund] = list.body as WooRefund[];
    assert.equal(refund!.amount, '5.00');
    assert.deepEqual([refund!.line_items, refund!.shipping_lines, refund!.fee_lines, refund!.tax_lines, refund!.meta_data], [[], [], [], [], []]);
  });

  it('lets a given amount take precedence over the lines, and refunds a line by total without quantity', () => {
    const order = placeOrder();
    const mug = lineOf(order, mugId);
    woo.refundOrder(order.id, { amount: '10', lineItems: [{ lineItemId: mug.id, quantity: 1 }] });
    let refund = newest(woo.getOrder(order.id));
    assert.equal(refund.amount, '10.00');
    assert.equal(refund.line_items[0]!.total, '-12.50');
    assert.equal(refund.line_items[0]!.total_tax, '-2.38');
    assert.equal(woo.getOrder(order.id).refunds[0]!.total, '-10.00');
    // By total: quantity 0 (price 0), taxes in proportion (4.75 × 6.25 / 25 = 1.1875 → 1.19).
    woo.refundOrder(order.id, { lineItems: [{ lineItemId: mug.id, total: '6.25' }] });
    refund = newest(woo.getOrder(order.id));
    assert.equal(refund.line_items[0]!.quantity, 0);
    assert.equal(refund.line_items[0]!.price, 0);
    assert.equal(refund.line_items[0]!.total, '-6.25');
    assert.equal(refund.line_items[0]!.total_tax, '-1.19');
    assert.equal(refund.line_items[0]!.refund_total, 6.25);
    assert.equal(refund.amount, '7.44');
    // Explicit taxes replace the default; a rate the line does not have is refused.
    woo.refundOrder(order.id, { lineItems: [{ lineItemId: mug.id, total: '1', taxes: { 1: '0.05' } }] });
    assert.equal(newest(woo.getOrder(order.id)).amount, '1.05');
    assert.throws(() => woo.refundOrder(order.id, { lineItems: [{ lineItemId: mug.id, total: '1', taxes: { 7: '0.05' } }] }), /has no tax of rate 7/);
  });

  it('refuses what WooCommerce refuses, changing nothing and firing nothing', async () => {
    await woo.createWebhook({ topic: 'order.updated', deliveryUrl: receiver.url, secret: 's' });
    const order = placeOrder();
    await woo.flushDeliveries();
    receiver.received.length = 0;
    const mug = lineOf(order, mugId);
    const attempts: Array<[Parameters<FakeWooStore['refundOrder']>[1], RegExp]> = [
      [{ amount: '73.67' }, /Invalid refund amount: 73\.67 is more than the 73\.66 of order \d+ not yet refunded/],
      [{ amount: 0 }, /amount must be greater than 0/],
      [{ amount: '-1' }, /amount must be greater than 0/],
      [{}, /give an amount or lines/],
      [{ amount: 'ten' }, /refund amount: "ten" is not an amount/],
      [{ lineItems: [{ lineItemId: 999_999, quantity: 1 }] }, /order \d+ has no line item 999999/],
      [{ lineItems: [{ lineItemId: order.shipping_lines[0]!.id }] }, /it is a shipping line: use shippingLines/],
      [{ shippingLines: [{ shippingLineId: mug.id }] }, /it is a product line: use lineItems/],
      [{ lineItems: [{ lineItemId: mug.id, quantity: 3 }] }, /cannot refund 3 unit\(s\); 2 of its 2 remain unrefunded/],
      [{ lineItems: [{ lineItemId: mug.id, quantity: 1.5 }] }, /quantity must be a whole number/],
      [{ lineItems: [{ lineItemId: mug.id, total: '-1' }] }, /total must not be negative/],
      [{ lineItems: [{ lineItemId: mug.id, quantity: 1 }, { lineItemId: mug.id, quantity: 1 }] }, /line item \d+ is given twice/],
      // Lines worth more than the order (an explicit line total above it).
      [{ lineItems: [{ lineItemId: mug.id, quantity: 2, total: '80' }] }, /Invalid refund amount: 95\.20 is more than the 73\.66/],
    ];
    for (const [input, message] of attempts) assert.throws(() => woo.refundOrder(order.id, input), message, JSON.stringify(input));
    assert.throws(() => woo.refundOrder(424_242, { amount: 1 }), /no order 424242/);
    assert.deepEqual(woo.getOrder(order.id).refunds, []);
    assert.deepEqual(woo.refunds(order.id), []);
    // A partial refund leaves only the remainder; going over it is refused.
    woo.refundOrder(order.id, { amount: '70' });
    assert.throws(() => woo.refundOrder(order.id, { lineItems: [{ lineItemId: mug.id, quantity: 1 }] }), /Invalid refund amount: 14\.88 is more than the 3\.66/);
    await woo.flushDeliveries();
    assert.equal(receiver.deliveries().length, 1, 'only the accepted refund fired order.updated');
    for (const hook of woo.webhooks()) await wooRequest(woo, 'DELETE', `/webhooks/${hook.id}?force=true`);
  });

  it('sets status refunded when every line is refunded, whatever the order of refunds', () => {
    const order = placeOrder();
    woo.refundOrder(order.id, { lineItems: [{ lineItemId: lineOf(order, mugId).id, quantity: 1 }] });
    assert.equal(woo.getOrder(order.id).status, 'processing');
    const after = woo.refundOrder(order.id, {
      lineItems: order.line_items.map((l) => ({ lineItemId: l.id })),
      shippingLines: [{ shippingLineId: order.shipping_lines[0]!.id }],
      feeLines: [{ feeLineId: order.fee_lines[0]!.id }],
    });
    assert.equal(after.status, 'refunded');
    assert.equal(after.refunds[0]!.total, '-58.78'); // 73.66 − 14.88
    const refund = newest(after);
    assert.deepEqual(refund.tax_lines.map((t) => [t.tax_total, t.shipping_tax_total]), [['-8.45', '-0.93']]); // 2.37 + 5.70 + 0.38
    // By amount: the remainder refunds the order too.
    const other = placeOrder();
    woo.refundOrder(other.id, { amount: '0.66' });
    assert.equal(woo.refundOrder(other.id, { amount: '73' }).status, 'refunded');
  });

  it('deletes a refund: order.updated without it, gone from refunds[] and the endpoint, status and date_modified kept', async () => {
    await woo.createWebhook({ topic: 'order.updated', deliveryUrl: receiver.url, secret: 's' });
    const order = placeOrder();
    const kept = woo.refundOrder(order.id, { amount: '3.66' }).refunds[0]!.id;
    const full = woo.refundOrder(order.id, { amount: '70' });
    assert.equal(full.status, 'refunded');
    const refundId = full.refunds[0]!.id;
    await woo.flushDeliveries();
    receiver.received.length = 0;
    clock += 60_000;

    const after = woo.deleteRefund(order.id, refundId);
    assert.deepEqual(after.refunds.map((r) => r.id), [kept]);
    assert.equal(after.status, 'refunded', 'WooCommerce does not change the status back');
    assert.equal(after.date_modified_gmt, full.date_modified_gmt);
    assert.equal((await wooRequest(woo, 'GET', `/orders/${order.id}/refunds/${refundId}`)).body.code, 'woocommerce_rest_shop_order_refund_invalid_id');
    assert.deepEqual((await wooRequest(woo, 'GET', `/orders/${order.id}/refunds`)).body.map((r: WooRefund) => r.id), [kept]);
    await woo.flushDeliveries();
    const deliveries = receiver.deliveries();
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0]!.headers['x-wc-webhook-topic'], 'order.updated');
    const payload = JSON.parse(deliveries[0]!.body) as WooOrder;
    assert.equal(payload.id, order.id);
    assert.deepEqual(payload.refunds.map((r) => r.id), [kept]);
    assert.throws(() => woo.deleteRefund(order.id, refundId), /has no refund/);
    assert.throws(() => woo.getRefund(order.id, refundId), /has no refund/);

    // A refund can be made again for what the deleted one took.
    woo.refundOrder(order.id, { amount: '70' });
    for (const hook of woo.webhooks()) await wooRequest(woo, 'DELETE', `/webhooks/${hook.id}?force=true`);
  });

  it('deletes through REST: force defaults to true, force=false is a 501, the answer is the refund as it was', async () => {
    const order = placeOrder();
    const mug = lineOf(order, mugId);
    const refundId = woo.refundOrder(order.id, { lineItems: [{ lineItemId: mug.id, quantity: 1 }] }).refunds[0]!.id;
    const trash = await wooRequest(woo, 'DELETE', `/orders/${order.id}/refunds/${refundId}?force=false`);
    assert.equal(trash.status, 501);
    assert.deepEqual(trash.body, { code: 'woocommerce_rest_trash_not_supported', message: 'The shop_order_refund does not support trashing.', data: { status: 501 } });
    assert.equal(woo.getOrder(order.id).refunds.length, 1);
    const removed = await wooRequest(woo, 'DELETE', `/orders/${order.id}/refunds/${refundId}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.id, refundId);
    assert.equal(removed.body.amount, '14.88');
    assert.equal(removed.body.line_items[0].meta_data[0].value, String(mug.id));
    assert.deepEqual(woo.getOrder(order.id).refunds, []);
    assert.equal((await wooRequest(woo, 'GET', `/orders/${order.id}/refunds/${refundId}`)).status, 404);
    assert.equal((await wooRequest(woo, 'DELETE', `/orders/${order.id}/refunds/${refundId}`)).status, 404);
    // The line can be refunded in full again.
    woo.refundOrder(order.id, { lineItems: [{ lineItemId: mug.id, quantity: 2 }] });
    assert.equal(newest(woo.getOrder(order.id)).amount, '29.75');
  });

  it('fires order.updated on refund deletion only for WooCommerce 11.2 and later, the default version included', async () => {
    /** The deliveries one refund deletion causes in a fresh store created with `options`. */
    const deliveriesOnRefundDeletion = async (options: { wooVersion?: string }) => {
      const store = await FakeWooStore.start(options);
      try {
        const product = store.createProduct({ name: 'Mug', regularPrice: '12.50' });
        await store.createWebhook({ topic: 'order.updated', deliveryUrl: receiver.url, secret: 's' });
        const order = store.createOrder({ lineItems: [{ productId: product.id, quantity: 1 }] });
        assert.equal(order.version, options.wooVersion ?? '11.3.0');
        const refundId = store.refundOrder(order.id, { amount: '1.00' }).refunds[0]!.id;
        await store.flushDeliveries();
        receiver.received.length = 0;
        assert.deepEqual(store.deleteRefund(order.id, refundId).refunds, [], 'the refund is deleted either way');
        await store.flushDeliveries();
        return receiver.deliveries();
      } finally {
        await store.stop();
      }
    };
    for (const wooVersion of ['9.9.0', '11.1.4', '11.1.99-dev']) {
      assert.deepEqual(await deliveriesOnRefundDeletion({ wooVersion }), [], `WooCommerce ${wooVersion} fires nothing`);
    }
    for (const wooVersion of ['11.2.0', '11.2.0-dev', '11.3.0-dev', '12.0', undefined]) {
      const deliveries = await deliveriesOnRefundDeletion({ wooVersion });
      assert.equal(deliveries.length, 1, `WooCommerce ${wooVersion ?? '(default)'} fires order.updated`);
      assert.equal(deliveries[0]!.headers['user-agent'], `WooCommerce/${wooVersion ?? '11.3.0'} Hookshot (WordPress/6.8)`);
    }
  });

  it("moves the order's date_modified on a partial refund only for WooCommerce 7.6 and later; on a full refund always", async () => {
    /** The order's date_modified_gmt before and after a partial, then a full refund, a minute apart each. */
    const modifiedByRefunds = async (wooVersion: string) => {
      let now = Date.UTC(2025, 4, 1, 12, 0, 0);
      const store = await FakeWooStore.start({ wooVersion, now: () => now });
      try {
        const product = store.createProduct({ name: 'Mug', regularPrice: '12.50' });
        const order = store.createOrder({ lineItems: [{ productId: product.id, quantity: 2 }] });
        now += 60_000;
        const partial = store.refundOrder(order.id, { amount: '5.00' });
        now += 60_000;
        const full = store.refundOrder(order.id, { amount: '20.00' });
        return { placed: order.date_modified_gmt, partial: partial.date_modified_gmt, full: full.date_modified_gmt, refunds: partial.refunds.length, status: full.status };
      } finally {
        await store.stop();
      }
    };
    const old = await modifiedByRefunds('7.5.1');
    assert.equal(old.partial, old.placed, 'WooCommerce 7.5 left the order as it was on a partial refund');
    assert.equal(old.refunds, 1, 'the refund is in the order all the same');
    assert.equal(old.full, '2025-05-01T12:02:00', 'a full refund changes the status, which saves the order');
    assert.equal(old.status, 'refunded');
    for (const wooVersion of ['7.6.0', '11.3.0']) {
      const current = await modifiedByRefunds(wooVersion);
      assert.equal(current.partial, '2025-05-01T12:01:00', `WooCommerce ${wooVersion} saves the order with the refund`);
      assert.equal(current.full, '2025-05-01T12:02:00');
    }
  });

  it('refuses a wooVersion that is not a version, rather than treating it as 0.0.0', async () => {
    await assert.rejects(FakeWooStore.start({ wooVersion: 'latest' }), /wooVersion "latest" is not a WooCommerce version/);
  });

  it('lists refunds newest first with X-WP-Total, X-WP-TotalPages and Link', async () => {
    const order = placeOrder();
    const ids: number[] = [];
    for (const amount of ['1', '2', '3']) {
      clock += 1_000;
      ids.unshift(woo.refundOrder(order.id, { amount }).refunds[0]!.id);
    }
    const first = await wooRequest(woo, 'GET', `/orders/${order.id}/refunds?per_page=2`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-wp-total'), '3');
    assert.equal(first.headers.get('x-wp-totalpages'), '2');
    assert.equal(first.headers.get('link'), `<${woo.restBase}/orders/${order.id}/refunds?per_page=2&page=2>; rel="next"`);
    assert.deepEqual(first.body.map((r: WooRefund) => r.id), ids.slice(0, 2));
    assert.deepEqual(first.body.map((r: WooRefund) => r.amount), ['3.00', '2.00']);
    const second = await wooRequest(woo, 'GET', `/orders/${order.id}/refunds?per_page=2&page=2`);
    assert.deepEqual(second.body.map((r: WooRefund) => r.id), ids.slice(2));
    assert.match(second.headers.get('link')!, /page=1>; rel="prev"$/);
    const ascending = await wooRequest(woo, 'GET', `/orders/${order.id}/refunds?order=asc&orderby=id`);
    assert.deepEqual(ascending.body.map((r: WooRefund) => r.id), [...ids].reverse());
    assert.deepEqual(woo.refunds(order.id).map((r) => r.id), ids);
    assert.equal((await wooRequest(woo, 'GET', `/orders/${order.id}/refunds?per_page=101`)).body.code, 'rest_invalid_param');
  });

  it('answers unknown orders and refunds with WordPress 404s', async () => {
    const order = placeOrder();
    const other = placeOrder();
    const refundId = woo.refundOrder(order.id, { amount: 1 }).refunds[0]!.id;
    const cases: Array<[string, string, string]> = [
      [`/orders/999999/refunds`, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.'],
      [`/orders/${order.id}/refunds/999999`, 'woocommerce_rest_shop_order_refund_invalid_id', 'Invalid ID.'],
      [`/orders/${other.id}/refunds/${refundId}`, 'woocommerce_rest_invalid_order_refund_id', 'Invalid order refund ID.'],
      [`/orders/${order.id}/refunds/${other.id}`, 'woocommerce_rest_invalid_order_refund_id', 'Invalid order refund ID.'],
      [`/orders/999999/refunds/${refundId}`, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.'],
    ];
    for (const [path, code, message] of cases) {
      const res = await wooRequest(woo, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, { code, message, data: { status: 404 } }, path);
    }
    assert.equal((await wooRequest(woo, 'DELETE', `/orders/${other.id}/refunds/${refundId}`)).status, 404);
    assert.equal(woo.getOrder(order.id).refunds.length, 1, 'a refund asked for under another order is not deleted');
    assert.throws(() => woo.getRefund(other.id, refundId), /has no refund/);
  });
});

describe('fake WooCommerce refunds in 0- and 3-decimal currencies', () => {
  it('JPY (0 decimals): unit share, then the rest, adding up to the order total', async () => {
    const woo = await FakeWooStore.start({ currency: 'JPY', decimals: 0, taxRates: [{ id: 3, rate: '10', label: '消費税', country: 'JP' }] });
    try {
      const product = woo.createProduct({ name: 'Tea', regularPrice: '999' });
      const order = woo.createOrder({ lineItems: [{ productId: product.id, quantity: 3 }] });
      assert.equal(order.total, '3297'); // 2997 + 299.7 → 300
      const lineId = order.line_items[0]!.id;
      woo.refundOrder(order.id, { lineItems: [{ lineItemId: lineId, quantity: 1 }] });
      let refund = woo.refunds(order.id)[0]!;
      assert.equal(refund.amount, '1099'); // 999 + 99.9 → 100
      assert.equal(refund.line_items[0]!.total, '-999');
      assert.equal(refund.line_items[0]!.total_tax, '-100');
      assert.deepEqual(refund.line_items[0]!.taxes, [{ id: 3, total: '-100', subtotal: '-100' }]);
      assert.equal(refund.tax_lines[0]!.tax_total, '-100');
      const after = woo.refundOrder(order.id, { lineItems: [{ lineItemId: lineId }] });
      refund = woo.refunds(order.id)[0]!;
      assert.equal(refund.amount, '2198'); // 1998 + (300 − 100)
      assert.equal(refund.line_items[0]!.price, 999);
      assert.equal(after.status, 'refunded');
      assert.deepEqual(after.refunds.map((r) => r.total), ['-2198', '-1099']);
    } finally {
      await woo.stop();
    }
  });

  it('KWD (3 decimals): a total rounded half away from zero, its tax in proportion', async () => {
    const woo = await FakeWooStore.start({ currency: 'KWD', decimals: 3, taxRates: [{ id: 5, rate: '5', label: 'VAT', country: 'KW' }] });
    try {
      const product = woo.createProduct({ name: 'Dates', regularPrice: '2.125' });
      const order = woo.createOrder({ lineItems: [{ productId: product.id, quantity: 1 }] });
      assert.equal(order.total, '2.231'); // 2.125 + 0.10625 → 0.106
      woo.refundOrder(order.id, { lineItems: [{ lineItemId: order.line_items[0]!.id, total: '1.0005' }] });
      const res = await wooRequest(woo, 'GET', `/orders/${order.id}/refunds`);
      const [refund] = res.body as WooRefund[];
      assert.equal(refund!.line_items[0]!.total, '-1.001');
      assert.equal(refund!.line_items[0]!.quantity, 0);
      assert.deepEqual(refund!.line_items[0]!.taxes, [{ id: 5, total: '-0.05', subtotal: '-0.05' }]); // 0.10625 × 1.001 / 2.125 = 0.05005
      assert.equal(refund!.line_items[0]!.total_tax, '-0.050');
      assert.equal(refund!.amount, '1.051');
      assert.equal(woo.getOrder(order.id).refunds[0]!.total, '-1.051');
    } finally {
      await woo.stop();
    }
  });
});

describe('fake WooCommerce control API refunds', () => {
  it('creates an itemized refund with POST /__sandbox/orders/{id}/refunds and deletes it', async () => {
    const woo = await FakeWooStore.start({ controlApi: true });
    try {
      const product = woo.createProduct({ name: 'Mug', regularPrice: '12.50' });
      const order = woo.createOrder({ lineItems: [{ productId: product.id, quantity: 2 }] });
      const post = (body: unknown) =>
        fetch(`${woo.url}/__sandbox/orders/${order.id}/refunds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const created = await post({ reason: 'CLI', lineItems: [{ lineItemId: order.line_items[0]!.id, quantity: 1 }] });
      assert.equal(created.status, 201);
      const refund = (await created.json()) as WooRefund;
      assert.equal(refund.amount, '12.50');
      assert.equal(refund.line_items[0]!.quantity, -1);
      const refused = await post({ lineItems: [{ lineItemId: order.line_items[0]!.id, quantity: 5 }] });
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as { message: string }).message, /cannot refund 5 unit/);
      const deleted = await fetch(`${woo.url}/__sandbox/orders/${order.id}/refunds/${refund.id}`, { method: 'DELETE' });
      assert.equal(deleted.status, 200);
      assert.deepEqual(((await deleted.json()) as WooOrder).refunds, []);
    } finally {
      await woo.stop();
    }
  });
});
