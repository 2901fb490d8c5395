import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { sleep } from '@connector/common';
import { Decimal } from '@connector/accounting';
import { eventually } from '@connector/testing';
import { signedHeaders, Stack } from '../stack';
import { expectBalancedLedger, summary } from './ledger';
import { FAULT_ENV, openShop, placeOrders, Shop } from './shop';
import { ZohoProxy } from './zoho-proxy';

/**
 * Bad input at the webhook endpoint: wrong, missing and truncated signatures, another
 * connection's secret, oversized bodies, malformed JSON, JSON of the wrong shape, huge orders,
 * hostile strings. Each gets a clear status and message and the system stays healthy. Then the
 * secrets handed to the product are looked for everywhere they must not be: every process's
 * logs (at debug level), the admin API's answers and the whole database.
 */
describe('bad input at the gateway, and secrets kept secret', () => {
  let stack: Stack;
  let shop: Shop;
  let other: Shop;
  let proxy: ZohoProxy;
  /** Stream sequences of deliveries that are stored on purpose but cannot be processed. */
  const badSeqs = new Set<number>();

  before(async () => {
    stack = await Stack.start({ ...FAULT_ENV, LOG_LEVEL: 'debug', MAX_BODY_BYTES: '1000000' });
    proxy = await ZohoProxy.start(stack.zoho);
    shop = await openShop(stack, { accountsUrl: proxy.url });
    // Its alert webhook (nothing listens there) is one more secret the last test looks for.
    other = await openShop(stack, { accountsUrl: proxy.url, settings: { alertWebhookUrl: `http://127.0.0.1:9/services/T0/B0/alert-${randomBytes(12).toString('hex')}` } });
  });

  after(async () => {
    await other?.store.stop();
    await shop?.store.stop();
    await stack?.stop();
    await proxy?.stop();
  });

  const sign = (body: string | Buffer, secret: string) => createHmac('sha256', secret).update(body).digest('base64');
  const secretOf = (s: Shop) => stack.webhookSecrets.get(s.connectionId)!;

  async function post(connectionId: string, body: string | Buffer, headers: Record<string, string>) {
    const res = await stack.postRaw(connectionId, body, headers);
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = { raw: text };
    }
    return { status: res.status, json };
  }

  function expectRejected(answer: { status: number; json: any }, status: number, error: string | RegExp) {
    assert.equal(answer.status, status, JSON.stringify(answer.json));
    if (typeof error === 'string') assert.equal(answer.json.error, error, JSON.stringify(answer.json));
    else assert.match(String(answer.json.error), error);
    assert.ok(typeof answer.json.message === 'string' && answer.json.message.length > 10, `a message in words: ${JSON.stringify(answer.json)}`);
  }

  test('signatures: wrong, missing, truncated, another encoding, another connection\'s secret', async () => {
    const order = shop.store.createOrder({ customer: shop.customers[0], lineItems: [{ productId: shop.products[0]!, quantity: 1 }] });
    await shop.store.flushDeliveries();
    const body = JSON.stringify(shop.store.getOrder(order.id));
    const good = sign(body, secretOf(shop));
    const streamBefore = (await stack.api('GET', `/api/connections/${shop.connectionId}/events?limit=1000`)).json.length;

    expectRejected(await post(shop.connectionId, body, signedHeaders('order.updated', sign(body, 'not-the-secret'))), 401, 'bad_signature');
    const missing = signedHeaders('order.updated', '');
    delete (missing as Record<string, string>)['x-wc-webhook-signature'];
    expectRejected(await post(shop.connectionId, body, missing), 401, 'missing_signature');
    expectRejected(await post(shop.connectionId, body, signedHeaders('order.updated', good.slice(0, 20))), 401, 'bad_signature');
    const flipped = `${good.slice(0, 10)}${good[10] === 'A' ? 'B' : 'A'}${good.slice(11)}`;
    expectRejected(await post(shop.connectionId, body, signedHeaders('order.updated', flipped)), 401, 'bad_signature');
    const hex = createHmac('sha256', secretOf(shop)).update(body).digest('hex');
    expectRejected(await post(shop.connectionId, body, signedHeaders('order.updated', hex)), 401, 'bad_signature');
    expectRejected(await post(shop.connectionId, body, signedHeaders('order.updated', `${good}${good}`)), 401, 'bad_signature');
    // Signed with the other connection's secret: refused here…
    expectRejected(await post(shop.connectionId, body, signedHeaders('order.updated', sign(body, secretOf(other)))), 401, 'bad_signature');
    // …the body signed right but changed by one byte afterwards.
    expectRejected(await post(shop.connectionId, body.replace('"total":"', '"total":"1'), signedHeaders('order.updated', good)), 401, 'bad_signature');
    // Unknown connections.
    expectRejected(await post(randomUUID(), body, signedHeaders('order.updated', good)), 404, 'unknown_connection');
    expectRejected(await post('not-a-uuid', body, signedHeaders('order.updated', good)), 404, 'unknown_connection');

    // None of it was stored.
    const streamAfter = (await stack.api('GET', `/api/connections/${shop.connectionId}/events?limit=1000`)).json.length;
    assert.equal(streamAfter, streamBefore, 'rejected deliveries are not recorded');
    // The genuine delivery still passes.
    const accepted = await post(shop.connectionId, body, signedHeaders('order.updated', good));
    assert.equal(accepted.status, 200, JSON.stringify(accepted.json));
  });

  test('oversized bodies (with and without Content-Length), malformed JSON, JSON that is not an object', async () => {
    const big = Buffer.alloc(1_200_000, 'a');
    expectRejected(await post(shop.connectionId, big, signedHeaders('order.updated', sign(big, secretOf(shop)))), 413, 'body_too_large');
    // Chunked, no Content-Length: refused while streaming.
    const chunked = await new Promise<{ status: number; json: any }>((resolve, reject) => {
      const url = new URL(`${stack.gatewayUrl}/webhooks/woocommerce/${shop.connectionId}`);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...signedHeaders('order.updated', 'x'), 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || '{}') }));
      });
      req.on('error', reject);
      const chunk = Buffer.alloc(64 * 1024, 'b');
      let sent = 0;
      const write = () => {
        while (sent < 2_000_000) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    }).catch((error) => ({ status: -1, json: { error: String(error) } }));
    // The gateway may answer 413 before the client finished sending (then the socket is reset).
    assert.ok(chunked.status === 413 || chunked.status === -1, JSON.stringify(chunked));
    if (chunked.status === 413) assert.equal(chunked.json.error, 'body_too_large');

    for (const malformed of ['{"id": 1, "status": ', '{id: 1}', '\u0000\u0001binary', '{"id":1}}', '']) {
      const answer = await post(shop.connectionId, malformed, signedHeaders('order.updated', sign(malformed, secretOf(shop))));
      expectRejected(answer, 400, /malformed_json|wrong_shape/);
    }
    for (const notObject of ['[]', '[{"id":1}]', '"order"', '42', 'null', 'true']) {
      expectRejected(await post(shop.connectionId, notObject, signedHeaders('order.updated', sign(notObject, secretOf(shop)))), 400, 'wrong_shape');
    }
    assert.deepEqual(await stack.notReady(), []);
  });

  test('JSON of the wrong shape: recorded, then refused by the service with the reason, never retried in a loop', async () => {
    const wrong: Array<[string, unknown]> = [
      ['order.updated', { id: 990001, status: 'processing', line_items: 'not a list', total: 'abc' }],
      ['order.created', { hello: 'world' }],
      ['order.updated', { id: 'seven', number: { nested: true } }],
      ['customer.updated', { id: 990002, email: 42, billing: 'none' }],
      ['product.updated', { id: 'x', name: null }],
      ['coupon.created', { id: 5, code: 'UNKNOWN-TOPIC' }],
    ];
    for (const [topic, payload] of wrong) {
      const body = JSON.stringify(payload);
      const answer = await post(shop.connectionId, body, signedHeaders(topic, sign(body, secretOf(shop))));
      assert.ok(answer.status === 200 || answer.status === 202, `${topic}: ${answer.status} ${JSON.stringify(answer.json)}`);
      if (answer.status === 202) assert.match(answer.json.reason, /not processed/);
      badSeqs.add(answer.json.sequence);
    }
    // Each processable one becomes a dead letter with the reason in words, after one delivery.
    const letters = await eventually(async () => {
      const res = await stack.api('GET', `/api/dead-letters?connectionId=${shop.connectionId}`);
      const mine = (res.json as any[]).filter((l) => badSeqs.has(Number(l.streamSeq)));
      return mine.length >= 4 ? mine : undefined;
    }, 30_000, 250);
    for (const letter of letters) {
      assert.ok(letter.reason.length > 15, `a reason in words: ${letter.reason}`);
      assert.equal(Number(letter.deliveries), 1, `a permanent problem is not retried: ${letter.consumer} ${letter.reason} after ${letter.deliveries} deliveries`);
    }
    assert.ok(letters.some((l) => /not a WooCommerce order/.test(l.reason)), letters.map((l) => l.reason).join(' | '));
    assert.deepEqual(await stack.notReady(), []);
  });

  test('huge orders: 250 lines of new products book exactly; 3,000 lines exceed the body limit with 413', async (t) => {
    const products = Array.from({ length: 250 }, (_, i) =>
      shop.store.createProduct({ name: `Bulk ${shop.tag} ${i}`, sku: `BULK-${shop.tag}-${i}`, regularPrice: `${(i % 13) + 0.99}` }).id,
    );
    const order = shop.store.createOrder({
      customer: shop.customers[1],
      lineItems: products.map((productId, i) => ({ productId, quantity: 1 + (i % 4) })),
      shippingLines: [{ methodTitle: 'Pallet', cost: '49.00', taxable: true }],
    });
    await shop.store.flushDeliveries();
    const record = await stack.settledOrder(shop.connectionId, order.id, ['synced', 'failed'], { timeoutMs: 90_000 });
    assert.equal(record.state, 'synced', record.reason);
    const invoice = stack.zoho.invoices(shop.orgId).find((i: any) => i.reference_number === order.number)!;
    assert.equal(Decimal.from(String(invoice.total)).compare(order.total), 0, `Zoho ${invoice.total} vs order ${order.total}`);
    assert.ok(invoice.line_items.length >= 250);

    const hugeProducts = shop.products.slice(0, 3);
    const huge = shop.store.createOrder({
      customer: shop.customers[2],
      lineItems: Array.from({ length: 3_000 }, (_, i) => ({ productId: hugeProducts[i % 3]!, quantity: 1, name: `Line ${i} ${'x'.repeat(40)}` })),
    });
    await shop.store.flushDeliveries();
    const refused = shop.store.deliveries.filter((d) => d.resourceId === huge.id && d.topic.startsWith('order.'));
    assert.ok(refused.length > 0 && refused.every((d) => d.status === 413), `3,000 lines: ${refused.map((d) => `${d.status} ${d.body.length} bytes`).join(', ')}`);
    assert.match(refused[0]!.responseBody, /body_too_large/);
    t.diagnostic(`250 lines booked (${invoice.line_items.length} Zoho lines, total ${invoice.total}); 3,000 lines (${refused[0]!.body.length} bytes) answered 413`);
  });

  test('hostile strings in names, emails, notes and products book exactly or fail with a reason', async (t) => {
    const hostile = [
      '<script>alert(1)</script>',
      "Robert'); DROP TABLE order_syncs;--",
      '${jndi:ldap://x}{{7*7}}',
      '‮evil‬ \u200b zero-width',
      'Ünïcødé 🎉🧾 中文 العربية',
      'line\r\nX-Injected: yes',
      'x'.repeat(2_000),
      'nul\u0000byte',
      '\\"; \\\\ backslashes',
    ];
    const product = shop.store.createProduct({ name: `${hostile[0]} ${hostile[4]} ${shop.tag}`, sku: `HOSTILE-${shop.tag}`, regularPrice: '3.33' }).id;
    const orders = hostile.map((text, i) =>
      shop.store.createOrder({
        customer: { billing: { first_name: text.slice(0, 300), last_name: `${hostile[(i + 1) % hostile.length]!.slice(0, 100)}`, company: text.slice(0, 500), email: `hostile-${i}-${shop.tag}@example.com`, country: 'DE', city: text.slice(0, 100) } },
        lineItems: [{ productId: product, quantity: 3 }, { productId: shop.products[0]!, quantity: 1, name: text.slice(0, 500) }],
        customerNote: text,
        fees: [{ name: text.slice(0, 200), amount: '1.00', taxable: false }],
      }),
    );
    await shop.store.flushDeliveries();
    for (const delivery of shop.store.deliveries.filter((d) => orders.some((o) => o.id === d.resourceId))) {
      assert.ok(delivery.success, `delivery of ${delivery.topic} ${delivery.resourceId}: ${delivery.status} ${delivery.responseBody}`);
    }
    const outcomes: string[] = [];
    for (const [i, order] of orders.entries()) {
      const record = await stack.settledOrder(shop.connectionId, order.id, ['synced', 'failed'], { timeoutMs: 60_000 });
      if (record.state === 'synced') {
        const invoice = stack.zoho.invoices(shop.orgId).find((inv: any) => inv.reference_number === order.number)!;
        assert.equal(Decimal.from(String(invoice.total)).compare(order.total), 0);
        outcomes.push(`#${i} synced`);
      } else {
        assert.ok(record.reason && record.reason.length > 15, `order ${order.id} failed without a reason`);
        outcomes.push(`#${i} failed: ${record.reason}`);
      }
    }
    const failed = outcomes.filter((o) => o.includes('failed'));
    t.diagnostic(outcomes.join(' | '));
    assert.deepEqual(failed, [], 'every hostile order books (the strings are data, not a reason to fail)');
    assert.deepEqual(await stack.notReady(), []);
    assert.deepEqual(stack.crashes(), []);
  });

  test('after all of it the system is healthy: live orders book, nothing else was given up on', async (t) => {
    await placeOrders(shop, 12, { intervalMs: 50, batch: 'after', cancelEvery: 0 });
    const report = await expectBalancedLedger(shop.ledgerInput({
      allowDeadLetter: (letter) => badSeqs.has(Number(letter.streamSeq)),
      ignoreOrders: (order) => order.line_items.length >= 3_000,
    }));
    assert.deepEqual(await stack.notReady(), []);
    assert.deepEqual(stack.crashes(), []);
    t.diagnostic(summary(report));
  });

  test('no secret appears in any log, API answer or database row', async (t) => {
    // Exercise the paths that handle secrets: ping, webhook repair, re-authorization.
    assert.equal((await stack.api('POST', `/api/connections/${shop.connectionId}/ping`)).status, 200);
    assert.equal((await stack.api('POST', `/api/connections/${shop.connectionId}/webhooks`)).status, 200);
    const auth = stack.zohoAuthorizations.get(other.connectionId)!;
    const refreshToken = stack.zoho.issueRefreshToken(auth.clientId, [other.orgId]);
    stack.secrets.add(refreshToken);
    assert.equal((await stack.api('PUT', `/api/connections/${other.connectionId}/zoho`, { refreshToken, clientSecret: auth.clientSecret })).status, 200);
    await placeOrders(other, 3, { intervalMs: 20, batch: 'secrets', cancelEvery: 0, editEvery: 0 });
    await expectBalancedLedger(other.ledgerInput());
    // A failed admin login must not echo the token it was given.
    const wrongToken = `wrong-${stack.secrets.values().next().value}`;
    const denied = await fetch(`${stack.adminUrl}/api/connections`, { headers: { authorization: `Bearer ${wrongToken}` } });
    assert.equal(denied.status, 401);
    assert.ok(!(await denied.text()).includes(wrongToken));

    const secrets = new Set([...stack.secrets, ...proxy.tokensSeen]);
    assert.ok(proxy.tokensSeen.size >= 2, 'access tokens were issued and are looked for too');
    const forms = (secret: string) => [secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)].filter((f) => f.length >= 12);
    const leaks: string[] = [];
    const scan = (where: string, text: string) => {
      for (const secret of secrets) {
        for (const form of forms(secret)) if (text.includes(form)) leaks.push(`${where} contains a secret (${secret.slice(0, 6)}…)`);
      }
    };

    // The scanner finds what it looks for (plain, base64 and URL-encoded).
    const sample = [...secrets].find((x) => /[^A-Za-z0-9]/.test(x)) ?? [...secrets][0]!;
    scan('self-check', `xx${encodeURIComponent(sample)}xx ${Buffer.from(sample).toString('base64')}`);
    assert.ok(leaks.length >= 1, 'the scanner recognises an encoded secret');
    leaks.length = 0;

    // 1. Every process's output, across restarts, at debug level.
    let logBytes = 0;
    for (const [key, text] of stack.allLogs()) {
      logBytes += text.length;
      scan(`logs of ${key}`, text);
    }
    assert.ok(logBytes > 10_000, 'the logs were captured');

    // 2. The admin API.
    const paths = ['/api/connections', '/api/dead-letters', '/api/dead-letters?status=resolved', '/api/openapi.json'];
    for (const s of [shop, other]) {
      const id = s.connectionId;
      paths.push(
        `/api/connections/${id}`,
        `/api/connections/${id}/orders?limit=1000`,
        `/api/connections/${id}/events?limit=1000&includeBody=true`,
        `/api/connections/${id}/audit?limit=1000`,
        `/api/connections/${id}/products`,
        `/api/connections/${id}/usage`,
        `/api/connections/${id}/webhooks`,
      );
    }
    const order = other.store.orders()[0]!;
    paths.push(`/api/connections/${other.connectionId}/orders/${order.id}`, `/api/connections/${other.connectionId}/audit/order/${order.id}`);
    for (const path of paths) {
      const res = await stack.api('GET', path);
      scan(`GET ${path} (${res.status})`, typeof res.json === 'string' ? res.json : JSON.stringify(res.json));
    }
    scan('POST ping', JSON.stringify((await stack.api('POST', `/api/connections/${shop.connectionId}/ping`)).json));

    // 3. Every row of every table.
    const tables: Array<{ table_name: string }> = await stack.db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    let rows = 0;
    for (const { table_name } of tables) {
      const dump: Array<{ row: string }> = await stack.db.dataSource.query(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
      rows += dump.length;
      scan(`table ${table_name}`, dump.map((r) => r.row).join('\n'));
    }
    assert.ok(rows > 20, `${rows} rows dumped`);

    assert.deepEqual([...new Set(leaks)], []);
    t.diagnostic(`${secrets.size} secrets looked for in ${Math.round(logBytes / 1024)} KiB of logs, ${paths.length + 1} API answers and ${rows} rows of ${tables.length} tables`);
  });
});
