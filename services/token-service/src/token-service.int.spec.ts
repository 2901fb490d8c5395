import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplication } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { PermanentError, TransientError } from '@connector/common';
import { HEADERS, RPC, RpcReply, rpcSubject, subjects, ZohoSessionReply } from '@connector/contracts';
import { connectNats, DeliveryPublisher, NatsRpcClient } from '@connector/messaging';
import { DeadLetterEntity, ItemLinkEntity, OrderSyncEntity } from '@connector/persistence';
import { FakeWooStore, FakeZoho } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, TestDatabase, TestTopology } from '@connector/testing';
import { startTestTokenService } from './token-service.fixture';

const ADMIN_TOKEN = 'test-admin-token-0123456789';

describe('token-service: connections, credentials and Zoho tokens', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let zoho: FakeZoho;
  let app: INestApplication;
  let base: string;
  let nc: NatsConnection;
  let rpc: NatsRpcClient;
  let client: { clientId: string; clientSecret: string };
  let orgId: string;
  let refreshToken: string;

  before(async () => {
    db = await createTestDatabase();
    topo = await createTestTopology();
    zoho = await FakeZoho.start();
    client = zoho.registerClient();
    orgId = zoho.createOrganization({ name: 'Books Org' }).organization_id;
    refreshToken = zoho.issueRefreshToken(client.clientId);
    ({ app, base } = await startTestTokenService(db, topo, { ADMIN_TOKEN, PUBLIC_URL: 'https://connector.example.com' }));
    nc = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'token-service-test');
    rpc = new NatsRpcClient(nc, topo.topology, 10_000);
  });

  after(async () => {
    await nc?.drain();
    await app?.close();
    await zoho?.stop();
    await topo?.destroy();
    await db?.drop();
  });

  const api = (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) =>
    send(method, path, body === undefined ? undefined : JSON.stringify(body), token);

  /** A body as written, for JSON that JSON.stringify would not produce (or would overflow on). */
  const send = async (method: string, path: string, body: string | undefined, token = ADMIN_TOKEN) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
  };

  /** Each request answers `status` with exactly `message`. */
  const answers = async (status: number, cases: ReadonlyArray<readonly [string, string, unknown, string]>) => {
    for (const [method, path, body, message] of cases) {
      const res = typeof body === 'string' ? await send(method, path, body) : await api(method, path, body);
      assert.deepEqual([res.status, res.json?.message], [status, message], `${method} ${path} ${typeof body === 'string' ? body.slice(0, 60) : JSON.stringify(body)}`);
    }
  };

  /** One delivery of an order in the audit stream, as the webhook gateway records it; its sequence. */
  const publishDelivery = async (connectionId: string, orderId: number): Promise<number> => {
    const ack = await new DeliveryPublisher(topo.nc, topo.topology).publish({
      subject: subjects.delivery(topo.topology, connectionId, 'order', 'updated'),
      body: Buffer.from(JSON.stringify({ id: orderId })),
      msgId: `${connectionId}:order.updated:${orderId}`,
      headers: { [HEADERS.connectionId]: connectionId, [HEADERS.topic]: 'order.updated', [HEADERS.resourceId]: String(orderId), [HEADERS.origin]: 'webhook' },
    });
    return ack.seq;
  };

  const newConnection = (overrides: Record<string, unknown> = {}) => ({
    name: 'Acme store',
    woocommerce: {
      url: 'http://127.0.0.1:9/shop/',
      consumerKey: 'ck_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      consumerSecret: 'cs_SECRET_consumer_secret_value_0123456789',
      webhookSecret: 'whsec_SECRET_webhook_secret_value',
    },
    zoho: { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken, accountsUrl: zoho.accountsUrl },
    ...overrides,
  });

  test('the admin API requires the bearer token', async () => {
    assert.equal((await api('GET', '/api/connections', undefined, '')).status, 401);
    assert.equal((await api('GET', '/api/connections', undefined, 'wrong-token-wrong-token')).status, 401);
    assert.equal((await api('GET', '/api/connections')).status, 200);
  });

  test('validation errors are 400 and name the field', async () => {
    const missingUrl = newConnection();
    delete (missingUrl.woocommerce as Record<string, unknown>).url;
    const r1 = await api('POST', '/api/connections', missingUrl);
    assert.equal(r1.status, 400);
    assert.match(r1.json.message, /woocommerce\.url/);
    const r2 = await api('POST', '/api/connections', newConnection({ zoho: { clientId: 'x', clientSecret: 'y', refreshToken: 'z', accountsUrl: 'https://evil.example.com' } }));
    assert.equal(r2.status, 400);
    assert.match(r2.json.message, /zoho\.accountsUrl/);
    const r3 = await api('POST', '/api/connections', { ...newConnection(), extra: 'field' });
    assert.equal(r3.status, 400);
    assert.match(r3.json.message, /extra/);
    const r4 = await api('POST', '/api/connections', newConnection({ name: '' }));
    assert.equal(r4.status, 400);
    assert.match(r4.json.message, /name/);
    const badSettings = [
      [{ invoiceStatus: 'paid' }, /settings\.invoiceStatus must be draft or sent/],
      [{ paymentsSince: '2026-12-01' }, /settings\.paymentsSince must be a UTC time/],
      [{ paymentAccountId: 'cash drawer' }, /settings\.paymentAccountId must be a Zoho account id/],
      [{ paymentModes: { stripe: 'card' } }, /settings\.paymentModes must map payment method ids to one of check, cash, creditcard/],
      [{ paymentModes: ['cash'] }, /settings\.paymentModes/],
    ] as const;
    for (const [settings, message] of badSettings) {
      const res = await api('POST', '/api/connections', newConnection({ settings }));
      assert.equal(res.status, 400, JSON.stringify(settings));
      assert.match(JSON.stringify(res.json.message), message);
    }
  });

  test('a connection is created, never shows a secret, and stores none in clear', async () => {
    const alertUrl = 'http://127.0.0.1:9/services/T000/B000/SECRETalertpath';
    const created = await api('POST', '/api/connections', newConnection({ settings: { alertWebhookUrl: alertUrl } }));
    assert.equal(created.status, 201);
    assert.match(created.json.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.json.webhookUrl, `https://connector.example.com/webhooks/woocommerce/${created.json.id}`);
    assert.equal(created.json.woocommerce.url, 'http://127.0.0.1:9/shop');
    assert.equal(created.json.settings.alertWebhookHost, '127.0.0.1:9');
    const secrets = ['cs_SECRET_consumer_secret_value_0123456789', 'whsec_SECRET_webhook_secret_value', client.clientSecret, refreshToken, 'SECRETalertpath'];
    for (const response of [created, await api('GET', `/api/connections/${created.json.id}`), await api('GET', '/api/connections')]) {
      for (const secret of secrets) assert.ok(!response.text.includes(secret), 'a secret leaked through the API');
    }
    // A database dump shows no secret in clear.
    const rows = await db.dataSource.query(`SELECT row_to_json(c)::text AS dump FROM connections c`);
    const dump = rows.map((r: { dump: string }) => r.dump).join('\n');
    for (const secret of secrets) assert.ok(!dump.includes(secret), 'a secret is stored in clear');
    assert.match(dump, /v1\.test1\./);
  });

  test('settings are changed in place: given ones replace, null removes one, the rest stay; bad input is a 400 that changes nothing', async () => {
    const alertUrl = 'http://127.0.0.1:9/services/T000/B000/SECRETfirstalert';
    const { json: created } = await api('POST', '/api/connections', newConnection({ name: 'settings store', settings: { storeTimeZone: 'Europe/Berlin', alertWebhookUrl: alertUrl, zohoDailyLimit: 1000 } }));
    const patch = (body: unknown) => api('PATCH', `/api/connections/${created.id}/settings`, body);

    const changed = await patch({ invoiceStatus: 'sent', paymentsSince: '2026-12-01T00:00:00', zohoDailyLimit: null });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.settings.invoiceStatus, 'sent');
    assert.equal(changed.json.settings.paymentsSince, '2026-12-01T00:00:00');
    assert.equal(changed.json.settings.storeTimeZone, 'Europe/Berlin', 'a setting not given stays');
    assert.equal(changed.json.settings.zohoDailyLimit, undefined, 'null removes a setting');
    assert.equal(changed.json.settings.alertWebhookHost, '127.0.0.1:9', 'the alert URL stays, still sealed');
    assert.deepEqual((await api('GET', `/api/connections/${created.id}`)).json.settings, changed.json.settings, 'as stored');

    const newAlert = 'http://127.0.0.1:10/services/T000/B000/SECRETsecondalert';
    const realerted = await patch({ alertWebhookUrl: newAlert });
    assert.equal(realerted.json.settings.alertWebhookHost, '127.0.0.1:10');
    assert.ok(!realerted.text.includes('SECRETsecondalert'), 'never returned');
    const [row] = await db.dataSource.query(`SELECT settings::text AS settings FROM connections WHERE id = $1`, [created.id]);
    assert.ok(!row.settings.includes('SECRETsecondalert') && !row.settings.includes('SECRETfirstalert'), 'sealed at rest, the old one gone');
    assert.equal((await patch({ alertWebhookUrl: null })).json.settings.alertWebhookHost, null, 'removed');

    const bad = [
      [{}, /give at least one setting/],
      [{ invoiceStatus: 'paid' }, /settings\.invoiceStatus must be draft or sent/],
      [{ sandbox: true }, /sandbox should not exist/],
      [{ colour: 'red' }, /colour should not exist/],
      [{ alertWebhookUrl: 'ftp://hooks.example.com/x' }, /settings\.alertWebhookUrl must be an http\(s\) URL/],
    ] as const;
    const before = (await api('GET', `/api/connections/${created.id}`)).json.settings;
    for (const [body, message] of bad) {
      const res = await patch(body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(JSON.stringify(res.json.message), message);
    }
    assert.deepEqual((await api('GET', `/api/connections/${created.id}`)).json.settings, before, 'a refused change changes nothing');
    assert.equal((await api('PATCH', '/api/connections/00000000-0000-4000-8000-000000000000/settings', { invoiceStatus: 'sent' })).status, 404);
    assert.equal((await api('PATCH', '/api/connections/not-a-connection/settings', { invoiceStatus: 'sent' })).status, 404);
  });

  test('Zoho tokens: refreshed once, shared, regional api_domain, organization resolved and cached', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'token store' }));
    const mintsBefore = zoho.accountsCalls.filter((c) => c.grantType === 'refresh_token').length;
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId: json.id })),
    );
    const mints = zoho.accountsCalls.filter((c) => c.grantType === 'refresh_token').length - mintsBefore;
    assert.equal(mints, 1, 'ten concurrent requests cost one refresh');
    assert.equal(new Set(replies.map((r) => r.accessToken)).size, 1);
    assert.equal(replies[0].apiDomain, zoho.apiDomain);
    assert.equal(replies[0].organizationId, orgId);
    const shown = await api('GET', `/api/connections/${json.id}`);
    assert.equal(shown.json.zoho.organizationId, orgId);
    assert.equal(shown.json.zoho.apiDomain, zoho.apiDomain);
    // The stored access token is sealed too.
    const tokens = await db.dataSource.query(`SELECT access_token FROM zoho_tokens WHERE connection_id = $1`, [json.id]);
    assert.ok(!tokens[0].access_token.includes(replies[0].accessToken));
  });

  test('a token Zoho rejected is replaced on the next request', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'invalidate store' }));
    const first = await rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId: json.id });
    await rpc.call(RPC.zohoInvalidate, { connectionId: json.id, accessToken: first.accessToken });
    const second = await rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId: json.id });
    assert.notEqual(second.accessToken, first.accessToken);
  });

  test('a revoked refresh token flags the connection; re-authorization resumes it', async () => {
    const token = zoho.issueRefreshToken(client.clientId);
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'revoked store', zoho: { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken: token, accountsUrl: zoho.accountsUrl } }));
    zoho.revokeRefreshToken(token);
    await assert.rejects(rpc.call(RPC.zohoSession, { connectionId: json.id }), (e: Error) => e instanceof TransientError && /re-?author/i.test(e.message));
    const flagged = await api('GET', `/api/connections/${json.id}`);
    assert.equal(flagged.json.status, 'needs_reauthorization');
    // Further requests do not hammer Zoho's token endpoint.
    const before = zoho.accountsCalls.length;
    await assert.rejects(rpc.call(RPC.zohoSession, { connectionId: json.id }));
    assert.equal(zoho.accountsCalls.length, before);
    const ping = await api('POST', `/api/connections/${json.id}/ping`);
    assert.equal(ping.json.zoho.ok, false);
    assert.match(ping.json.zoho.error, /re-?author/i);

    const fresh = zoho.issueRefreshToken(client.clientId);
    const reauth = await api('PUT', `/api/connections/${json.id}/zoho`, { refreshToken: fresh });
    assert.equal(reauth.status, 200);
    assert.equal(reauth.json.status, 'active');
    const session = await rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId: json.id });
    assert.ok(session.accessToken);
  });

  test('wrong client credentials are reported in words by ping, not retried forever', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'bad client', zoho: { clientId: client.clientId, clientSecret: 'wrong', refreshToken, accountsUrl: zoho.accountsUrl } }));
    const ping = await api('POST', `/api/connections/${json.id}/ping`);
    assert.equal(ping.status, 200);
    assert.equal(ping.json.zoho.ok, false);
    assert.match(ping.json.zoho.error, /client/i);
    assert.equal(ping.json.woocommerce.ok, false, 'nothing listens on the store URL');
    await assert.rejects(rpc.call(RPC.zohoSession, { connectionId: json.id }), (e: Error) => e instanceof PermanentError);
  });

  test("the store's REST keys are replaced after a revocation, tried on the store first: refused or unreachable keys change nothing", async () => {
    const store = await FakeWooStore.start();
    const moved = await FakeWooStore.start();
    try {
      const first = store.createKey('read_write');
      const { json } = await api('POST', '/api/connections', newConnection({ name: 'rekeyed', woocommerce: { url: store.url, ...first } }));
      const connectionId: string = json.id;
      assert.equal((await api('POST', `/api/connections/${connectionId}/ping`)).json.woocommerce.ok, true);
      store.revokeKey(first.consumerKey);
      assert.equal((await api('POST', `/api/connections/${connectionId}/ping`)).json.woocommerce.ok, false, 'the revoked keys fail');

      const path = `/api/connections/${connectionId}/woocommerce`;
      const customersKey = store.createKey('read_write', { role: 'customer' });
      const refused = await api('PUT', path, customersKey);
      assert.equal(refused.status, 400);
      assert.match(refused.json.message, /the store refused the new keys, so nothing changed: Cannot read orders/);
      assert.equal((await api('PUT', path, { ...customersKey, consumerSecret: 'cs_wrong' })).status, 400);
      const unreachable = await api('PUT', path, { ...store.createKey('read_write'), url: 'http://127.0.0.1:9/' });
      assert.equal(unreachable.status, 502);
      assert.match(unreachable.json.message, /could not be checked on the store, so nothing changed/);
      assert.equal((await api('PUT', path, { consumerKey: 'ck_x' })).status, 400, 'the secret is required');
      const stored = async () => (await db.dataSource.query(`SELECT woo_credentials, store_url FROM connections WHERE id = $1`, [connectionId]))[0];
      const before = await stored();

      const fresh = store.createKey('read_write');
      const replaced = await api('PUT', path, fresh);
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal(replaced.json.id, connectionId, 'the same connection: its webhook URL and records stay');
      assert.ok(!replaced.text.includes(fresh.consumerSecret), 'the new secret is never returned');
      const after = await stored();
      assert.notEqual(after.woo_credentials, before.woo_credentials);
      assert.ok(!after.woo_credentials.includes(fresh.consumerSecret), 'sealed, not in clear');
      assert.equal((await api('POST', `/api/connections/${connectionId}/ping`)).json.woocommerce.ok, true);

      // The store moved to another address: keys and address together.
      const there = moved.createKey('read_write');
      const relocated = await api('PUT', path, { ...there, url: moved.url });
      assert.equal(relocated.status, 200, relocated.text);
      assert.equal(relocated.json.woocommerce.url, moved.url.replace(/\/$/, ''));
      assert.equal((await api('POST', `/api/connections/${connectionId}/ping`)).json.woocommerce.ok, true);
      const audit = await api('GET', `/api/connections/${connectionId}/audit?limit=50`);
      const entries = audit.json.filter((entry: { action: string }) => entry.action === 'replace-woocommerce-keys');
      assert.equal(entries.length, 2);
      assert.ok(entries.some((entry: { message: string }) => entry.message.includes(`the store moved from ${store.url.replace(/\/$/, '')} to ${moved.url.replace(/\/$/, '')}`)), JSON.stringify(entries));
      assert.equal((await api('PUT', '/api/connections/00000000-0000-4000-8000-000000000000/woocommerce', fresh)).status, 404);
    } finally {
      await store.stop();
      await moved.stop();
    }
  });

  test('the webhook secret is rotated: the store re-keyed, the old secret kept for its grace period, none shown; a store that cannot be re-keyed is a 502 that says so', async () => {
    const store = await FakeWooStore.start();
    try {
      const { json } = await api('POST', '/api/connections', newConnection({ name: 'rotating', woocommerce: { url: store.url, ...store.createKey('read_write') } }));
      const connectionId: string = json.id;
      assert.equal((await api('POST', `/api/connections/${connectionId}/webhooks`)).status, 200);
      const signedWith = () => new Set(store.webhooks().map((webhook) => webhook.secret));
      const [before] = [...signedWith()];
      const sealed = async () => (await db.dataSource.query(`SELECT webhook_secret, previous_webhook_secret, previous_webhook_secret_until FROM connections WHERE id = $1`, [connectionId]))[0];

      const rotated = await api('POST', `/api/connections/${connectionId}/webhooks/rotate-secret`, {});
      assert.equal(rotated.status, 200, rotated.text);
      const now = [...signedWith()];
      assert.equal(now.length, 1, 'every webhook signs with one secret');
      assert.notEqual(now[0], before, 're-keyed');
      assert.ok(!rotated.text.includes(now[0]!) && !rotated.text.includes(before!), 'no secret in the answer');
      const until = Date.parse(rotated.json.previousSecretAcceptedUntil);
      assert.ok(Math.abs(until - Date.now() - 60 * 60_000) < 60_000, 'the old secret stays valid an hour by default');
      const row = await sealed();
      assert.ok(!JSON.stringify(row).includes(now[0]!) && !JSON.stringify(row).includes(before!), 'both sealed');
      assert.ok(row.previous_webhook_secret);

      // After a leak: no grace.
      const leaked = await api('POST', `/api/connections/${connectionId}/webhooks/rotate-secret`, { graceMinutes: 0 });
      assert.equal(leaked.status, 200);
      assert.equal(leaked.json.previousSecretAcceptedUntil, null);
      assert.equal((await api('POST', `/api/connections/${connectionId}/webhooks/rotate-secret`, { graceMinutes: -5 })).status, 400);

      // The store is down: the new secret is kept, the answer says what is left to do.
      await store.stop();
      const down = await api('POST', `/api/connections/${connectionId}/webhooks/rotate-secret`, { graceMinutes: 30 });
      assert.equal(down.status, 502);
      assert.match(down.json.message, /webhook secret rotated, but the store's webhooks could not be re-keyed: .*; the old secret is accepted until .*; POST \/api\/connections\/.*\/webhooks retries/);
      const audit = await api('GET', `/api/connections/${connectionId}/audit?limit=50`);
      assert.deepEqual(audit.json.filter((e: { action: string }) => e.action === 'rotate-webhook-secret').map((e: { outcome: string }) => e.outcome).sort(), ['failed', 'ok', 'ok']);
      assert.equal((await api('POST', '/api/connections/00000000-0000-4000-8000-000000000000/webhooks/rotate-secret', {})).status, 404);
    } finally {
      await store.stop().catch(() => undefined);
    }
  });

  test('delete hides the connection; unknown ids are 404', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'to delete' }));
    assert.equal((await api('DELETE', `/api/connections/${json.id}`)).status, 200);
    assert.equal((await api('GET', `/api/connections/${json.id}`)).status, 404);
    assert.equal((await api('DELETE', `/api/connections/${json.id}`)).status, 404);
    assert.equal((await api('GET', '/api/connections/not-a-uuid')).status, 404);
  });

  test('a pinned product is unpinned: its item forgotten, so it is matched again; 409 when not pinned, 404 without a link', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'catalogue store' }));
    const connectionId: string = json.id;
    const links = db.dataSource.getRepository(ItemLinkEntity);
    await links.insert([
      { connectionId, productId: '812', variationId: '0', sku: 'MUG-1', name: 'Mug', zohoItemId: '460000000026049', matchedBy: 'sku', pinned: false },
      { connectionId, productId: '813', variationId: '815', sku: null, name: 'T-shirt (L)', zohoItemId: null, matchedBy: null, pinned: false },
      { connectionId, productId: '814', variationId: '0', sku: 'CUP-1', name: 'Cup', zohoItemId: '460000000026052', matchedBy: 'sku', pinned: false },
    ]);
    const products = `/api/connections/${connectionId}/products`;
    assert.equal((await api('PUT', `${products}/812`, { zohoItemId: '460000000026050' })).status, 200);
    assert.equal((await api('PUT', `${products}/813`, { zohoItemId: '460000000026051', variationId: 815 })).status, 200);
    // Pinned a day ago, so the unpin visibly moves updated_at.
    await db.dataSource.query(`UPDATE item_links SET updated_at = now() - interval '1 day' WHERE connection_id = $1`, [connectionId]);
    const unpin = (productId: string, query = '') => api('DELETE', `${products}/${productId}/pin${query}`);
    const link = (productId: string, variationId = '0') => links.findOneByOrFail({ connectionId, productId, variationId });

    const unpinned = await unpin('812');
    assert.equal(unpinned.status, 200, unpinned.text);
    assert.deepEqual(unpinned.json, { productId: 812, variationId: 0, pinned: false, zohoItemId: null });
    const mug = await link('812');
    assert.deepEqual([mug.zohoItemId, mug.matchedBy, mug.pinned, mug.sku, mug.name], [null, null, false, 'MUG-1', 'Mug'], 'the item is forgotten, the product kept');
    assert.ok(Date.now() - mug.updatedAt.getTime() < 60_000, 'updated_at is now');
    const listed = (await api('GET', products)).json as Array<{ productId: number; zohoItemId: string | null; pinned: boolean }>;
    assert.deepEqual(listed.find((p) => p.productId === 812), { productId: 812, variationId: 0, sku: 'MUG-1', name: 'Mug', zohoItemId: null, matchedBy: null, pinned: false }, 'listed as unmapped');

    const again = await unpin('812');
    assert.equal(again.status, 409);
    assert.equal(again.json.message, 'Product 812 is not pinned, so there is nothing to unpin; it gets a Zoho item automatically on its next order');
    const matched = await unpin('814');
    assert.equal(matched.status, 409);
    assert.equal(matched.json.message, 'Product 814 is not pinned, so there is nothing to unpin; it already uses Zoho item 460000000026052 (matched by sku)');
    assert.deepEqual([(await link('814')).zohoItemId, (await link('814')).matchedBy], ['460000000026052', 'sku'], 'a refused unpin changes nothing');

    // A variation is named by its id; the product itself has no link.
    const parent = await unpin('813');
    assert.equal(parent.status, 404);
    assert.equal(parent.json.message, 'Product 813 has no item link on this connection');
    const variation = await unpin('813', '?variationId=815');
    assert.equal(variation.status, 200, variation.text);
    assert.deepEqual(variation.json, { productId: 813, variationId: 815, pinned: false, zohoItemId: null });
    assert.deepEqual([(await link('813', '815')).zohoItemId, (await link('813', '815')).pinned], [null, false]);

    const none = await unpin('999', '?variationId=0');
    assert.equal(none.status, 404);
    assert.equal(none.json.message, 'Product 999 has no item link on this connection');
    assert.equal((await unpin('813', '?variationId=816')).json.message, 'Product 813 variation 816 has no item link on this connection');
    for (const productId of ['abc', '-1', '1.5']) {
      const bad = await unpin(productId);
      assert.equal(bad.status, 404, productId);
      assert.equal(bad.json.message, `Product ${productId} is not a product id`);
    }
    for (const query of ['?variationId=large', '?variationId=-1']) {
      const bad = await unpin('812', query);
      assert.equal(bad.status, 400, query);
      assert.equal(bad.json.message, 'variationId must be a variation id (a whole number, 0 for none)');
    }
    const unknown = await api('DELETE', '/api/connections/00000000-0000-4000-8000-000000000000/products/812/pin');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.message, 'Connection 00000000-0000-4000-8000-000000000000 does not exist');
    assert.equal((await api('DELETE', '/api/connections/not-a-connection/products/812/pin')).status, 404);
    assert.equal((await api('DELETE', `${products}/812/pin`, undefined, '')).status, 401);
  });

  test('a store or Zoho that refuses the stored credentials is a 400 saying why, one that does not answer a 502: webhooks, their status and a catalogue sync are never a 500', async () => {
    const store = await FakeWooStore.start();
    const catalogSync = { reply: undefined as RpcReply<unknown> | undefined };
    // catalog-sync's answer as its transport sends it (the error's words and whether it is transient).
    const responder = nc.subscribe(rpcSubject(topo.topology, RPC.syncCatalog), {
      callback: (_error, msg) => {
        msg.respond(JSON.stringify(catalogSync.reply));
      },
    });
    try {
      const key = store.createKey('read_write');
      const { json } = await api('POST', '/api/connections', newConnection({ name: 'refused keys', woocommerce: { url: store.url, ...key } }));
      const connection = `/api/connections/${json.id}`;
      assert.equal((await api('POST', `${connection}/webhooks`)).status, 200);
      store.revokeKey(key.consumerKey);
      for (const method of ['POST', 'GET']) {
        const res = await api(method, `${connection}/webhooks`);
        assert.equal(res.status, 400, `${method} …/webhooks: ${res.text}`);
        assert.match(res.json.message, /^WooCommerce GET \/webhooks failed: .*\(HTTP 401.*check the consumer key and secret/);
      }

      const wooRefused = 'WooCommerce GET /products failed: Consumer key is invalid. (HTTP 401, woocommerce_rest_authentication_error); check the consumer key and secret';
      catalogSync.reply = { ok: false, error: { message: wooRefused, transient: false, code: 'woocommerce_rest_authentication_error' } };
      await answers(400, [['POST', `${connection}/catalog/sync`, undefined, wooRefused]]);
      const zohoRefused = 'Zoho rejected the OAuth client (invalid_client) at accounts.zoho.eu: the client id/secret is wrong';
      catalogSync.reply = { ok: false, error: { message: zohoRefused, transient: false, code: 'invalid_client' } };
      await answers(400, [['POST', `${connection}/catalog/sync`, undefined, zohoRefused]]);
      const zohoDown = 'Zoho Books GET /items failed: Service Unavailable (HTTP 503)';
      catalogSync.reply = { ok: false, error: { message: zohoDown, transient: true } };
      await answers(502, [['POST', `${connection}/catalog/sync`, undefined, zohoDown]]);
      catalogSync.reply = { ok: true, data: { products: 3, matched: 2, unmatched: 1 } };
      assert.deepEqual((await api('POST', `${connection}/catalog/sync`)).json, { products: 3, matched: 2, unmatched: 1 });
      responder.unsubscribe();
      const nobody = await api('POST', `${connection}/catalog/sync`);
      assert.equal(nobody.status, 502);
      assert.match(nobody.json.message, /catalog\.sync did not answer/);

      await store.stop();
      for (const method of ['POST', 'GET']) {
        const res = await api(method, `${connection}/webhooks`);
        assert.equal(res.status, 502, `${method} …/webhooks: ${res.text}`);
        assert.match(res.json.message, /^WooCommerce GET \/webhooks could not reach 127\.0\.0\.1:\d+: ECONNREFUSED$/);
      }
    } finally {
      responder.unsubscribe();
      await store.stop().catch(() => undefined);
    }
  });

  test('query flags and numbers are read strictly (true/false or 1/0, whole numbers in range); anything else is a 400 naming the parameter', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'query store' }));
    const connectionId: string = json.id;
    const connection = `/api/connections/${connectionId}`;
    const order = (orderId: string, zohoTotal: string): Partial<OrderSyncEntity> =>
      ({ connectionId, orderId, orderNumber: orderId, state: 'synced', orderStatus: 'processing', currency: 'EUR', orderTotal: '10.00', zohoTotal, streamSeqs: [] });
    await db.dataSource.getRepository(OrderSyncEntity).insert([order('701', '10.00'), order('702', '10.01')]);
    const orderIds = async (query: string) => {
      const res = await api('GET', `${connection}/orders${query}`);
      assert.equal(res.status, 200, `${query}: ${res.text}`);
      return (res.json as Array<{ orderId: number }>).map((o) => o.orderId).sort();
    };
    assert.deepEqual(await orderIds('?notReconciled=1'), [702], '1 is true');
    assert.deepEqual(await orderIds('?notReconciled=true'), [702]);
    assert.deepEqual(await orderIds('?notReconciled=0'), [701, 702]);
    assert.deepEqual(await orderIds('?notReconciled=false&state=synced'), [701, 702]);
    assert.equal((await orderIds('?limit=1')).length, 1);
    assert.equal((await orderIds('?limit=5000')).length, 2, 'a limit above what an answer holds is a bound, not an error');

    const seq = await publishDelivery(connectionId, 701);
    const events = async (query: string) => (await api('GET', `${connection}/events${query}`)).json as Array<{ seq: number; body?: unknown }>;
    assert.deepEqual((await events(`?fromSeq=${seq}&includeBody=1`)).map((e) => e.body), [{ id: 701 }], 'includeBody=1 is true');
    assert.deepEqual((await events(`?fromSeq=${seq}&includeBody=0`)).map((e) => e.body), [undefined]);
    assert.deepEqual(await events(`?fromSeq=${seq + 1}`), [], 'fromSeq is read');

    const flag = (name: string) => `${name} must be true or false (or 1 or 0)`;
    const whole = (name: string) => `${name} must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`;
    const limit = whole('limit');
    await answers(400, [
      ['GET', `${connection}/orders?notReconciled=yes`, undefined, flag('notReconciled')],
      ['GET', `${connection}/orders?notReconciled=`, undefined, flag('notReconciled')],
      ['GET', `${connection}/orders?limit=abc`, undefined, limit],
      ['GET', `${connection}/orders?limit=0`, undefined, limit],
      ['GET', `${connection}/orders?limit=-1`, undefined, limit],
      ['GET', `${connection}/orders?limit=1e3`, undefined, limit],
      ['GET', `${connection}/orders?limit=2.5`, undefined, limit],
      ['GET', `${connection}/orders?limit=2&limit=3`, undefined, limit],
      ['GET', `${connection}/orders?state=shipped`, undefined, 'state must be one of pending, creating, synced, voided, failed, skipped'],
      ['GET', `${connection}/orders?notreconciled=true`, undefined, 'property notreconciled should not exist'],
      ['GET', `${connection}/events?includeBody=yes`, undefined, flag('includeBody')],
      ['GET', `${connection}/events?fromSeq=abc`, undefined, whole('fromSeq')],
      ['GET', `${connection}/events?fromSeq=0`, undefined, whole('fromSeq')],
      ['GET', `${connection}/events?fromSeq=99999999999999999999`, undefined, whole('fromSeq')],
      ['GET', `${connection}/events?limit=x`, undefined, limit],
      ['GET', `${connection}/audit?limit=abc`, undefined, limit],
      ['DELETE', `${connection}/products/812/pin?variationId=9007199254740993`, undefined, 'variationId must be a variation id (a whole number, 0 for none)'],
    ]);
  });

  test('dead letters: the retry body and the list filters are validated, so a misspelt key retries nothing', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'dead letter store' }));
    const connectionId: string = json.id;
    const letters = db.dataSource.getRepository(DeadLetterEntity);
    await letters.insert({
      consumer: 'invoice-sync', stream: topo.topology.stream, streamSeq: '999001', subject: 'x', connectionId, msgId: null,
      reason: 'Zoho refused the invoice', errorClass: 'PermanentError', deliveries: 1, status: 'open',
    });
    const uuid = 'connectionId must be a connection id (a UUID)';
    await answers(400, [
      ['POST', '/api/dead-letters/retry', { connection: connectionId }, 'property connection should not exist'],
      ['POST', '/api/dead-letters/retry', { connectionId: 5 }, uuid],
      ['POST', '/api/dead-letters/retry', { connectionId: 'xyz' }, uuid],
      ['GET', '/api/dead-letters?connectionId=xyz', undefined, uuid],
      ['GET', '/api/dead-letters?status=closed', undefined, 'status must be one of open, retrying, resolved, dismissed, superseded'],
    ]);
    assert.deepEqual((await letters.findBy({ connectionId })).map((l) => l.status), ['open'], 'nothing was retried');
    const listed = await api('GET', `/api/dead-letters?connectionId=${connectionId}`);
    assert.deepEqual(listed.json.map((l: { streamSeq: string }) => String(l.streamSeq)), ['999001'], 'open ones by default');
    assert.deepEqual((await api('GET', `/api/dead-letters?connectionId=${connectionId}&status=resolved`)).json, []);
    assert.deepEqual((await api('POST', '/api/dead-letters/retry', { connectionId: '00000000-0000-4000-8000-000000000000' })).json, { retried: 0, failed: 0, failures: [], events: [] });
  });

  test('text PostgreSQL cannot store (NUL, lone surrogates), JSON nested too deep and ids beyond 2^53 are a 400 saying so', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'hostile input' }));
    const connection = `/api/connections/${json.id}`;
    const nul = (where: string) => `${where} must not contain a NUL character (\\u0000)`;
    let paymentModes = '"cash"';
    for (let level = 0; level < 3000; level++) paymentModes = `{"a":${paymentModes}}`;
    await answers(400, [
      ['POST', '/api/connections', newConnection({ name: 'Acme\u0000' }), nul('name')],
      ['POST', '/api/connections', newConnection({ settings: { syncStatuses: ['processing', 'x\u0000'] } }), nul('settings.syncStatuses.1')],
      ['GET', `${connection}/audit/order/%00`, undefined, nul('resourceId')],
      ['GET', `${connection}/orders?state=%00`, undefined, nul('state')],
      ['GET', '/api/dead-letters?status=%00', undefined, nul('status')],
      ['PATCH', `${connection}/settings`, { walkInContactName: '\ud800' }, 'walkInContactName must be valid Unicode text (it holds an unpaired surrogate such as \\ud800)'],
      ['POST', '/api/connections', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'the request body nests deeper than 20 levels'],
      ['PATCH', `${connection}/settings`, `{"paymentModes":${paymentModes}}`, 'paymentModes nests deeper than 20 levels'],
      ['PUT', `${connection}/products/105`, { zohoItemId: '1', variationId: 1e300 }, 'variationId must be a variation id (a whole number, 0 for none)'],
      ['PUT', `${connection}/products/105`, '{"zohoItemId":"1","variationId":9007199254740993}', 'variationId must be a variation id (a whole number, 0 for none)'],
      ['POST', `${connection}/replay`, { fromSeq: 1e300 }, `fromSeq must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`],
    ]);
    assert.equal(await db.dataSource.getRepository(ItemLinkEntity).countBy({ connectionId: json.id }), 0, 'no rounded id stored');
    const paired = await api('PATCH', `${connection}/settings`, { walkInContactName: 'Walk-in 🛒' });
    assert.equal(paired.json.settings.walkInContactName, 'Walk-in 🛒', 'a surrogate pair is ordinary text');
  });

  test('values that would only fail later are refused: unknown time zones, impossible dates, blank names and keys, over-long Zoho clients', async () => {
    const { json } = await api('POST', '/api/connections', newConnection({ name: 'later failures' }));
    const connection = `/api/connections/${json.id}`;
    const zone = 'settings.storeTimeZone must be an IANA time zone such as Europe/Berlin';
    const since = (name: string) => `settings.${name} must be a UTC time as YYYY-MM-DDTHH:MM:SS that exists on the calendar`;
    await answers(400, [
      ['PATCH', `${connection}/settings`, { storeTimeZone: 'Mars/Olympus' }, zone],
      ['PATCH', `${connection}/settings`, { refundsSince: '2026-13-45T99:99:99' }, since('refundsSince')],
      ['PATCH', `${connection}/settings`, { paymentsSince: '2026-02-29T00:00:00' }, since('paymentsSince')],
      ['PATCH', `${connection}/settings`, { paymentsSince: '2026-06-01T24:00:00' }, since('paymentsSince')],
      ['POST', '/api/connections', newConnection({ name: '   ' }), 'name must not be blank'],
      ['POST', '/api/connections', newConnection({ woocommerce: { url: 'http://127.0.0.1:9/', consumerKey: '  ', consumerSecret: 'cs_x' } }), 'woocommerce.consumerKey must not be blank'],
      ['POST', '/api/connections', newConnection({ zoho: { clientId: client.clientId, clientSecret: ' \n', refreshToken, accountsUrl: zoho.accountsUrl } }), 'zoho.clientSecret must not be blank'],
      ['PUT', `${connection}/woocommerce`, { consumerKey: 'ck_x', consumerSecret: '   ' }, 'consumerSecret must not be blank'],
      ['PUT', `${connection}/zoho`, { refreshToken: ' ' }, 'refreshToken must not be blank'],
      ['PUT', `${connection}/zoho`, { refreshToken: 'x', clientId: 'c'.repeat(201) }, 'clientId must be shorter than or equal to 200 characters'],
      ['PUT', `${connection}/zoho`, { refreshToken: 'x', clientSecret: 's'.repeat(201) }, 'clientSecret must be shorter than or equal to 200 characters'],
    ]);
    const created = await api('POST', '/api/connections', newConnection({ name: 'zoned', settings: { storeTimeZone: 'Mars/Olympus' } }));
    assert.equal(created.status, 400);
    assert.match(created.json.message, /settings\.storeTimeZone must be an IANA time zone/);
    const valid = await api('PATCH', `${connection}/settings`, { storeTimeZone: 'America/Argentina/Buenos_Aires', paymentsSince: '2028-02-29T23:59:59' });
    assert.equal(valid.status, 200, valid.text);
    assert.equal(valid.json.settings.storeTimeZone, 'America/Argentina/Buenos_Aires');
  });

  test('OpenAPI document and health are served', async () => {
    const doc = await fetch(`${base}/api/openapi.json`);
    assert.equal(doc.status, 200);
    const openapi = (await doc.json()) as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/api/connections']);
    assert.ok(openapi.paths['/api/connections/{id}/ping']);
    const unpin = (openapi.paths['/api/connections/{id}/products/{productId}/pin'] as { delete?: { parameters: Array<{ name: string; in: string; required: boolean }> } }).delete;
    assert.ok(unpin, 'DELETE …/products/{productId}/pin is documented');
    assert.deepEqual(unpin.parameters.find((p) => p.name === 'variationId'), { ...unpin.parameters.find((p) => p.name === 'variationId'), in: 'query', required: false });
    assert.equal((await fetch(`${base}/health/ready`)).status, 200);
  });
});
