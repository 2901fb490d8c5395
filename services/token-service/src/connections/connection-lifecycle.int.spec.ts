import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { RPC, SUBSCRIBED_TOPICS, ZohoSessionReply } from '@connector/contracts';
import { KeyRing, SecretBox } from '@connector/crypto';
import { connectNats, NatsRpcClient } from '@connector/messaging';
import { ConnectionStore } from '@connector/persistence';
import { FakeWooStore, FakeZoho } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, TestDatabase, TestTopology, testEncryptionKeys } from '@connector/testing';
import { WooClient } from '@connector/woocommerce';
import { ZOHO_BOOKS_SCOPES } from '@connector/zoho-books';
import { adminApi, startTestTokenService } from '../token-service.fixture';

const PUBLIC_URL = 'https://connector.example.com';

describe('connection lifecycle: duplicates, delete and restore, re-authorization, webhook secret rotation', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let zoho: FakeZoho;
  let app: INestApplication;
  let base: string;
  let nc: NatsConnection;
  let rpc: NatsRpcClient;
  let connections: ConnectionStore;
  let client: { clientId: string; clientSecret: string };
  let orgId: string;
  let otherOrgId: string;

  before(async () => {
    db = await createTestDatabase();
    topo = await createTestTopology();
    zoho = await FakeZoho.start();
    client = zoho.registerClient();
    orgId = zoho.createOrganization({ name: 'Lifecycle Books' }).organization_id;
    otherOrgId = zoho.createOrganization({ name: 'Other Books' }).organization_id;
    const keys = testEncryptionKeys();
    ({ app, base } = await startTestTokenService(db, topo, { PUBLIC_URL, ENCRYPTION_KEYS: keys }));
    connections = new ConnectionStore(db.dataSource, new SecretBox(KeyRing.parse(keys)));
    nc = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'connection-lifecycle-test');
    rpc = new NatsRpcClient(nc, topo.topology, 10_000);
  });

  after(async () => {
    await nc?.drain();
    await app?.close();
    await zoho?.stop();
    await topo?.destroy();
    await db?.drop();
  });

  const api = (method: string, path: string, body?: unknown) => adminApi(base)(method, path, body);

  const connection = (url: string, organizationId: string | undefined, keys = { consumerKey: 'ck_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', consumerSecret: 'cs_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' }) => ({
    name: 'Lifecycle store',
    woocommerce: { url, ...keys, webhookSecret: 'whsec_first_secret_of_the_store' },
    zoho: { ...client, refreshToken: zoho.issueRefreshToken(client.clientId), accountsUrl: zoho.accountsUrl, ...(organizationId ? { organizationId } : {}) },
  });

  const auditActions = async (id: string, action: string) =>
    ((await api('GET', `/api/connections/${id}/audit?limit=100`)).json as Array<{ action: string; outcome: string; message: string }>).filter((e) => e.action === action);

  test('a second connection for the same store and organization is a 409, however the address is written; other stores, organizations and sub-sites are not', async () => {
    const first = await api('POST', '/api/connections', connection('http://127.0.0.1:9/shop/', orgId));
    assert.equal(first.status, 201, first.text);
    for (const url of ['http://127.0.0.1:9/shop', 'https://127.0.0.1:9/shop/', 'http://127.0.0.1:9/shop/wp-admin/admin.php?page=wc-settings']) {
      const again = await api('POST', '/api/connections', connection(url, orgId));
      assert.equal(again.status, 409, url);
      assert.match(again.json.message, new RegExp(`is already connected to Zoho organization ${orgId} by connection ${first.json.id} .*would invoice its orders again`));
    }
    assert.equal((await api('POST', '/api/connections', connection('http://127.0.0.1:9/shop', otherOrgId))).status, 201, 'the same store into another organization');
    assert.equal((await api('POST', '/api/connections', connection('http://127.0.0.1:9/other-shop', orgId))).status, 201, 'another site on the host, same organization');
    assert.equal((await api('POST', '/api/connections', connection('http://127.0.0.1:10/shop', orgId))).status, 201, 'another port is another site');
  });

  test('a deleted connection is named by the 409 and restored with its records; restoring is refused over a live duplicate', async () => {
    const store = 'http://127.0.0.1:9/restorable';
    const created = await api('POST', '/api/connections', connection(store, orgId));
    const id: string = created.json.id;
    const deleted = await api('DELETE', `/api/connections/${id}`);
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal(deleted.json.deleted, true);
    assert.match(deleted.json.webhooks.error, /could not all be removed: .*; delete those delivering to .* in WooCommerce/, 'nothing listens on the store: said, and the delete stands');
    assert.equal((await api('GET', `/api/connections/${id}`)).status, 404);

    const recreated = await api('POST', '/api/connections', connection(`${store}/`, orgId));
    assert.equal(recreated.status, 409);
    assert.match(recreated.json.message, new RegExp(`by connection ${id} .*deleted .*Restore it instead: POST /api/connections/${id}/restore`));

    const restored = await api('POST', `/api/connections/${id}/restore`);
    assert.equal(restored.status, 200, restored.text);
    assert.equal(restored.json.connection.id, id);
    assert.equal(restored.json.webhooks, null, 'no webhooks unless asked');
    assert.match(restored.json.catchUp, /reconciliation sweep.*replay with fromTime/);
    assert.equal((await api('GET', `/api/connections/${id}`)).status, 200);
    const session = await rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId: id });
    assert.equal(session.organizationId, orgId, 'its credentials came back with it');
    assert.deepEqual((await auditActions(id, 'restore-connection')).map((e) => e.outcome), ['ok']);
    assert.equal((await api('POST', `/api/connections/${id}/restore`)).status, 409, 'not deleted');
    assert.equal((await api('POST', '/api/connections/00000000-0000-4000-8000-000000000000/restore')).status, 404);
    assert.equal((await api('POST', `/api/connections/${id}/restore?registerWebhooks=maybe`)).status, 400);

    // A live connection that came to book the same (its organization resolved after creation).
    assert.equal((await api('DELETE', `/api/connections/${id}`)).status, 200);
    const other = await api('POST', '/api/connections', connection(store, undefined));
    assert.equal(other.status, 201, 'an organization not given is not compared');
    await db.dataSource.query('UPDATE connections SET zoho_organization_id = $2 WHERE id = $1', [other.json.id, orgId]);
    const refused = await api('POST', `/api/connections/${id}/restore`);
    assert.equal(refused.status, 409);
    assert.match(refused.json.message, new RegExp(`connection ${other.json.id} .*now books .*two live connections would invoice each order twice`));
  });

  test("deleting removes the store's webhooks for the connection (and only those); a restore registers them again when asked", async () => {
    const store = await FakeWooStore.start();
    try {
      const created = await api('POST', '/api/connections', connection(store.url, orgId, store.createKey('read_write')));
      const id: string = created.json.id;
      assert.equal((await api('POST', `/api/connections/${id}/webhooks`)).status, 200);
      const unrelated = await store.createWebhook({ topic: 'order.created', deliveryUrl: 'https://elsewhere.example.com/hook' });
      const ours = store.webhooks().filter((hook) => hook.delivery_url.endsWith(id)).map((hook) => hook.id).sort();
      assert.equal(ours.length, SUBSCRIBED_TOPICS.length);

      const deleted = await api('DELETE', `/api/connections/${id}`);
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual([...deleted.json.webhooks.removed].sort(), ours);
      assert.equal(deleted.json.webhooks.error, undefined);
      assert.deepEqual(store.webhooks().map((hook) => hook.id), [unrelated.id], "another integration's webhook stays");

      const restored = await api('POST', `/api/connections/${id}/restore?registerWebhooks=true`);
      assert.equal(restored.status, 200, restored.text);
      assert.match((await auditActions(id, 'delete-connection'))[0]?.message ?? '', /the store's webhooks .* removed/, 'the trail of a deleted connection is read once it is restored');
      assert.equal(restored.json.webhooks.webhooks.length, SUBSCRIBED_TOPICS.length);
      assert.equal(store.webhooks().filter((hook) => hook.delivery_url.endsWith(id) && hook.status === 'active').length, SUBSCRIBED_TOPICS.length);

      // The store gone: the delete stands, the answer says why the webhooks stay.
      await store.stop();
      const unreachable = await api('DELETE', `/api/connections/${id}`);
      assert.equal(unreachable.status, 200);
      assert.deepEqual(unreachable.json.webhooks.removed, []);
      assert.match(unreachable.json.webhooks.error, /could not all be removed/);
      assert.equal((await api('GET', `/api/connections/${id}`)).status, 404);
      const restoredDown = await api('POST', `/api/connections/${id}/restore?registerWebhooks=true`);
      assert.equal(restoredDown.status, 200, 'a store that cannot be reached does not undo the restore');
      assert.match(restoredDown.json.webhooks.error, /could not be registered: .*POST \/api\/connections\/.*\/webhooks retries/);
    } finally {
      await store.stop().catch(() => undefined);
    }
  });

  test('new Zoho credentials are tried with Zoho first: a refused token, client or organization is a 400 that changes nothing; a good one is saved', async () => {
    const created = await api('POST', '/api/connections', connection('http://127.0.0.1:9/reauthorized', orgId));
    const id: string = created.json.id;
    const stored = async () => (await db.dataSource.query('SELECT zoho_credentials FROM connections WHERE id = $1', [id]))[0].zoho_credentials;
    const before = await stored();
    const path = `/api/connections/${id}/zoho`;

    const typo = await api('PUT', path, { refreshToken: '1000.typo-not-a-token' });
    assert.equal(typo.status, 400, typo.text);
    assert.match(typo.json.message, /^Zoho refused the new credentials, so nothing changed \(the stored ones stay in use\): /);
    const wrongClient = await api('PUT', path, { refreshToken: zoho.issueRefreshToken(client.clientId), clientSecret: 'not-the-secret' });
    assert.equal(wrongClient.status, 400);
    const elsewhere = await api('PUT', path, { refreshToken: zoho.issueRefreshToken(client.clientId, [otherOrgId]) });
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.json.message, new RegExp(`organization ${orgId} is not one this Zoho user can access`));
    assert.equal(await stored(), before, 'nothing stored');
    const session = await rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId: id });
    assert.ok(session.accessToken, 'the old token still works');

    const fresh = zoho.issueRefreshToken(client.clientId);
    const saved = await api('PUT', path, { refreshToken: fresh });
    assert.equal(saved.status, 200, saved.text);
    assert.notEqual(await stored(), before);
    assert.equal(connections.zohoCredentials((await connections.find(id))!).refreshToken, fresh);
    const audit = await auditActions(id, 'reauthorize-zoho');
    assert.deepEqual(audit.map((e) => e.outcome).sort(), ['failed', 'failed', 'failed', 'ok']);
    assert.ok(!JSON.stringify(audit).includes(fresh) && !JSON.stringify(audit).includes('not-the-secret'), 'no secret in the audit trail');
  });

  test('ping names an OAuth scope the Zoho authorization lacks, without minting a token for it', async () => {
    const withScopes = async (scopes: string[]) => {
      const body = connection('http://127.0.0.1:9/scoped', undefined);
      body.zoho.refreshToken = zoho.issueRefreshToken(client.clientId, [orgId], scopes);
      const created = await api('POST', '/api/connections', body);
      assert.equal(created.status, 201, created.text);
      return created.json.id as string;
    };
    const full = await withScopes([...ZOHO_BOOKS_SCOPES]);
    const complete = await api('POST', `/api/connections/${full}/ping`);
    assert.equal(complete.json.zoho.ok, true, JSON.stringify(complete.json.zoho));

    const lacking = await withScopes(ZOHO_BOOKS_SCOPES.filter((scope) => !scope.startsWith('ZohoBooks.creditnotes.')));
    await rpc.call<ZohoSessionReply>(RPC.zohoSession, { connectionId: lacking });
    const mints = zoho.accountsCalls.length;
    const ping = await api('POST', `/api/connections/${lacking}/ping`);
    assert.equal(ping.json.zoho.ok, false);
    assert.deepEqual(ping.json.zoho.missingScopes, ['ZohoBooks.creditnotes.READ']);
    assert.match(ping.json.zoho.error, /lacks ZohoBooks\.creditnotes\.READ, which Connector needs; .*PUT \/api\/connections\/.*\/zoho/);
    assert.equal(ping.json.zoho.organization.id, orgId, 'the organization was reached');
    assert.equal(zoho.accountsCalls.length, mints, 'no token minted for the refusal');
  });

  test('rotating twice while the store could not be re-keyed keeps the secret the store signs with; a store re-keyed meanwhile counts as re-keyed', async () => {
    const store = await FakeWooStore.start();
    try {
      const firstKeys = store.createKey('read_write');
      const created = await api('POST', '/api/connections', connection(store.url, orgId, firstKeys));
      const id: string = created.json.id;
      assert.equal((await api('POST', `/api/connections/${id}/webhooks`)).status, 200);
      const storeSecret = () => [...new Set(store.webhooks().map((hook) => hook.secret))];
      const previous = async () => connections.previousWebhookSecret((await connections.find(id))!)?.secret;
      const current = async () => connections.webhookSecret((await connections.find(id))!);
      assert.deepEqual(storeSecret(), ['whsec_first_secret_of_the_store']);

      store.revokeKey(firstKeys.consumerKey);
      assert.equal((await api('POST', `/api/connections/${id}/webhooks/rotate-secret`, {})).status, 502);
      assert.equal((await api('POST', `/api/connections/${id}/webhooks/rotate-secret`, {})).status, 502);
      assert.deepEqual(storeSecret(), ['whsec_first_secret_of_the_store'], 'the store was never re-keyed');
      assert.equal(await previous(), 'whsec_first_secret_of_the_store', 'still accepted');

      // The store re-keyed by something other than a rotation (the sweep's webhook repair does this).
      const keys = store.createKey('read_write');
      assert.equal((await api('PUT', `/api/connections/${id}/woocommerce`, keys)).status, 200);
      await new WooClient({ url: store.url, ...keys, allowPrivate: true }).ensureWebhooks({ deliveryUrl: `${PUBLIC_URL}/webhooks/woocommerce/${id}`, secret: await current(), topics: [...SUBSCRIBED_TOPICS], namePrefix: 'Connector' });
      const rekeyedTo = await current();
      const rotated = await api('POST', `/api/connections/${id}/webhooks/rotate-secret`, {});
      assert.equal(rotated.status, 200, rotated.text);
      assert.equal(await previous(), rekeyedTo, 'the secret the store signed with until this rotation');
      assert.deepEqual(storeSecret(), [await current()]);

      // Re-keyed by this rotation: the next one keeps the current secret as the previous one.
      const signing = await current();
      assert.equal((await api('POST', `/api/connections/${id}/webhooks/rotate-secret`, {})).status, 200);
      assert.equal(await previous(), signing);
    } finally {
      await store.stop();
    }
  });
});
