import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PermanentError, ReauthorizationRequiredError, TransientError } from '@connector/common';
import {
  ZohoEndpointNotAllowedError,
  ZohoInvalidClientError,
  ZohoOAuthError,
  ZohoReauthorizationRequired,
  ZohoTokenRateLimitedError,
  ZohoUnavailableError,
} from './errors';
import { ZohoOAuthClient } from './oauth-client';
import { closedPortUrl, startStubServer, StubReply, StubServer } from '@connector/testing';

const CLIENT_SECRET = 'client-secret-never-in-errors';
const REFRESH_TOKEN = '1000.refresh-token-never-in-errors';

describe('ZohoOAuthClient', () => {
  let server: StubServer;
  let reply: StubReply;
  const oauth = new ZohoOAuthClient({ allowPrivate: true, timeoutMs: 2000 });
  const credentials = () => ({ accountsUrl: server.url, clientId: '1000.CLIENT', clientSecret: CLIENT_SECRET, refreshToken: REFRESH_TOKEN });

  before(async () => {
    server = await startStubServer(() => reply);
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  /** Asserts the rejection's class and that no credential leaked into its message. */
  async function rejection<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T): Promise<T> {
    const error = await promise.then(
      () => assert.fail('expected a rejection'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
    assert.ok(!error.message.includes(CLIENT_SECRET) && !error.message.includes(REFRESH_TOKEN), error.message);
    return error;
  }

  it('refreshes with a form-urlencoded POST and returns token, API domain and expiry', async () => {
    reply = { json: { access_token: '1000.new', api_domain: server.url, token_type: 'Bearer', expires_in: 3600 } };
    const before = Date.now();
    const token = await oauth.refresh(credentials());

    assert.equal(token.accessToken, '1000.new');
    assert.equal(token.apiDomain, server.url);
    assert.ok(Math.abs(token.expiresAt.getTime() - (before + 3600_000)) < 2000);
    const [request] = server.requests;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, '/oauth/v2/token');
    assert.equal(request!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(request!.body)), {
      grant_type: 'refresh_token',
      client_id: '1000.CLIENT',
      client_secret: CLIENT_SECRET,
      refresh_token: REFRESH_TOKEN,
    });
    assert.equal(request!.query.toString(), '', 'no secret travels in the URL');
  });

  it('reads a legacy millisecond expires_in', async () => {
    reply = { json: { access_token: 'a', api_domain: server.url, expires_in: 3600000 } };
    const token = await oauth.refresh(credentials());
    assert.ok(token.expiresAt.getTime() - Date.now() < 3601_000);
  });

  it('refuses a token response whose api_domain is not a Zoho host', async () => {
    reply = { json: { access_token: 'a', api_domain: 'https://collector.attacker.example', expires_in: 3600 } };
    const error = await rejection(oauth.refresh(credentials()), ZohoEndpointNotAllowedError);
    assert.match(error.message, /not a Zoho host/);
  });

  it('maps invalid_code (HTTP 200) to re-authorization required', async () => {
    reply = { json: { error: 'invalid_code' } };
    const error = await rejection(oauth.refresh(credentials()), ZohoReauthorizationRequired);
    assert.ok(error instanceof ReauthorizationRequiredError);
    assert.match(error.message, /revoked/);
    assert.match(error.message, /re-authorized/);
  });

  it('maps invalid_client and invalid_client_secret to a permanent client error', async () => {
    for (const code of ['invalid_client', 'invalid_client_secret']) {
      reply = { json: { error: code } };
      const error = await rejection(oauth.refresh(credentials()), ZohoInvalidClientError);
      assert.ok(error instanceof PermanentError);
      assert.match(error.message, /another data centre/);
    }
  });

  it('treats the Access Denied throttle as transient, waiting at least a minute', async () => {
    reply = {
      json: {
        error_description: 'You have made too many requests continuously. Please try again after some time.',
        error: 'Access Denied',
        status: 'failure',
      },
    };
    const error = await rejection(oauth.refresh(credentials()), ZohoTokenRateLimitedError);
    assert.ok(error instanceof TransientError);
    assert.equal(error.retryAfterMs, 60_000);
    assert.match(error.message, /too many requests/);

    reply = { ...reply, headers: { 'Retry-After': '300' } };
    const longer = await rejection(oauth.refresh(credentials()), ZohoTokenRateLimitedError);
    assert.equal(longer.retryAfterMs, 300_000);
  });

  it('treats 5xx and unreachable accounts servers as transient', async () => {
    reply = { status: 503, raw: 'Service Unavailable' };
    await rejection(oauth.refresh(credentials()), ZohoUnavailableError);

    const unreachable = { ...credentials(), accountsUrl: await closedPortUrl() };
    const error = await rejection(oauth.refresh(unreachable), ZohoUnavailableError);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('exchanges an authorization code for tokens including the refresh token', async () => {
    reply = { json: { access_token: 'acc', refresh_token: 'ref', api_domain: server.url, expires_in: 3600 } };
    const grant = await oauth.exchangeCode({ ...credentials(), code: '1000.code', redirectUri: 'https://connector.example/callback' });
    assert.equal(grant.refreshToken, 'ref');
    const params = new URLSearchParams(server.requests[0]!.body);
    assert.equal(params.get('grant_type'), 'authorization_code');
    assert.equal(params.get('code'), '1000.code');
    assert.equal(params.get('redirect_uri'), 'https://connector.example/callback');
  });

  it('reports a used or expired authorization code as permanent, not as re-authorization', async () => {
    reply = { json: { error: 'invalid_code' } };
    const error = await rejection(
      oauth.exchangeCode({ ...credentials(), code: 'used', redirectUri: 'https://connector.example/callback' }),
      ZohoOAuthError,
    );
    assert.match(error.message, /already used or has expired/);
  });

  it('revokes a token, and treats an unknown token as already revoked', async () => {
    reply = { json: { status: 'success' } };
    await oauth.revoke({ accountsUrl: server.url, token: REFRESH_TOKEN });
    assert.equal(server.requests[0]!.path, '/oauth/v2/token/revoke');
    assert.equal(new URLSearchParams(server.requests[0]!.body).get('token'), REFRESH_TOKEN);

    reply = { json: { error: 'invalid_code' } };
    await oauth.revoke({ accountsUrl: server.url, token: REFRESH_TOKEN });
  });

  it('builds an authorization URL asking for offline access with the Books scopes', () => {
    const url = new URL(oauth.authorizationUrl({ accountsUrl: 'https://accounts.zoho.eu', clientId: 'cid', redirectUri: 'https://x.example/cb', state: 's1' }));
    assert.equal(url.origin + url.pathname, 'https://accounts.zoho.eu/oauth/v2/auth');
    assert.equal(url.searchParams.get('access_type'), 'offline');
    assert.equal(url.searchParams.get('state'), 's1');
    assert.match(url.searchParams.get('scope')!, /ZohoBooks\.invoices\.CREATE/);
  });

  it('sends nothing to a private accounts server unless private endpoints are allowed', async () => {
    const strict = new ZohoOAuthClient({ allowPrivate: false });
    await rejection(strict.refresh(credentials()), ZohoEndpointNotAllowedError);
    assert.equal(server.requests.length, 0);
  });
});
