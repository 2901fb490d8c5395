import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplication } from '@nestjs/common';
import { TransientError } from '@connector/common';
import { FakeZoho } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, TestDatabase, TestTopology } from '@connector/testing';
import { createZohoOnlyConnection, startTestTokenService } from '../token-service.fixture';
import { ZohoTokenManager } from './zoho-token.manager';

/**
 * Zoho's accounts server answers "Access Denied" when a refresh token mints too often, and every
 * refresh tried inside that block prolongs it (specs §1.5). Here it mints one token per window,
 * and tokens live 200 s: less than the 300 s refresh margin, so each one is due for a refresh at
 * once while still valid.
 */
describe('token-service: Zoho throttling token refreshes', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let zoho: FakeZoho;
  let app: INestApplication;
  let tokens: ZohoTokenManager;
  let connectionId: string;
  let base: string;
  let clock = Date.now();

  before(async () => {
    db = await createTestDatabase();
    topo = await createTestTopology();
    zoho = await FakeZoho.start({ accessTokenTtlSeconds: 200, tokenMintLimit: 1, now: () => clock });
    const client = zoho.registerClient();
    zoho.createOrganization({ name: 'Throttled Org' });
    const refreshToken = zoho.issueRefreshToken(client.clientId);
    ({ app, base } = await startTestTokenService(db, topo));
    connectionId = await createZohoOnlyConnection(base, 'Throttled store', { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken, accountsUrl: zoho.accountsUrl });
    tokens = app.get(ZohoTokenManager);
  });

  after(async () => {
    await app?.close();
    await zoho?.stop();
    await topo?.destroy();
    await db?.drop();
  });

  const refreshes = () => zoho.accountsCalls.filter((call) => call.grantType === 'refresh_token');
  const throttled = () => refreshes().filter((call) => call.outcome === 'Access Denied').length;
  const blockedUntil = async (): Promise<Date | null> =>
    (await db.dataSource.query(`SELECT refresh_blocked_until FROM zoho_tokens WHERE connection_id = $1`, [connectionId]))[0].refresh_blocked_until;

  test('a throttled refresh is remembered, and the token still valid keeps serving without asking Zoho again', async () => {
    const first = await tokens.session(connectionId); // mints the window's one token (unless creating the connection did)
    const second = await tokens.session(connectionId); // due for a refresh: Zoho throttles it
    assert.equal(second.accessToken, first.accessToken, 'the token in hand, valid for minutes more, is handed out');
    assert.equal(throttled(), 1);
    const until = await blockedUntil();
    assert.ok(until && until.getTime() > Date.now() + 50_000, `blocked until ${until?.toISOString()}`);

    const callsBefore = refreshes().length;
    for (let i = 0; i < 5; i++) assert.equal((await tokens.session(connectionId)).accessToken, first.accessToken);
    assert.equal(refreshes().length, callsBefore, 'no refresh tried inside the block');
  });

  test('without a usable token the call fails at once as a wait for the rest of the block, still without asking Zoho', async () => {
    const { accessToken } = await tokens.session(connectionId);
    await tokens.invalidate(connectionId, accessToken); // Zoho refused it: no token in hand any more
    const callsBefore = refreshes().length;
    const error = await tokens.session(connectionId).then(() => assert.fail('a session without a token'), (e: unknown) => e);
    assert.ok(error instanceof TransientError, String(error));
    assert.equal(error.code, 'token_throttled');
    assert.ok(error.retryAfterMs! > 50_000 && error.retryAfterMs! <= 60_000, String(error.retryAfterMs));
    assert.equal(refreshes().length, callsBefore);
  });

  test("a connection whose very first refresh is throttled remembers the block too, with no token to hand out", async () => {
    const client = zoho.registerClient();
    const refreshToken = zoho.issueRefreshToken(client.clientId);
    // The refresh token's one mint of the window is spent elsewhere (another installation using it).
    const spent = await fetch(`${zoho.accountsUrl}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken }),
    });
    assert.equal(spent.status, 200);
    const fresh = await createZohoOnlyConnection(base, 'Throttled from the start', { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken, accountsUrl: zoho.accountsUrl });
    const callsBefore = refreshes().length;
    const error = await tokens.session(fresh).then(() => assert.fail('a session without a token'), (e: unknown) => e);
    assert.ok(error instanceof TransientError && error.code === 'token_throttled', String(error));
    const [row] = await db.dataSource.query(`SELECT refresh_blocked_until, expires_at FROM zoho_tokens WHERE connection_id = $1`, [fresh]);
    assert.ok(row?.refresh_blocked_until > new Date(), 'the block is kept, in a row holding no token');
    const again = await tokens.session(fresh).then(() => assert.fail('still no token'), (e: unknown) => e);
    assert.equal((again as TransientError).code, 'token_throttled');
    assert.equal(refreshes().length - callsBefore, 1, 'asked Zoho once; the second session waits out the block');
  });

  test('once the block is over the next session refreshes and clears it', async () => {
    await db.dataSource.query(`UPDATE zoho_tokens SET refresh_blocked_until = now() - interval '1 second' WHERE connection_id = $1`, [connectionId]);
    clock += 11 * 60_000; // Zoho's mint window has passed too
    const okBefore = refreshes().filter((call) => call.outcome === 'ok').length;
    const session = await tokens.session(connectionId);
    assert.ok(session.accessToken);
    assert.equal(refreshes().filter((call) => call.outcome === 'ok').length - okBefore, 1);
    assert.equal(await blockedUntil(), null);
  });
});
