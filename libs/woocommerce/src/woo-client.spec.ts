import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PermanentError, TransientError } from '@connector/common';
import { REFUNDED_ITEM_META_KEY, type WooRefund, type WooWebhook } from '@connector/contracts';
import {
  StoreUrlError,
  WooApiError,
  WooCredentialsError,
  WooNotFoundError,
  WooPermissionError,
  WooRateLimitedError,
  WooUnavailableError,
} from './errors';
import { wooAcceptsOAuth1 } from './testing/oauth1-verifier';
import { closedPortUrl, startStubServer, StubReply, StubRequest, StubServer, wooFixture } from '@connector/testing';
import { secretFingerprint } from './webhooks';
import { WooCallRecord, WooClient } from './woo-client';

const KEY = 'ck_0123456789abcdef0123456789abcdef01234567';
const SECRET = 'cs_secret-value-that-must-never-leak';
const API = '/shop/wp-json/wc/v3';

describe('WooClient', () => {
  let server: StubServer;
  let handler: (request: StubRequest) => StubReply;
  let calls: WooCallRecord[];
  let woo: WooClient;

  before(async () => {
    server = await startStubServer((request) => {
      // Every request must carry a signature WooCommerce would accept (the store is plain http).
      if (!wooAcceptsOAuth1(request.method, `${server.url}${request.path}`, request.query, SECRET)) {
        return { status: 401, json: { code: 'woocommerce_rest_authentication_error', message: 'Invalid signature - provided signature does not match.', data: { status: 401 } } };
      }
      return handler(request);
    });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    calls = [];
    woo = new WooClient({ url: `${server.url}/shop/wp-admin/`, consumerKey: KEY, consumerSecret: SECRET, allowPrivate: true, timeoutMs: 1000, onCall: (record) => calls.push(record) });
  });

  async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
    const error = await promise.then(
      () => assert.fail('expected a rejection'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    assert.ok(!error.message.includes(SECRET), 'no secret in messages');
    return error;
  }

  it('normalizes the store URL and refuses private stores unless allowed', () => {
    assert.equal(woo.storeUrl, `${server.url}/shop`);
    assert.throws(() => new WooClient({ url: server.url, consumerKey: KEY, consumerSecret: SECRET }), StoreUrlError);
  });

  it('signs plain-http requests with OAuth 1.0a as WooCommerce verifies them', async () => {
    handler = () => ({ json: { id: 727, status: 'processing' } });
    const order = await woo.getOrder(727);
    assert.equal(order.id, 727);
    const [request] = server.requests;
    assert.equal(request!.path, `${API}/orders/727`);
    assert.equal(request!.query.get('oauth_signature_method'), 'HMAC-SHA256');
    assert.equal(request!.headers.authorization, undefined, 'Basic is not honoured over http');
    assert.deepEqual(calls[0]!.query, {}, 'OAuth parameters stay out of call records');
  });

  it('walks three pages following X-WP-TotalPages, with GMT date filters', async () => {
    handler = (request) => {
      const page = Number(request.query.get('page'));
      return { headers: { 'X-WP-Total': '5', 'X-WP-TotalPages': '3' }, json: page <= 3 ? [{ id: page * 10 }, { id: page * 10 + 1 }].slice(0, page === 3 ? 1 : 2) : [] };
    };
    const ids: number[] = [];
    for await (const order of woo.listOrders({ modifiedAfter: new Date('2024-05-01T10:20:30.456Z'), status: ['processing', 'completed'], orderBy: 'modified', order: 'asc' })) {
      ids.push(order.id);
    }
    assert.deepEqual(ids, [10, 11, 20, 21, 30]);
    assert.equal(server.requests.length, 3);
    const first = server.requests[0]!.query;
    assert.equal(first.get('per_page'), '100');
    assert.equal(first.get('modified_after'), '2024-05-01T10:20:30');
    assert.equal(first.get('dates_are_gmt'), 'true');
    assert.equal(first.get('status'), 'processing,completed');
    assert.equal(first.get('orderby'), 'modified');
    assert.equal(first.get('order'), 'asc');
  });

  it('follows Link rel="next" when no page count is sent', async () => {
    handler = (request) => {
      const page = Number(request.query.get('page'));
      const next = page < 3 ? `<${server.url}${API}/customers?page=${page + 1}>; rel="next"` : '';
      const prev = page > 1 ? `<${server.url}${API}/customers?page=${page - 1}>; rel="prev"` : '';
      return { headers: { Link: [prev, next].filter(Boolean).join(', ') }, json: [{ id: page }] };
    };
    const ids: number[] = [];
    for await (const customer of woo.listCustomers({ role: 'all' })) ids.push(customer.id);
    assert.deepEqual(ids, [1, 2, 3]);
  });

  describe('order refunds', () => {
    /** A refund as GET /orders/{id}/refunds returns it: a negative order whose lines name the order line they refund. */
    const refund = (refundId: number, orderLineId: number, amount: string): WooRefund => ({
      id: refundId,
      date_created: '2025-02-03T10:01:00',
      date_created_gmt: '2025-02-03T09:01:00',
      amount,
      reason: '',
      refunded_by: 1,
      refunded_payment: false,
      meta_data: [],
      line_items: [
        {
          id: refundId + 1,
          name: 'Blue Mug',
          product_id: 87,
          variation_id: 0,
          quantity: -1,
          tax_class: '',
          subtotal: '-12.50',
          subtotal_tax: '-2.38',
          total: '-12.50',
          total_tax: '-2.38',
          taxes: [{ id: 1, total: '-2.38', subtotal: '-2.38' }],
          meta_data: [{ id: 1003, key: REFUNDED_ITEM_META_KEY, value: String(orderLineId), display_key: REFUNDED_ITEM_META_KEY, display_value: String(orderLineId) }],
          sku: 'MUG-BLUE',
          price: 12.5,
          refund_total: 12.5,
        },
      ],
      shipping_lines: [],
      tax_lines: [{ id: refundId + 2, rate_code: 'DE-MWST.-1', rate_id: 1, label: 'MwSt.', compound: false, tax_total: '-2.38', shipping_tax_total: '0.00', rate_percent: 19, meta_data: [] }],
      fee_lines: [],
    });

    it('gets one refund of an order (the docs example parses as a WooRefund)', async () => {
      handler = () => ({ raw: wooFixture('order-refund').toString('utf8'), headers: { 'Content-Type': 'application/json' } });
      const found = await woo.getOrderRefund(723, 726);
      assert.equal(server.requests[0]!.method, 'GET');
      assert.equal(server.requests[0]!.path, `${API}/orders/723/refunds/726`);
      assert.equal(found.id, 726);
      assert.equal(found.amount, '10.00');
      assert.deepEqual(found.line_items, []);
      assert.deepEqual(calls.map((call) => [call.method, call.path, call.status]), [['GET', '/orders/723/refunds/726', 200]]);
    });

    it('lists every refund of an order page by page, lines intact', async () => {
      handler = (request) => {
        const page = Number(request.query.get('page'));
        const rows = page === 1 ? [refund(740, 311, '14.88'), refund(735, 311, '14.88')] : page === 2 ? [refund(730, 313, '5.00')] : [];
        return { headers: { 'X-WP-Total': '3', 'X-WP-TotalPages': '2' }, json: rows };
      };
      const refunds: WooRefund[] = [];
      for await (const item of woo.listOrderRefunds(723)) refunds.push(item);
      assert.deepEqual(refunds.map((r) => r.id), [740, 735, 730]);
      assert.equal(server.requests.length, 2);
      assert.deepEqual(server.requests.map((r) => r.path), [`${API}/orders/723/refunds`, `${API}/orders/723/refunds`]);
      assert.equal(server.requests[0]!.query.get('per_page'), '100');
      assert.deepEqual(server.requests.map((r) => r.query.get('page')), ['1', '2']);
      const [line] = refunds[2]!.line_items;
      assert.equal(line!.quantity, -1);
      assert.equal(line!.meta_data.find((m) => m.key === REFUNDED_ITEM_META_KEY)!.value, '313');
      assert.equal(refunds[2]!.tax_lines![0]!.tax_total, '-2.38');
    });

    it('an order without refunds lists nothing', async () => {
      handler = () => ({ headers: { 'X-WP-Total': '0', 'X-WP-TotalPages': '0' }, json: [] });
      const refunds: WooRefund[] = [];
      for await (const item of woo.listOrderRefunds(724)) refunds.push(item);
      assert.deepEqual(refunds, []);
      assert.equal(server.requests.length, 1);
    });

    it('maps the store\'s 404s to WooNotFoundError, in its words', async () => {
      handler = () => ({ status: 404, json: { code: 'woocommerce_rest_shop_order_refund_invalid_id', message: 'Invalid ID.', data: { status: 404 } } });
      const gone = await rejection(woo.getOrderRefund(723, 999), WooNotFoundError);
      assert.equal(gone.status, 404);
      assert.equal(gone.wooCode, 'woocommerce_rest_shop_order_refund_invalid_id');
      assert.equal(gone.upstreamMessage, 'Invalid ID.');
      assert.equal(gone.operation, 'GET /orders/723/refunds/999');
      assert.equal(calls.at(-1)!.status, 404);
      assert.deepEqual(calls.at(-1)!.responseBody, { code: 'woocommerce_rest_shop_order_refund_invalid_id', message: 'Invalid ID.', data: { status: 404 } });

      handler = () => ({ status: 404, json: { code: 'woocommerce_rest_invalid_order_refund_id', message: 'Invalid order refund ID.', data: { status: 404 } } });
      assert.equal((await rejection(woo.getOrderRefund(724, 726), WooNotFoundError)).wooCode, 'woocommerce_rest_invalid_order_refund_id');

      handler = () => ({ status: 404, json: { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } } });
      const listing = (async () => {
        for await (const _ of woo.listOrderRefunds(99999)) assert.fail('nothing to list');
      })();
      assert.equal((await rejection(listing, WooNotFoundError)).operation, 'GET /orders/99999/refunds');
    });

    it('5xx is transient, an answer that is not an object or a list is an API error', async () => {
      handler = () => ({ status: 503, raw: 'Service Unavailable' });
      await rejection(woo.getOrderRefund(723, 726), WooUnavailableError);
      handler = () => ({ json: [refund(740, 311, '1.00')] });
      await rejection(woo.getOrderRefund(723, 740), WooApiError);
      handler = () => ({ json: refund(740, 311, '1.00') });
      const listing = (async () => {
        for await (const _ of woo.listOrderRefunds(723)) assert.fail('not a list');
      })();
      assert.match((await rejection(listing, WooApiError)).message, /expected a JSON array/);
    });

    it('refuses ids that are not positive integers without calling the store', async () => {
      handler = () => assert.fail('no request expected');
      assert.throws(() => woo.listOrderRefunds(0), PermanentError);
      const bad = await rejection(woo.getOrderRefund(723, 1.5), PermanentError);
      assert.equal(bad.code, 'invalid_id');
      await rejection(woo.getOrderRefund(-1, 726), PermanentError);
      assert.equal(server.requests.length, 0);
    });
  });

  describe('error mapping', () => {
    it('401 "Consumer secret is invalid." is a permanent credentials error in the store\'s words', async () => {
      handler = () => ({ status: 401, json: { code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.', data: { status: 401 } } });
      const error = await rejection(woo.getOrder(1), WooCredentialsError);
      assert.ok(error instanceof PermanentError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'woocommerce_rest_authentication_error');
      assert.match(error.message, /Consumer secret is invalid\..*check the consumer key and secret/);
    });

    it('403 is a permission error, 404 not found', async () => {
      handler = () => ({ status: 403, json: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 403 } } });
      await rejection(woo.listWebhooks(), WooPermissionError);
      handler = () => ({ status: 404, json: { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } } });
      const missing = await rejection(woo.getOrder(9), WooNotFoundError);
      assert.equal(missing.upstreamMessage, 'Invalid ID.');
    });

    it('5xx is transient, 501 is not', async () => {
      handler = () => ({ status: 503, raw: '<html><body>Maintenance</body></html>' });
      const unavailable = await rejection(woo.getOrder(1), WooUnavailableError);
      assert.ok(unavailable instanceof TransientError);
      assert.match(unavailable.message, /Maintenance/);
      handler = () => ({ status: 501, json: { code: 'woocommerce_rest_trash_not_supported', message: 'Webhooks do not support trashing.', data: { status: 501 } } });
      await rejection(woo.getOrder(1), WooApiError);
    });

    it('429 is transient and honours Retry-After', async () => {
      handler = () => ({ status: 429, headers: { 'Retry-After': '7' }, raw: 'Too Many Requests' });
      assert.equal((await rejection(woo.getOrder(1), WooRateLimitedError)).retryAfterMs, 7000);
      handler = () => ({ status: 429, raw: '' });
      assert.equal((await rejection(woo.getOrder(1), WooRateLimitedError)).retryAfterMs, 30_000);
    });

    it('an HTML page instead of the API says so', async () => {
      handler = () => ({ raw: '<!DOCTYPE html><html><title>My shop</title></html>' });
      const error = await rejection(woo.getOrder(1), WooApiError);
      assert.match(error.message, /not with the WooCommerce REST API/);
    });

    it('redirects are reported, not followed', async () => {
      handler = () => ({ status: 301, headers: { Location: 'https://www.shop.example/wp-json/wc/v3/orders/1' } });
      const error = await rejection(woo.getOrder(1), WooApiError);
      assert.match(error.message, /redirects to https:\/\/www\.shop\.example/);
      assert.equal(server.requests.length, 1);
    });

    it('a redirect that echoes the signed query (OAuth 1.0a over http) does not carry the key into the error', async () => {
      handler = (request) => {
        const echoed = `https://www.shop.example${request.path}?${request.query.toString()}`;
        return { status: 301, headers: { Location: echoed }, raw: `Moved to ${echoed} (consumer_key=${KEY}&consumer_secret=${SECRET})` };
      };
      const error = await rejection(woo.getOrder(1), WooApiError);
      assert.match(error.message, /redirects to https:\/\/www\.shop\.example\/shop\/wp-json\/wc\/v3\/orders\/1;/);
      assert.ok(server.requests[0]!.query.has('oauth_consumer_key'), 'the request was signed in its query');
      for (const secret of [KEY, SECRET]) assert.ok(!error.message.includes(secret), `no ${secret} in: ${error.message}`);
      assert.doesNotMatch(error.message, /oauth_(signature|nonce)=[^…]/);
    });

    it('timeouts and refused connections are transient', async () => {
      handler = () => ({ delayMs: 1500, json: {} });
      assert.equal((await rejection(woo.getOrder(1), WooUnavailableError)).code, 'timeout');
      const gone = new WooClient({ url: await closedPortUrl(), consumerKey: KEY, consumerSecret: SECRET, allowPrivate: true });
      assert.match((await rejection(gone.getOrder(1), WooUnavailableError)).message, /ECONNREFUSED/);
    });
  });

  describe('webhooks', () => {
    let hooks: Map<number, WooWebhook & { secret?: string }>;
    let nextId: number;
    const deliveryUrl = 'https://connector.example/webhooks/woocommerce/conn-1';

    beforeEach(() => {
      hooks = new Map();
      nextId = 100;
      handler = (request) => {
        const id = Number(/\/webhooks\/(\d+)$/.exec(request.path)?.[1]);
        const input = request.body ? (JSON.parse(request.body) as Partial<WooWebhook & { secret: string }>) : {};
        if (request.method === 'GET') return { headers: { 'X-WP-TotalPages': '1' }, json: [...hooks.values()].map(({ secret: _secret, ...hook }) => hook) };
        if (request.method === 'POST') {
          const [resource, event] = input.topic!.split('.');
          const hook = { id: nextId++, name: input.name!, status: 'active' as const, topic: input.topic!, resource: resource!, event: event!, hooks: [], delivery_url: input.delivery_url!, date_created: '', date_created_gmt: '', date_modified: null, date_modified_gmt: null, secret: input.secret };
          hooks.set(hook.id, hook);
          return { status: 201, json: hook };
        }
        const hook = hooks.get(id);
        if (!hook) return { status: 404, json: { code: 'woocommerce_rest_webhook_invalid_id', message: 'Invalid ID.', data: { status: 404 } } };
        if (request.method === 'DELETE') {
          if (request.query.get('force') !== 'true') return { status: 501, json: { code: 'woocommerce_rest_trash_not_supported', message: 'Webhooks do not support trashing.', data: { status: 501 } } };
          hooks.delete(id);
          return { json: hook };
        }
        Object.assign(hook, input);
        return { json: hook };
      };
    });
    const ensure = (secret = 'whsec-1', topics = ['order.created', 'order.updated']) =>
      woo.ensureWebhooks({ deliveryUrl, secret, topics, namePrefix: 'Connector' });
    const writes = () => server.requests.filter((request) => request.method !== 'GET').map((request) => `${request.method} ${request.path.replace(API, '')}`);

    it('creates missing webhooks, and a second run changes nothing', async () => {
      const first = await ensure();
      assert.deepEqual(first.map(({ topic, action, status }) => ({ topic, action, status })), [
        { topic: 'order.created', action: 'created', status: 'active' },
        { topic: 'order.updated', action: 'created', status: 'active' },
      ]);
      assert.equal([...hooks.values()][0]!.secret, 'whsec-1');
      assert.equal([...hooks.values()][0]!.name, `Connector order.created [${secretFingerprint('whsec-1')}]`);

      server.requests.length = 0;
      const second = await ensure();
      assert.deepEqual(second.map((result) => result.action), ['unchanged', 'unchanged']);
      assert.deepEqual(second.map((result) => result.id), first.map((result) => result.id));
      assert.deepEqual(writes(), []);
      assert.equal(hooks.size, 2);
    });

    it('reactivates a disabled webhook with the current secret, and re-keys one with an old secret', async () => {
      await ensure('whsec-1');
      const [created, updated] = [...hooks.values()];
      created!.status = 'disabled';
      server.requests.length = 0;

      const results = await ensure('whsec-2');
      assert.deepEqual(results.map((result) => result.action), ['reactivated', 'updated']);
      assert.equal(created!.status, 'active');
      assert.equal(created!.secret, 'whsec-2');
      assert.equal(updated!.secret, 'whsec-2');
      assert.deepEqual(writes(), [`PUT /webhooks/${created!.id}`, `PUT /webhooks/${updated!.id}`]);
    });

    it('adopts a hand-made webhook and deletes duplicates for the same topic and URL', async () => {
      for (const name of ['Made by hand', 'Second copy']) {
        hooks.set(nextId, { id: nextId, name, status: 'active', topic: 'order.created', resource: 'order', event: 'created', hooks: [], delivery_url: `${deliveryUrl}/`, date_created: '', date_created_gmt: '', date_modified: null, date_modified_gmt: null });
        nextId++;
      }
      const [result] = await ensure('whsec-1', ['order.created']);
      assert.equal(result!.action, 'updated');
      assert.equal(result!.id, 100);
      assert.deepEqual(result!.removedDuplicateIds, [101]);
      assert.deepEqual([...hooks.keys()], [100]);
      assert.ok(server.requests.some((request) => request.method === 'DELETE' && request.query.get('force') === 'true'));
    });

    it('never puts the webhook secret into call records', async () => {
      await ensure('whsec-very-secret');
      const posted = calls.find((call) => call.method === 'POST')!;
      assert.equal((posted.requestBody as { secret: string }).secret, '[redacted]');
      assert.ok(!JSON.stringify(calls).includes('whsec-very-secret'));
    });
  });

  describe('ping', () => {
    it('reports ok when orders are readable and webhooks manageable', async () => {
      handler = () => ({ json: [] });
      assert.deepEqual(await woo.ping(), { ok: true, store: { url: `${server.url}/shop` } });
      assert.equal(server.requests[0]!.query.get('_fields'), 'id');
      assert.equal(server.requests[0]!.query.get('per_page'), '1');
      assert.equal(server.requests[1]!.path, `${API}/webhooks`);
    });

    it("reports the store's refusal in words", async () => {
      handler = () => ({ status: 401, json: { code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.', data: { status: 401 } } });
      const orders = await woo.ping();
      assert.equal(orders.ok, false);
      assert.match((orders as { error: string }).error, /^Cannot read orders: .*Consumer secret is invalid\./);

      handler = (request) =>
        request.path.endsWith('/webhooks')
          ? { status: 403, json: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 403 } } }
          : { json: [] };
      const webhooks = await woo.ping();
      assert.match((webhooks as { error: string }).error, /^Cannot manage webhooks: .*Sorry, you cannot list resources\./);
    });
  });
});
