import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { FakeWooStore } from './fake-woo-store';
import { WebhookReceiver, wooRequest } from '../test-support/woo-test-client';

describe('fake WooCommerce webhooks', () => {
  let woo: FakeWooStore;
  let receiver: WebhookReceiver;
  let productId: number;

  before(async () => {
    woo = await FakeWooStore.start({ timeZone: 'Europe/Berlin' });
    receiver = await WebhookReceiver.start();
    productId = woo.createProduct({ name: 'Caffè Crème ☕', sku: 'CAFE', regularPrice: '3.20', images: ['https://cdn.example.test/img/cafe.png'] }).id;
  });
  after(async () => {
    await woo.stop();
    await receiver.close();
  });
  beforeEach(async () => {
    await woo.flushDeliveries();
    for (const hook of woo.webhooks()) await wooRequest(woo, 'DELETE', `/webhooks/${hook.id}?force=true`);
    receiver.received.length = 0;
    receiver.respond = () => 200;
    woo.resumeDeliveries();
  });

  const createHook = async (topic: string, extra: Record<string, unknown> = {}) => {
    const res = await wooRequest(woo, 'POST', '/webhooks', { topic, delivery_url: receiver.url, secret: 'hook-secret', ...extra });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res;
  };

  it('creates a webhook (201, Location, forced active) after a synchronous ping without X-WC headers', async () => {
    const res = await createHook('order.created', { status: 'paused' });
    assert.equal(res.headers.get('location'), `${woo.restBase}/webhooks/${res.body.id}`);
    assert.equal(res.body.status, 'active');
    assert.equal(res.body.resource, 'order');
    assert.equal(res.body.event, 'created');
    assert.deepEqual(res.body.hooks, ['woocommerce_new_order']);
    assert.match(res.body.name, /^Webhook created on [A-Z][a-z]{2} \d{2}, \d{4} @ \d{2}:\d{2} [AP]M$/);
    assert.equal(res.body.secret, undefined);
    // The ping happened before the 201 came back.
    const [ping] = receiver.received;
    assert.equal(ping!.body, `webhook_id=${res.body.id}`);
    assert.equal(ping!.headers['x-wc-webhook-topic'], undefined);
    assert.equal(ping!.headers['user-agent'], 'WooCommerce/11.3.0 Hookshot (WordPress/6.8)');
    assert.match(String(ping!.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.equal(woo.webhooks()[0]!.pending_delivery, false);
  });

  it('validates topic and URL, requires force=true to delete, and changes status with PUT', async () => {
    const missing = await wooRequest(woo, 'POST', '/webhooks', { name: 'x' });
    assert.equal(missing.body.code, 'rest_missing_callback_param');
    assert.equal((await wooRequest(woo, 'POST', '/webhooks', { topic: 'customer.restored', delivery_url: receiver.url })).body.code, 'woocommerce_rest_shop_webhook_invalid_topic');
    assert.equal((await wooRequest(woo, 'POST', '/webhooks', { topic: 'order.updated', delivery_url: 'ftp://x' })).body.code, 'woocommerce_rest_shop_webhook_invalid_delivery_url');
    const hook = (await createHook('ORDER.UPDATED')).body;
    assert.equal(hook.topic, 'order.updated');
    const paused = await wooRequest(woo, 'PUT', `/webhooks/${hook.id}`, { status: 'paused' });
    assert.equal(paused.body.status, 'paused');
    assert.equal((await wooRequest(woo, 'PUT', `/webhooks/${hook.id}`, { status: 'sleeping' })).body.code, 'woocommerce_rest_shop_webhook_invalid_status');
    const trash = await wooRequest(woo, 'DELETE', `/webhooks/${hook.id}`);
    assert.equal(trash.status, 501);
    assert.deepEqual(trash.body, { code: 'woocommerce_rest_trash_not_supported', message: 'Webhooks do not support trashing.', data: { status: 501 } });
    assert.equal((await wooRequest(woo, 'DELETE', `/webhooks/${hook.id}?force=true`)).status, 200);
    const listed = await wooRequest(woo, 'GET', '/webhooks');
    assert.deepEqual(listed.body, []);
  });

  it('delivers signed PHP-encoded JSON with the X-WC headers', async () => {
    const hook = (await createHook('order.created')).body;
    receiver.received.length = 0;
    const order = woo.createOrder({ lineItems: [{ productId, quantity: 2 }], customer: { billing: { first_name: 'Zoë', email: 'zoe@example.test' } } });
    await woo.flushDeliveries();
    const [delivery] = receiver.deliveries();
    assert.ok(delivery);
    assert.equal(delivery.headers['content-type'], 'application/json');
    assert.equal(delivery.headers['x-wc-webhook-source'], `${woo.url}/`);
    assert.equal(delivery.headers['x-wc-webhook-topic'], 'order.created');
    assert.equal(delivery.headers['x-wc-webhook-resource'], 'order');
    assert.equal(delivery.headers['x-wc-webhook-event'], 'created');
    assert.equal(delivery.headers['x-wc-webhook-id'], String(hook.id));
    assert.match(String(delivery.headers['x-wc-webhook-delivery-id']), /^[0-9a-f]{32}$/);
    const expected = createHmac('sha256', 'hook-secret').update(delivery.body).digest('base64');
    assert.equal(delivery.headers['x-wc-webhook-signature'], expected);
    assert.match(delivery.body, /"Zo\\u00eb"/);
    assert.match(delivery.body, /http:\\\/\\\/127\.0\.0\.1/);
    assert.match(delivery.body, /Caff\\u00e8 Cr\\u00e8me \\u2615/);
    assert.deepEqual(JSON.parse(delivery.body), JSON.parse(JSON.stringify(woo.getOrder(order.id))));
    const record = woo.deliveries.at(-1)!;
    assert.equal(record.status, 200);
    assert.equal(record.body, delivery.body);
  });

  it('coalesces pending deliveries per resource and builds the payload at delivery time', async () => {
    await createHook('order.updated');
    woo.pauseDeliveries();
    const order = woo.createOrder({ lineItems: [{ productId, quantity: 1 }], status: 'pending' });
    woo.updateOrder(order.id, { status: 'processing' });
    woo.updateOrder(order.id, { status: 'completed' });
    assert.equal(woo.pendingDeliveries(), 1);
    woo.resumeDeliveries();
    await woo.flushDeliveries();
    const deliveries = receiver.deliveries();
    assert.equal(deliveries.length, 1);
    assert.equal(JSON.parse(deliveries[0]!.body).status, 'completed');
  });

  it('sends {"id":N} for deleted resources and the REST error when the resource is gone', async () => {
    await createHook('order.deleted');
    await createHook('order.updated');
    woo.pauseDeliveries();
    const order = woo.createOrder({ lineItems: [{ productId, quantity: 1 }], status: 'pending' });
    woo.trashOrder(order.id);
    woo.updateOrder(order.id, { customerNote: 'x' });
    woo.deleteOrder(order.id);
    woo.resumeDeliveries();
    await woo.flushDeliveries();
    const byTopic = Object.fromEntries(receiver.deliveries().map((d) => [d.headers['x-wc-webhook-topic'], d.body]));
    assert.equal(byTopic['order.deleted'], `{"id":${order.id}}`);
    assert.equal(byTopic['order.updated'], '{"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":404}}');
  });

  it('emits only order.updated for checkout-draft orders, and order.created when they are placed', async () => {
    await createHook('order.created');
    await createHook('order.updated');
    receiver.received.length = 0;
    const draft = woo.createOrder({ lineItems: [{ productId, quantity: 1 }], status: 'checkout-draft' });
    await woo.flushDeliveries();
    assert.deepEqual(receiver.deliveries().map((d) => d.headers['x-wc-webhook-topic']), ['order.updated']);
    woo.updateOrder(draft.id, { status: 'processing' });
    await woo.flushDeliveries();
    assert.deepEqual(receiver.deliveries().map((d) => d.headers['x-wc-webhook-topic']).sort(), ['order.created', 'order.updated', 'order.updated']);
  });

  it('counts failures, disables on the 7th consecutive failure and never redelivers', async () => {
    const hook = (await createHook('product.updated')).body;
    receiver.respond = () => 500;
    for (let i = 0; i < 6; i++) {
      woo.updateProduct(productId, { description: `v${i}` });
      await woo.flushDeliveries();
    }
    let state = woo.webhooks().find((w) => w.id === hook.id)!;
    assert.equal(state.failure_count, 6);
    assert.equal(state.status, 'active');
    woo.updateProduct(productId, { description: 'v7' });
    await woo.flushDeliveries();
    state = woo.webhooks().find((w) => w.id === hook.id)!;
    assert.equal(state.status, 'disabled');
    assert.equal(receiver.deliveries().length, 7);
    woo.updateProduct(productId, { description: 'v8' });
    await woo.flushDeliveries();
    assert.equal(receiver.deliveries().length, 7);
    // Re-enabling does not reset the counter: the next failure disables it again.
    await wooRequest(woo, 'PUT', `/webhooks/${hook.id}`, { status: 'active' });
    woo.updateProduct(productId, { description: 'v9' });
    await woo.flushDeliveries();
    assert.equal(woo.webhooks().find((w) => w.id === hook.id)!.status, 'disabled');
    // A 302 counts as success and resets the counter.
    await wooRequest(woo, 'PUT', `/webhooks/${hook.id}`, { status: 'active' });
    receiver.respond = () => 302;
    woo.updateProduct(productId, { description: 'v10' });
    await woo.flushDeliveries();
    assert.equal(woo.webhooks().find((w) => w.id === hook.id)!.failure_count, 0);
  });

  it('records connection failures as status 0', async () => {
    const hook = await woo.createWebhook({ topic: 'customer.created', deliveryUrl: 'http://127.0.0.1:9/unreachable', secret: 's' });
    assert.equal(woo.pings.at(-1)!.status, 0);
    assert.equal(hook.pending_delivery, true);
    woo.createCustomer({ email: 'nobody-listens@example.test' });
    await woo.flushDeliveries();
    const record = woo.deliveries.at(-1)!;
    assert.equal(record.status, 0);
    assert.equal(record.success, false);
    assert.match(record.error ?? '', /^http_request_failed/);
  });

  it('re-sends a delivery on demand (duplicates) and can sign with another secret', async () => {
    await createHook('customer.updated');
    const customer = woo.createCustomer({ email: 'dup@example.test', firstName: 'Dup' });
    receiver.received.length = 0;
    const first = await woo.deliver('customer.updated', customer.id);
    const second = await woo.deliver('customer.updated', customer.id);
    assert.equal(first.body, second.body);
    const forged = await woo.deliver('customer.updated', customer.id, { secret: 'wrong' });
    assert.notEqual(forged.headers['X-WC-Webhook-Signature'], first.headers['X-WC-Webhook-Signature']);
    assert.equal(receiver.deliveries().length, 3);
  });

  it('marks a registered customer as paying on the first paid order (customer.updated)', async () => {
    await createHook('customer.updated');
    const customer = woo.createCustomer({ email: 'payer@example.test' });
    receiver.received.length = 0;
    woo.createOrder({ customer: customer.id, lineItems: [{ productId, quantity: 1 }] });
    await woo.flushDeliveries();
    const [delivery] = receiver.deliveries();
    assert.equal(JSON.parse(delivery!.body).is_paying_customer, true);
  });
});
