import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplication } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import { PermanentError } from '@connector/common';
import { connectNats, NatsRpcClient } from '@connector/messaging';
import { PlatformConfig, PlatformMetrics, ZohoClientFactory } from '@connector/platform';
import { FakeZoho } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, TestDatabase, TestTopology } from '@connector/testing';
import { createZohoOnlyConnection, startTestTokenService } from '../token-service.fixture';

/**
 * A Zoho authorization without a scope the product needs (here: invoices) answers 401 code 57
 * for those calls only. Specs §1.6: refresh once, then it is a permission error; and Zoho mints
 * 10 tokens per 10 minutes, after which every call of the connection waits.
 */
describe('token-service: a refusal that is the authorization, not the token', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let zoho: FakeZoho;
  let app: INestApplication;
  let nc: NatsConnection;
  let clients: ZohoClientFactory;
  let connectionId: string;

  before(async () => {
    db = await createTestDatabase();
    topo = await createTestTopology();
    zoho = await FakeZoho.start();
    const client = zoho.registerClient();
    zoho.createOrganization({ name: 'Scoped Org' });
    const refreshToken = zoho.issueRefreshToken(client.clientId, undefined, ['ZohoBooks.contacts.ALL', 'ZohoBooks.settings.ALL']);
    let base: string;
    ({ app, base } = await startTestTokenService(db, topo));
    connectionId = await createZohoOnlyConnection(base, 'Scoped store', { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken, accountsUrl: zoho.accountsUrl });
    nc = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', 'token-refusals-test');
    const dataSource = app.get(DataSource);
    const config = { ALLOW_PRIVATE_ENDPOINTS: true, ZOHO_MAX_CALLS_IN_FLIGHT: 5 } as PlatformConfig;
    clients = new ZohoClientFactory(new NatsRpcClient(nc, topo.topology, 10_000), dataSource, new PlatformMetrics('test'), config, 'test');
  });

  after(async () => {
    await nc?.drain();
    await app?.close();
    await zoho?.stop();
    await topo?.destroy();
    await db?.drop();
  });

  const mints = () => zoho.accountsCalls.filter((call) => call.grantType === 'refresh_token' && call.outcome === 'ok').length;
  const invoiceCalls = () => zoho.calls.filter((call) => call.path.includes('/invoices')).length;

  test('the first refusal costs one new token; the fresh one refused too is a permission error, and it keeps serving the calls it may make', async () => {
    const books = await clients.forConnection(connectionId);
    await books.findContactsByEmail('nobody@example.com'); // the connection's first token
    const [mintsBefore, callsBefore] = [mints(), invoiceCalls()];

    const error = await books.getInvoice('1').then(() => assert.fail('an invoice call without the invoices scope succeeded'), (e: Error) => e);
    assert.ok(error instanceof PermanentError, String(error));
    assert.match(error.message, /not authorized[\s\S]*scope/i);
    assert.equal(mints() - mintsBefore, 1, 'refreshed once');
    assert.equal(invoiceCalls() - callsBefore, 2, 'asked Zoho twice: the old token and the fresh one');

    // The fresh token works for what the authorization allows.
    assert.deepEqual(await books.findContactsByEmail('nobody@example.com'), []);
  });

  test('later refusals of that token mint nothing and cost one call each, from this and other clients', async () => {
    const [mintsBefore, callsBefore] = [mints(), invoiceCalls()];
    for (let i = 0; i < 12; i++) {
      const books = await clients.forConnection(connectionId);
      await assert.rejects(books.getInvoice(String(i)), PermanentError);
    }
    assert.equal(mints() - mintsBefore, 0, 'no token minted for a refusal known to be the authorization');
    assert.equal(invoiceCalls() - callsBefore, 12);
    const books = await clients.forConnection(connectionId);
    assert.deepEqual(await books.findContactsByEmail('nobody@example.com'), [], 'in-scope calls unaffected (no mint limit reached)');
  });

  test('a token that dies later is still replaced: the mark lasts one mint window, and a re-authorization clears it', async () => {
    await db.dataSource.query(`UPDATE zoho_tokens SET refused_fresh_at = now() - interval '11 minutes' WHERE connection_id = $1`, [connectionId]);
    zoho.expireAccessTokens();
    const mintsBefore = mints();
    const books = await clients.forConnection(connectionId);
    assert.deepEqual(await books.findContactsByEmail('nobody@example.com'), []);
    assert.equal(mints() - mintsBefore, 1);
    const [row] = await db.dataSource.query(`SELECT refused_fresh_at FROM zoho_tokens WHERE connection_id = $1`, [connectionId]);
    assert.equal(row.refused_fresh_at, null, 'a new token starts unmarked');
  });
});
