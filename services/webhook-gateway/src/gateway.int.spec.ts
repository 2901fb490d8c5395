import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { HEADERS, subjects } from '@connector/contracts';
import { ConnectionStore } from '@connector/persistence';
import { eventually, startPrivateNats, startPrivatePostgres, TestDatabase, TestTopology } from '@connector/testing';
import { gatewayFixture, orderFixture, sign, wooHeaders } from './gateway.fixture';
import { startGateway } from './main';

async function listen(app: INestApplication): Promise<string> {
  const address = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

describe('webhook-gateway against real NATS JetStream and PostgreSQL', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let app: INestApplication;
  let base: string;
  let connectionId: string;
  let secret: string;
  let store: ConnectionStore;

  before(async () => {
    const fx = await gatewayFixture();
    ({ db, topo, secret, store } = fx);
    connectionId = fx.connection.id;
    app = await startGateway(fx.env);
    base = await listen(app);
  });

  after(async () => {
    await app?.close();
    await topo?.destroy();
    await db?.drop();
  });

  const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${base}${path}`, { method: 'POST', body, headers });

  async function streamMessages() {
    const jsm = await jetstreamManager(topo.nc);
    const info = await jsm.streams.info(topo.topology.stream);
    const messages = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      messages.push(await jsm.streams.getMessage(topo.topology.stream, { seq }));
    }
    return messages;
  }

  test('a signed order delivery is stored byte for byte before the 200', async () => {
    // WooCommerce's own secret decoding: "&amp;" in the stored secret is "&" in the HMAC key.
    const body = orderFixture();
    const res = await post(`/webhooks/woocommerce/${connectionId}`, body, wooHeaders('order.created', sign(body, 'wh-secret & more')));
    assert.equal(res.status, 200);
    const json = (await res.json()) as { status: string; sequence: number; duplicate: boolean };
    assert.equal(json.status, 'accepted');
    assert.equal(json.duplicate, false);
    const jsm = await jetstreamManager(topo.nc);
    const stored = (await jsm.streams.getMessage(topo.topology.stream, { seq: json.sequence }))!;
    assert.equal(stored.subject, `${topo.topology.subjectPrefix}.${connectionId}.order.created`);
    assert.deepEqual(Buffer.from(stored.data), body);
    assert.equal(stored.header.get(HEADERS.topic), 'order.created');
    assert.equal(stored.header.get(HEADERS.resourceId), '727');
    // Named by the HMAC the signature was verified with (a hash of the exact bytes): no second hash of the body.
    const hmac = Buffer.from(sign(body, 'wh-secret & more'), 'base64').toString('hex');
    assert.match(stored.header.get(HEADERS.msgId), new RegExp(`^${connectionId}:order.created:727:2017-03-22T19:28:08:${hmac.slice(0, 24)}$`));
  });

  test('the same snapshot delivered again is acknowledged but stored once', async () => {
    const before = (await streamMessages()).length;
    const body = orderFixture();
    for (let i = 0; i < 3; i++) {
      const res = await post(`/webhooks/woocommerce/${connectionId}`, body, wooHeaders('order.created', sign(body, 'wh-secret & more')));
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { duplicate: boolean }).duplicate, true);
    }
    assert.equal((await streamMessages()).length, before);
  });

  test('bad, missing, truncated and foreign signatures are 401 and nothing is recorded', async () => {
    const before = (await streamMessages()).length;
    const body = orderFixture();
    const good = sign(body, 'wh-secret & more');
    const cases: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['wrong secret', sign(body, 'another connection secret')],
      ['truncated', good.slice(0, 20)],
      ['garbage', 'not base64 at all!!'],
      ['over re-serialised JSON', sign(JSON.stringify(JSON.parse(body.toString())), 'wh-secret & more')],
    ];
    for (const [name, signature] of cases) {
      const res = await post(`/webhooks/woocommerce/${connectionId}`, body, wooHeaders('order.created', signature));
      assert.equal(res.status, 401, name);
      assert.match(((await res.json()) as { error: string }).error, /signature/, name);
    }
    assert.equal((await streamMessages()).length, before);
  });

  test("WooCommerce's unsigned creation ping gets 200, is not stored, and is announced for a registration waiting on it", async () => {
    const before = (await streamMessages()).length;
    const notices = topo.nc.subscribe(subjects.webhookPinged(topo.topology, connectionId), { max: 1 });
    await topo.nc.flush();
    const res = await post(`/webhooks/woocommerce/${connectionId}`, 'webhook_id=42', {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': 'WooCommerce/11.3.0 Hookshot (WordPress/6.8)',
    });
    assert.equal(res.status, 200);
    assert.equal((await streamMessages()).length, before);
    for await (const notice of notices) assert.deepEqual(notice.json(), { webhookId: 42 });
  });

  test('after a rotation the old secret is accepted for its grace period, then refused; the new one from the start', async () => {
    const rotated = await store.create({
      name: 'Rotating store', storeUrl: 'https://rotate.example.com', woo: { consumerKey: 'ck_r', consumerSecret: 'cs_r' }, webhookSecret: 'old-secret-0123456789',
      zohoAccountsUrl: 'https://accounts.zoho.com', zoho: { clientId: 'c', clientSecret: 's', refreshToken: 'r' },
    });
    await store.rotateWebhookSecret(rotated.id, 'new-secret-0123456789', 60 * 60_000);
    const deliver = (body: Buffer, signedWith: string) => post(`/webhooks/woocommerce/${rotated.id}`, body, wooHeaders('order.updated', sign(body, signedWith)));
    const order = (id: number) => Buffer.from(JSON.stringify({ id, date_modified_gmt: `2026-11-29T10:00:0${id % 10}` }));
    assert.equal((await deliver(order(1), 'new-secret-0123456789')).status, 200);
    assert.equal((await deliver(order(2), 'old-secret-0123456789')).status, 200, 'signed before the store was re-keyed');
    assert.equal((await deliver(order(3), 'another-secret-000000')).status, 401);

    // The grace period ends (the gateway re-reads secrets within 10 s).
    await db.dataSource.query(`UPDATE connections SET previous_webhook_secret_until = now() - interval '1 second' WHERE id = $1`, [rotated.id]);
    await eventually(async () => (await deliver(order(4), 'old-secret-0123456789')).status === 401, 15_000, 500);
    assert.equal((await deliver(order(5), 'new-secret-0123456789')).status, 200);
  });

  test('a delivery signed with a secret rotated after the gateway cached the old one is accepted at once', async () => {
    const rotated = await store.create({
      name: 'Re-keyed store', storeUrl: 'https://rekeyed.example.com', woo: { consumerKey: 'ck_k', consumerSecret: 'cs_k' }, webhookSecret: 'first-secret-0123456789',
      zohoAccountsUrl: 'https://accounts.zoho.com', zoho: { clientId: 'c', clientSecret: 's', refreshToken: 'r' },
    });
    const deliver = (id: number, signedWith: string) => {
      const body = Buffer.from(JSON.stringify({ id, date_modified_gmt: `2026-11-29T11:00:0${id}` }));
      return post(`/webhooks/woocommerce/${rotated.id}`, body, wooHeaders('order.updated', sign(body, signedWith)));
    };
    assert.equal((await deliver(1, 'first-secret-0123456789')).status, 200, 'the gateway now caches the first secret');
    await store.rotateWebhookSecret(rotated.id, 'second-secret-0123456789', 0);
    const before = (await streamMessages()).length;
    const res = await deliver(2, 'second-secret-0123456789');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { duplicate: boolean }).duplicate, false);
    assert.equal((await streamMessages()).length, before + 1, 'stored');
    assert.equal((await deliver(3, 'first-secret-0123456789')).status, 401, 'the first secret, rotated without grace, is refused');
  });

  test('unknown connections are 404', async () => {
    const body = orderFixture();
    for (const id of [randomUUID(), 'not-a-uuid', 'x'.repeat(300)]) {
      const res = await post(`/webhooks/woocommerce/${id}`, body, wooHeaders('order.created', sign(body, secret)));
      assert.equal(res.status, 404);
    }
  });

  test('oversized bodies are 413', async () => {
    const body = Buffer.alloc(250_000, 'a');
    const res = await post(`/webhooks/woocommerce/${connectionId}`, body, wooHeaders('order.created', sign(body, 'wh-secret & more')));
    assert.equal(res.status, 413);
  });

  test('malformed JSON with a valid signature is 400; a non-object body is 400', async () => {
    for (const text of ['{"id": 727, "status": ', '[1,2,3]', 'null']) {
      const res = await post(`/webhooks/woocommerce/${connectionId}`, text, wooHeaders('order.updated', sign(text, 'wh-secret & more')));
      assert.equal(res.status, 400, text);
    }
  });

  test('a signed delivery whose id or date is not what WooCommerce sends is stored (200), its odd fields left out of the headers', async () => {
    const odd = [
      { id: '7\r\n27', date_modified_gmt: '2026-11-29T10:00:00\n' },
      { id: 'x'.repeat(100_000), date_modified_gmt: 'y'.repeat(100) },
      { id: 1e400, date_modified_gmt: 5 },
    ];
    const jsm = await jetstreamManager(topo.nc);
    for (const fields of odd) {
      const body = Buffer.from(JSON.stringify({ ...fields, status: 'processing' }).replace('null', '1e400'));
      const res = await post(`/webhooks/woocommerce/${connectionId}`, body, wooHeaders('order.updated', sign(body, 'wh-secret & more')));
      assert.equal(res.status, 200, body.toString().slice(0, 80));
      const { sequence } = (await res.json()) as { sequence: number };
      const stored = (await jsm.streams.getMessage(topo.topology.stream, { seq: sequence }))!;
      assert.deepEqual(Buffer.from(stored.data), body, 'stored as it came');
      assert.equal(stored.header.get(HEADERS.resourceId), '');
      assert.match(stored.header.get(HEADERS.msgId), new RegExp(`^${connectionId}:order.updated:none:none:[0-9a-f]{24}$`));
    }
  });

  test('an unknown topic is recorded (202) under the unknown resource, not processed', async () => {
    const body = Buffer.from('{"id":5,"code":"SAVE10"}');
    const res = await post(`/webhooks/woocommerce/${connectionId}`, body, wooHeaders('coupon.exploded', sign(body, 'wh-secret & more')));
    assert.equal(res.status, 202);
    const { sequence } = (await res.json()) as { sequence: number };
    const jsm = await jetstreamManager(topo.nc);
    const stored = (await jsm.streams.getMessage(topo.topology.stream, { seq: sequence }))!;
    assert.equal(stored.subject, `${topo.topology.subjectPrefix}.${connectionId}.unknown.coupon-exploded`);
  });

  test('the delivery URL takes a trailing slash and a query; other methods and paths are the framework’s 404; bad escapes are 400', async () => {
    const body = orderFixture();
    const signed = wooHeaders('order.created', sign(body, 'wh-secret & more'));
    for (const path of [`/webhooks/woocommerce/${connectionId}/`, `/webhooks/woocommerce/${connectionId}?source=woo`]) {
      const res = await post(path, body, signed);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    }
    assert.equal((await fetch(`${base}/webhooks/woocommerce/${connectionId}`)).status, 404);
    assert.equal((await post(`/webhooks/woocommerce/${connectionId}/extra`, body, signed)).status, 404);
    const bad = await post('/webhooks/woocommerce/%E0%A4%A', body, signed);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: string }).error, 'bad_connection_id');
  });

  test('health and metrics answer', async () => {
    const ready = await fetch(`${base}/health/ready`);
    assert.equal(ready.status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /connector_gateway_deliveries_total\{.*outcome="accepted"/);
    assert.match(metrics, /connector_gateway_deliveries_total\{.*reason="bad_signature"/);
  });
});

describe('webhook-gateway when NATS goes away', () => {
  test('answers 503 (never 200) while NATS is down, and 200 again once it is back', async () => {
    const nats = await startPrivateNats();
    const fx = await gatewayFixture(nats.url);
    let app: INestApplication | undefined;
    try {
      app = await startGateway(fx.env);
      const base = await listen(app);
      const send = async (id: number) => {
        const body = Buffer.from(JSON.stringify({ id, status: 'processing', date_modified_gmt: '2026-11-27T10:00:00' }));
        return fetch(`${base}/webhooks/woocommerce/${fx.connection.id}`, {
          method: 'POST',
          body,
          headers: wooHeaders('order.updated', sign(body, 'wh-secret & more')),
        });
      };
      assert.equal((await send(1)).status, 200);
      await nats.kill();
      const down = await send(2);
      assert.equal(down.status, 503);
      await nats.restart();
      let status = 0;
      for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
        status = (await send(3)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(status, 200);
    } finally {
      await app?.close();
      await fx.topo.destroy();
      await fx.db.drop();
      await nats.stop();
    }
  });
});

describe('webhook-gateway when PostgreSQL goes away', () => {
  test('a connection whose secrets it read before still has its deliveries stored (200); one never read, or a signature they do not match, is 503', async (t) => {
    const postgres = await startPrivatePostgres();
    const fx = await gatewayFixture(undefined, postgres.url);
    let app: INestApplication | undefined;
    try {
      app = await startGateway(fx.env);
      const base = await listen(app);
      const send = (connectionId: string, id: number, secret = 'wh-secret & more') => {
        const body = Buffer.from(JSON.stringify({ id, status: 'processing', date_modified_gmt: '2026-11-29T10:00:00' }));
        return fetch(`${base}/webhooks/woocommerce/${connectionId}`, { method: 'POST', body, headers: wooHeaders('order.updated', sign(body, secret)) });
      };
      assert.equal((await send(fx.connection.id, 1)).status, 200, 'the gateway now caches the secret');
      await postgres.kill();
      // Past the cache's 10 s lifetime without waiting for it: the entry has expired.
      const now = Date.now.bind(Date);
      t.mock.method(Date, 'now', () => now() + 11_000);

      const res = await send(fx.connection.id, 2);
      assert.equal(res.status, 200);
      const { sequence } = (await res.json()) as { sequence: number };
      const jsm = await jetstreamManager(fx.topo.nc);
      const stored = await jsm.streams.getMessage(fx.topo.topology.stream, { seq: sequence });
      assert.equal(JSON.parse(Buffer.from(stored!.data).toString()).id, 2, 'stored');
      assert.equal((await send(randomUUID(), 3)).status, 503, 'nothing cached to verify it with');
      // Signed with another secret: perhaps one rotated in since, which only PostgreSQL knows.
      assert.equal((await send(fx.connection.id, 4, 'a-secret-rotated-in')).status, 503);
    } finally {
      await app?.close();
      await fx.topo.destroy();
      await fx.db.dataSource.destroy().catch(() => undefined);
      await postgres.stop();
    }
  });
});
