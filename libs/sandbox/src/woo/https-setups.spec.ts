import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWooStore, type FakeWooOptions } from './fake-woo-store';
import { oauthParams, rfc5849Sign } from '../test-support/woo-test-client';

/*
 * The store at https://shop.test behind a TLS-terminating proxy (the test plays the proxy: it
 * forwards to the fake's server address with `X-Forwarded-Proto: https`), in the three setups the
 * connector meets: WordPress told about https, a proxy without HTTPS=on, and a CGI/FastCGI host
 * that drops the Authorization header.
 */

const HOME = 'https://shop.test';
const ORDERS = '/wp-json/wc/v3/orders';

describe('fake WooCommerce behind https: is_ssl() and the Authorization header', () => {
  const stores: FakeWooStore[] = [];
  after(() => Promise.all(stores.map((store) => store.stop())));

  async function storeWith(options: FakeWooOptions): Promise<FakeWooStore> {
    const store = await FakeWooStore.start({ homeUrl: HOME, ...options });
    stores.push(store);
    return store;
  }

  /** What the proxy forwards for `https://shop.test{path}`; `authorization` as the client sent it. */
  async function viaProxy(store: FakeWooStore, path: string, authorization?: string): Promise<{ status: number; body: { code?: string; message?: string } }> {
    const res = await fetch(`${store.serverUrl}${path}`, { headers: { 'x-forwarded-proto': 'https', ...(authorization && { authorization }) } });
    return { status: res.status, body: (await res.json()) as { code?: string; message?: string } };
  }

  const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

  /** OAuth 1.0a in the query, the base string over `signedAs` + path (RFC 5849, not the fake's own signer). */
  function oauthPath(path: string, signedAs: string, key: string, secret: string): string {
    const oauth = oauthParams(key);
    const signature = rfc5849Sign('GET', `${signedAs}${path}`, secret, oauth);
    return `${path}?${new URLSearchParams({ ...oauth, oauth_signature: signature }).toString()}`;
  }

  const anonymous = { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.' };
  const mismatch = 'Invalid signature - provided signature does not match.';

  it('knows itself by homeUrl and listens elsewhere; homeUrl must be an origin', async () => {
    const store = await storeWith({});
    assert.equal(store.url, HOME);
    assert.equal(store.restBase, `${HOME}/wp-json/wc/v3`);
    assert.match(store.serverUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const index = (await (await fetch(`${store.serverUrl}/wp-json/`)).json()) as { home: string };
    assert.equal(index.home, HOME);
    await assert.rejects(FakeWooStore.start({ homeUrl: 'https://shop.test/blog' }), /homeUrl must be an http\(s\) origin/);
  });

  it('set up right (HTTPS=on): Basic works, and so does OAuth over the https base string', async () => {
    const store = await storeWith({});
    assert.equal((await viaProxy(store, ORDERS, basic(store.consumerKey, store.consumerSecret))).status, 200);
    assert.equal(store.requests.at(-1)!.auth, 'basic');
    assert.equal((await viaProxy(store, oauthPath(ORDERS, HOME, store.consumerKey, store.consumerSecret))).status, 200);
    assert.equal(store.requests.at(-1)!.auth, 'oauth1');
    const wrongSecret = await viaProxy(store, ORDERS, basic(store.consumerKey, 'cs_wrong'));
    assert.deepEqual([wrongSecret.status, wrongSecret.body.message], [401, 'Consumer secret is invalid.']);
  });

  it('proxy without HTTPS=on: Basic and query keys run anonymously; OAuth is signed over http://', async () => {
    const store = await storeWith({ trustForwardedProto: false });
    const { consumerKey: key, consumerSecret: secret } = store;
    for (const refused of [
      await viaProxy(store, ORDERS, basic(key, secret)),
      await viaProxy(store, `${ORDERS}?consumer_key=${key}&consumer_secret=${secret}`),
      await viaProxy(store, ORDERS, basic(`ck_${'0'.repeat(40)}`, secret)),
    ]) {
      assert.equal(refused.status, 401);
      assert.deepEqual({ code: refused.body.code, message: refused.body.message }, anonymous);
    }
    assert.equal((await viaProxy(store, oauthPath(ORDERS, HOME, key, secret))).body.message, mismatch, 'WordPress signs http://, not the https URL');
    assert.equal((await viaProxy(store, oauthPath(ORDERS, 'http://shop.test', key, secret))).status, 200);
    assert.equal(store.requests.at(-1)!.auth, 'oauth1');
    assert.equal((await viaProxy(store, oauthPath(ORDERS, 'http://shop.test', `ck_${'0'.repeat(40)}`, secret))).body.message, 'Consumer key is invalid.');
  });

  it('CGI/FastCGI host stripping Authorization: Basic (even with a wrong secret) runs anonymously; query OAuth over https:// works', async () => {
    const store = await storeWith({ stripAuthorizationHeader: true });
    const { consumerKey: key, consumerSecret: secret } = store;
    for (const authorization of [basic(key, secret), basic(key, 'cs_wrong')]) {
      const refused = await viaProxy(store, ORDERS, authorization);
      assert.equal(refused.status, 401);
      assert.deepEqual({ code: refused.body.code, message: refused.body.message }, anonymous);
    }
    // Query-string keys are in $_GET, which no header stripping touches (but they put the secret in access logs).
    assert.equal((await viaProxy(store, `${ORDERS}?consumer_key=${key}&consumer_secret=${secret}`)).status, 200);
    assert.equal((await viaProxy(store, oauthPath(ORDERS, HOME, key, secret))).status, 200);
    assert.equal(store.requests.at(-1)!.auth, 'oauth1');
    assert.equal((await viaProxy(store, oauthPath(ORDERS, 'http://shop.test', key, secret))).body.message, mismatch);
  });
});
