import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { startStubServer, StubReply, StubRequest, StubServer } from '@connector/testing';
import { WooCredentialsError, WooUnavailableError } from './errors';
import { StoreAuthMemory } from './store-auth-memory';
import { tlsTerminatingProxy } from './testing/tls-terminating-proxy';
import { StubStoreSetup, wooAuthRefusal } from './testing/woo-rest-authentication';
import { WooCallRecord, WooClient } from './woo-client';

/*
 * A store at https://shop.test behind a TLS-terminating proxy, in the setups the client meets:
 * WordPress told about https; a proxy without HTTPS=on (is_ssl() false); an Apache CGI/FastCGI
 * host that strips the Authorization header.
 */

const HOME = 'https://shop.test';
const KEY = 'ck_0123456789abcdef0123456789abcdef01234567';
const SECRET = 'cs_secret-value-that-must-never-leak';
const API = '/wp-json/wc/v3';

const SETUPS = {
  httpsOn: { isSsl: true, receivesAuthorization: true },
  proxyWithoutHttpsOn: { isSsl: false, receivesAuthorization: true },
  strippedAuthorization: { isSsl: true, receivesAuthorization: false },
} as const;

describe('WooClient over https: Basic, and OAuth 1.0a where Basic never reaches WooCommerce', () => {
  let server: StubServer;
  let setup: StubStoreSetup;
  /** Answers instead of the store when it returns a reply. */
  let override: ((request: StubRequest) => StubReply | undefined) | undefined;
  let memory: StoreAuthMemory;
  let calls: WooCallRecord[];

  before(async () => {
    server = await startStubServer((request) => {
      return override?.(request) ?? wooAuthRefusal(request, setup) ?? { json: request.method === 'GET' ? { id: 727 } : { id: 9, status: 'active' } };
    });
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    override = undefined;
    memory = new StoreAuthMemory();
    calls = [];
  });
  afterEach(() => {
    // Never the secret on the wire's URL, and never a credential in what the client reports.
    for (const request of server.requests) {
      assert.ok(!request.query.has('consumer_secret') && !request.query.toString().includes(SECRET), 'no secret in a URL');
    }
    const recorded = JSON.stringify(calls);
    for (const secret of [SECRET, KEY, 'oauth_', 'Basic ']) assert.ok(!recorded.includes(secret), `no ${secret} in call records`);
  });

  function storeWith(kind: keyof typeof SETUPS, keys: Record<string, string> = { [KEY]: SECRET }): void {
    setup = { homeUrl: HOME, ...SETUPS[kind], keys: new Map(Object.entries(keys)) };
  }

  function client(consumerKey = KEY, consumerSecret = SECRET): WooClient {
    return new WooClient({ url: HOME, consumerKey, consumerSecret, authMemory: memory, exchange: tlsTerminatingProxy(HOME, server.url), timeoutMs: 1000, onCall: (record) => calls.push(record) });
  }

  /** How each request reached the store: `basic`, or OAuth with the base string's scheme. */
  const wire = () =>
    server.requests.map((request) => {
      if (request.headers.authorization?.startsWith('Basic ')) return 'basic';
      return request.query.has('oauth_signature') ? 'oauth1' : 'none';
    });

  async function refusal(promise: Promise<unknown>): Promise<WooCredentialsError> {
    const error = await promise.then(() => assert.fail('expected a refusal'), (caught: unknown) => caught);
    assert.ok(error instanceof WooCredentialsError, `expected WooCredentialsError, got ${String(error)}`);
    for (const secret of [SECRET, 'oauth_signature']) assert.ok(!error.message.includes(secret), `no ${secret} in: ${error.message}`);
    return error;
  }

  it('uses Basic alone on a store set up right', async () => {
    storeWith('httpsOn');
    const woo = client();
    await woo.getOrder(727);
    await woo.getOrder(727);
    assert.deepEqual(wire(), ['basic', 'basic']);
    assert.equal(server.requests[0]!.path, `${API}/orders/727`);
    assert.equal(server.requests[0]!.headers['x-forwarded-proto'], 'https');
    assert.deepEqual(calls.map((call) => [call.auth, call.status]), [['basic', 200], ['basic', 200]]);
  });

  it('does not retry a wrong secret that Basic delivered', async () => {
    storeWith('httpsOn');
    const error = await refusal(client(KEY, 'cs_wrong').getOrder(727));
    assert.equal(error.upstreamMessage, 'Consumer secret is invalid.');
    assert.match(error.message, /check the consumer key and secret/);
    assert.deepEqual(wire(), ['basic']);
  });

  it('behind a proxy without HTTPS=on: falls back to OAuth signed over http:// once, then goes straight to it', async () => {
    storeWith('proxyWithoutHttpsOn');
    const woo = client();
    assert.equal((await woo.getOrder(727)).id, 727);
    assert.deepEqual(wire(), ['basic', 'oauth1', 'oauth1'], 'Basic ran anonymously; the https base string did not match; the http one did');
    assert.deepEqual(calls.map((call) => [call.auth, call.status]), [['basic', 401], ['oauth1', 401], ['oauth1', 200]]);

    server.requests.length = 0;
    await woo.getOrder(727);
    await client().createWebhook({ topic: 'order.updated', delivery_url: 'https://connector.example/hook' });
    assert.deepEqual(wire(), ['oauth1', 'oauth1'], 'this client and the next one for the store skip Basic');
    assert.equal(memory.schemeFor(HOME), 'oauth1-http');
  });

  it('on a host that strips the Authorization header: falls back to OAuth signed over https:// once', async () => {
    storeWith('strippedAuthorization');
    const woo = client();
    await woo.createWebhook({ topic: 'order.updated', delivery_url: 'https://connector.example/hook' });
    assert.deepEqual(wire(), ['basic', 'oauth1']);
    assert.deepEqual(calls.map((call) => call.status), [401, 200]);
    server.requests.length = 0;
    assert.deepEqual(await woo.ping(), { ok: true, store: { url: HOME } });
    assert.deepEqual(wire(), ['oauth1', 'oauth1']);
    assert.equal(memory.schemeFor(HOME), 'oauth1-https');
  });

  it('reports an unknown key as unrecognised after one OAuth try, and remembers nothing', async () => {
    for (const kind of Object.keys(SETUPS) as Array<keyof typeof SETUPS>) {
      storeWith(kind, { ck_other: 'cs_other' });
      server.requests.length = 0;
      const error = await refusal(client().getOrder(727));
      assert.deepEqual(wire(), ['basic', 'oauth1'], kind);
      assert.equal(error.status, 401);
      assert.equal(error.wooCode, 'woocommerce_rest_cannot_view', 'the code as before the fallback');
      assert.match(error.message, /Sorry, you cannot list resources\..*the store did not recognise the consumer key: over HTTP Basic the request ran without a user, and signed with OAuth 1\.0a it answered "Consumer key is invalid\."; check the key/);
      assert.equal(memory.schemeFor(HOME), undefined);
    }
  });

  it('a wrong secret where Basic never arrives: both signatures refused, the secret named', async () => {
    storeWith('proxyWithoutHttpsOn');
    const ping = await client(KEY, 'cs_wrong').ping();
    assert.equal(ping.ok, false);
    assert.equal((ping as { refused?: boolean }).refused, true);
    assert.match((ping as { error: string }).error, /the store knows the consumer key, but did not see it over HTTP Basic \(a proxy .* strips the Authorization header\), and refused the OAuth 1\.0a signature .*check the consumer secret/);
    assert.deepEqual(wire(), ['basic', 'oauth1', 'oauth1']);
    assert.equal(memory.schemeFor(HOME), undefined);
  });

  it('finds out again when the store is set up right later', async () => {
    storeWith('proxyWithoutHttpsOn');
    await client().getOrder(727);
    storeWith('httpsOn');
    server.requests.length = 0;
    await client().getOrder(727);
    assert.deepEqual(wire(), ['oauth1', 'basic'], 'the remembered http signature no longer matches; Basic now works');
    assert.equal(memory.schemeFor(HOME), undefined);
  });

  it('an OAuth retry that meets a 5xx stays transient and teaches nothing', async () => {
    storeWith('strippedAuthorization');
    override = (request) => (request.query.has('oauth_signature') ? { status: 503, raw: 'Service Unavailable' } : undefined);
    await assert.rejects(client().getOrder(727), WooUnavailableError);
    assert.deepEqual(wire(), ['basic', 'oauth1']);
    assert.equal(memory.schemeFor(HOME), undefined);
  });

  it('hints at a proxy or a stripped header when the OAuth retry runs without a user too', async () => {
    storeWith('httpsOn');
    // Something in front answers for WordPress whatever the credentials, e.g. a cache.
    override = () => ({ status: 401, json: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } } });
    const error = await refusal(client().getOrder(727));
    assert.deepEqual(wire(), ['basic', 'oauth1']);
    assert.match(error.message, /ran without a user: the store did not recognise the consumer key, or never received it \(a proxy or load balancer that does not tell WordPress the request came over https, or a host that strips the Authorization header\)/);
  });
});
