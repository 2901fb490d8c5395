import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';

const TOKEN = /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/;

describe('fake Zoho Accounts (OAuth)', () => {
  let zoho: FakeZoho;
  let clock = Date.now();
  before(async () => {
    zoho = await FakeZoho.start({ now: () => clock });
    zoho.createOrganization();
  });
  after(() => zoho.stop());

  const token = (params: Record<string, string>, init: RequestInit = {}) =>
    fetch(`${zoho.accountsUrl}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
      ...init,
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));

  it('issues Zoho-shaped client ids, secrets and tokens on a different host than the API', () => {
    const client = zoho.registerClient();
    assert.match(client.clientId, /^1000\.[A-Z0-9]{30}$/);
    assert.match(client.clientSecret, /^[0-9a-f]{42}$/);
    assert.match(zoho.issueRefreshToken(client.clientId), TOKEN);
    assert.notEqual(zoho.accountsUrl, zoho.apiDomain);
  });

  it('refreshes with form parameters and with query parameters', async () => {
    const client = zoho.registerClient();
    const refresh = zoho.issueRefreshToken(client.clientId);
    const params = { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refresh };
    const viaForm = await token(params);
    assert.equal(viaForm.status, 200);
    assert.match(String(viaForm.body.access_token), TOKEN);
    assert.deepEqual(Object.keys(viaForm.body), ['access_token', 'api_domain', 'token_type', 'expires_in']);
    assert.equal(viaForm.body.api_domain, zoho.apiDomain);
    assert.equal(viaForm.body.token_type, 'Bearer');
    assert.equal(viaForm.body.expires_in, 3600);
    const viaQuery = await fetch(`${zoho.accountsUrl}/oauth/v2/token?${new URLSearchParams(params)}`, { method: 'POST' });
    assert.match(String(((await viaQuery.json()) as Record<string, unknown>).access_token), TOKEN);
  });

  it('answers every error with HTTP 200 and an error field', async () => {
    const client = zoho.registerClient();
    const refresh = zoho.issueRefreshToken(client.clientId);
    const base = { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refresh };
    assert.deepEqual(await token({ ...base, client_secret: 'wrong' }), { status: 200, body: { error: 'invalid_client' } });
    assert.deepEqual(await token({ ...base, refresh_token: `1000.${'0'.repeat(32)}.${'0'.repeat(32)}` }), { status: 200, body: { error: 'invalid_code' } });
    const json = await token({}, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(base) });
    assert.deepEqual(json, { status: 200, body: { error: 'invalid_client' } });
    zoho.revokeRefreshToken(refresh);
    assert.deepEqual(await token(base), { status: 200, body: { error: 'invalid_code' } });
  });

  it('throttles the 11th mint per refresh token within 10 minutes with the Access Denied body', async () => {
    const client = zoho.registerClient();
    const refresh = zoho.issueRefreshToken(client.clientId);
    const params = { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refresh };
    for (let i = 0; i < 10; i++) assert.ok((await token(params)).body.access_token);
    const throttled = await token(params);
    assert.deepEqual(throttled, {
      status: 200,
      body: {
        error_description: 'You have made too many requests continuously. Please try again after some time.',
        error: 'Access Denied',
        status: 'failure',
      },
    });
    clock += 10 * 60_000 + 1;
    assert.ok((await token(params)).body.access_token);
  });

  it('exchanges a single-use authorization code for access and refresh tokens', async () => {
    const client = zoho.registerClient();
    const code = zoho.issueAuthorizationCode(client.clientId, { redirectUri: 'http://localhost/cb' });
    const params = { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: 'http://localhost/cb' };
    const first = await token(params);
    assert.match(String(first.body.refresh_token), TOKEN);
    assert.match(String(first.body.access_token), TOKEN);
    assert.deepEqual((await token(params)).body, { error: 'invalid_code' });
  });

  it('runs the authorize redirect with location and accounts-server', async () => {
    const client = zoho.registerClient();
    const url = new URL(`${zoho.accountsUrl}/oauth/v2/auth`);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: 'http://localhost:9/cb',
      scope: 'ZohoBooks.invoices.ALL',
      access_type: 'offline',
      state: 'xyz',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.searchParams.get('state'), 'xyz');
    assert.equal(location.searchParams.get('accounts-server'), zoho.accountsUrl);
    const exchanged = await token({
      grant_type: 'authorization_code',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      code: location.searchParams.get('code')!,
      redirect_uri: 'http://localhost:9/cb',
    });
    assert.ok(exchanged.body.refresh_token);
  });

  it('can send errors with another HTTP status and a shorter expires_in for tests', async () => {
    const other = await FakeZoho.start({ tokenErrorHttpStatus: 400, accessTokenTtlSeconds: 5 });
    try {
      const client = other.registerClient();
      const refresh = other.issueRefreshToken(client.clientId);
      const res = await fetch(`${other.accountsUrl}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: 'x', refresh_token: refresh }),
      });
      assert.equal(res.status, 400);
      const ok = await fetch(`${other.accountsUrl}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refresh }),
      });
      assert.equal(((await ok.json()) as Record<string, unknown>).expires_in, 5);
    } finally {
      await other.stop();
    }
  });

  it('records token calls without secrets', () => {
    const text = JSON.stringify(zoho.accountsCalls);
    assert.ok(zoho.accountsCalls.some((c) => c.grantType === 'refresh_token' && c.outcome === 'ok'));
    assert.doesNotMatch(text, /1000\.[0-9a-f]{32}\./);
  });
});
