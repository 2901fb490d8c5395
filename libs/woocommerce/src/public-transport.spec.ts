import assert from 'node:assert/strict';
import dns from 'node:dns';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createPublicHttpExchange, isTransient } from '@connector/common';
import { startStubServer, StubServer } from '@connector/testing';
import { StoreUrlError } from './errors';
import { publicStoreExchange } from './public-transport';
import { WooClient } from './woo-client';

/*
 * Where the WooCommerce client may connect. A stub store on loopback stands in for an internal
 * service; names other than `localhost` resolve through a stub (this machine has no DNS for public names).
 */

const KEY = 'ck_0123456789abcdef0123456789abcdef01234567';
const SECRET = 'cs_secret-value-that-must-never-leak';

/** The refusal of a call to a store whose name resolves to a non-public address: permanent, no secret in it. */
async function refused(promise: Promise<unknown>): Promise<StoreUrlError> {
  const error = await promise.then(() => assert.fail('expected a rejection'), (thrown: unknown) => thrown);
  assert.ok(error instanceof StoreUrlError, `expected StoreUrlError, got ${String(error)}`);
  for (const secret of [KEY, SECRET]) assert.ok(!error.message.includes(secret), 'no credentials in messages');
  return error;
}

describe('WooClient and private addresses', () => {
  let store: StubServer;
  let port: string;

  before(async () => {
    store = await startStubServer(() => ({ headers: { 'X-WP-TotalPages': '1' }, json: [] }));
    port = new URL(store.url).port;
  });
  after(() => store.close());
  beforeEach(() => {
    store.requests.length = 0;
  });

  it('http://localhost:<port> (a name, not a literal) is refused unless private endpoints are allowed, and reached when they are', async () => {
    const url = `http://localhost:${port}`;
    assert.throws(() => new WooClient({ url, consumerKey: KEY, consumerSecret: SECRET }), StoreUrlError);
    assert.throws(() => new WooClient({ url: `https://localhost:${port}`, consumerKey: KEY, consumerSecret: SECRET }), /points at this machine or a private network/);
    const allowed = new WooClient({ url, consumerKey: KEY, consumerSecret: SECRET, allowPrivate: true });
    assert.deepEqual(await allowed.ping(), { ok: true, store: { url } });
    assert.equal(store.requests.length, 2);
  });

  it('a store name that resolves to loopback when called (DNS rebinding) is refused before connecting, as a permanent failure', async () => {
    let address = '93.184.215.14';
    const rebinding = createPublicHttpExchange(async () => [{ address, family: 4 }]);
    const woo = new WooClient({ url: 'https://shop.example.com', consumerKey: KEY, consumerSecret: SECRET, exchange: publicStoreExchange(rebinding) });
    address = '127.0.0.1';
    const error = await refused(woo.getOrder(727));
    assert.equal(error.code, 'ERR_NON_PUBLIC_ADDRESS');
    assert.equal(isTransient(error), false, 'a dead letter at once: retrying does not change where the name points');
    assert.equal(error.message, 'WooCommerce GET /orders/727 was not sent: shop.example.com resolves to 127.0.0.1 (loopback), which is not a public address; only sandboxes and tests may call such hosts (ALLOW_PRIVATE_ENDPOINTS=true)');
    const ping = await woo.ping();
    assert.equal(ping.ok, false);
    assert.match(ping.ok ? '' : ping.error, /^Cannot read orders: .*shop\.example\.com resolves to 127\.0\.0\.1/);
    assert.equal(store.requests.length, 0);
  });

  describe('by default (no exchange given)', () => {
    const realLookup = dns.promises.lookup;
    afterEach(() => {
      dns.promises.lookup = realLookup;
    });

    it('checks what the store name resolves to when private endpoints are not allowed', async () => {
      // The system resolver as the default exchange calls it, answering as a rebinding DNS would.
      dns.promises.lookup = (async () => [{ address: '10.0.0.5', family: 4 }]) as unknown as typeof dns.promises.lookup;
      const woo = new WooClient({ url: `https://shop.example.com:${port}`, consumerKey: KEY, consumerSecret: SECRET, timeoutMs: 1000 });
      const error = await refused(woo.listWebhooks());
      assert.equal(error.code, 'ERR_NON_PUBLIC_ADDRESS');
      assert.match(error.message, /shop\.example\.com resolves to 10\.0\.0\.5 \(private network\)/);
      assert.equal(store.requests.length, 0);
    });

    it('reaches a private store when they are allowed (sandbox, tests)', async () => {
      const woo = new WooClient({ url: `http://localhost:${port}`, consumerKey: KEY, consumerSecret: SECRET, allowPrivate: true });
      assert.deepEqual(await woo.listWebhooks(), []);
      assert.equal(store.requests.length, 1);
    });
  });
});
