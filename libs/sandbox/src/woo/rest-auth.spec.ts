import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWooStore } from './fake-woo-store';
import { oauthParams, rfc5849Sign, signedUrl } from '../test-support/woo-test-client';

describe('fake WooCommerce REST authentication', () => {
  let woo: FakeWooStore;
  before(async () => {
    woo = await FakeWooStore.start();
  });
  after(() => woo.stop());

  const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any, headers: res.headers });

  it('issues ck_/cs_ keys of 40 hex characters', () => {
    assert.match(woo.consumerKey, /^ck_[0-9a-f]{40}$/);
    assert.match(woo.consumerSecret, /^cs_[0-9a-f]{40}$/);
  });

  it('accepts OAuth 1.0a (HMAC-SHA1 and HMAC-SHA256) in the query string over plain HTTP', async () => {
    for (const method of ['HMAC-SHA256', 'HMAC-SHA1']) {
      const url = signedUrl('GET', `${woo.restBase}/orders?per_page=5&status=processing,completed`, woo.consumerKey, woo.consumerSecret, { oauth_signature_method: method });
      assert.equal((await fetch(url)).status, 200, method);
    }
  });

  it('accepts OAuth parameters in the Authorization header', async () => {
    const url = `${woo.restBase}/orders?page=1`;
    const oauth = oauthParams(woo.consumerKey);
    const signature = rfc5849Sign('GET', url, woo.consumerSecret, oauth);
    const header = `OAuth ${Object.entries({ ...oauth, oauth_signature: signature })
      .map(([k, v]) => `${k}="${encodeURIComponent(v)}"`)
      .join(', ')}`;
    assert.equal((await fetch(url, { headers: { authorization: header } })).status, 200);
  });

  it('rejects a bad signature, an unknown key, a stale timestamp, a reused nonce and missing parameters', async () => {
    const base = `${woo.restBase}/orders`;
    const bad = await json(await fetch(signedUrl('GET', base, woo.consumerKey, 'cs_wrong')));
    assert.deepEqual(bad.body, { code: 'woocommerce_rest_authentication_error', message: 'Invalid signature - provided signature does not match.', data: { status: 401 } });
    assert.equal(bad.status, 401);
    const unknown = await json(await fetch(signedUrl('GET', base, `ck_${'0'.repeat(40)}`, woo.consumerSecret)));
    assert.equal(unknown.body.message, 'Consumer key is invalid.');
    const stale = await json(await fetch(signedUrl('GET', base, woo.consumerKey, woo.consumerSecret, { oauth_timestamp: String(Math.floor(Date.now() / 1000) - 16 * 60) })));
    assert.equal(stale.body.message, 'Invalid timestamp.');
    const once = signedUrl('GET', base, woo.consumerKey, woo.consumerSecret);
    assert.equal((await fetch(once)).status, 200);
    const replay = await json(await fetch(once));
    assert.equal(replay.body.message, 'Invalid nonce - nonce has already been used.');
    const partial = await json(await fetch(`${base}?oauth_consumer_key=${woo.consumerKey}&oauth_nonce=x`));
    assert.equal(partial.body.code, 'woocommerce_rest_authentication_missing_parameter');
    assert.equal(partial.body.message, 'Missing OAuth parameters oauth_timestamp, oauth_signature, oauth_signature_method');
  });

  it('signs array parameters with explicit indexes, as PHP parsed them', async () => {
    // RFC 5849 signers sign `status[]` twice; WooCommerce signs status[0] and status[1].
    const url = `${woo.restBase}/orders?status[]=processing&status[]=completed`;
    const naive = await fetch(signedUrl('GET', url, woo.consumerKey, woo.consumerSecret));
    assert.equal(naive.status, 401);
    const indexed = `${woo.restBase}/orders?status[0]=processing&status[1]=completed`;
    const oauth = oauthParams(woo.consumerKey);
    const signature = rfc5849Sign('GET', indexed, woo.consumerSecret, oauth);
    const sent = new URL(url);
    for (const [k, v] of Object.entries({ ...oauth, oauth_signature: signature })) sent.searchParams.set(k, v);
    assert.equal((await fetch(sent)).status, 200);
  });

  it('accepts Basic auth and consumer_key/consumer_secret only behind HTTPS (X-Forwarded-Proto)', async () => {
    const basic = `Basic ${Buffer.from(`${woo.consumerKey}:${woo.consumerSecret}`).toString('base64')}`;
    const overHttp = await json(await fetch(`${woo.restBase}/orders`, { headers: { authorization: basic } }));
    assert.deepEqual(overHttp.body, { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.', data: { status: 401 } });
    assert.equal((await fetch(`${woo.restBase}/orders`, { headers: { authorization: basic, 'x-forwarded-proto': 'https' } })).status, 200);
    const query = `consumer_key=${woo.consumerKey}&consumer_secret=${woo.consumerSecret}`;
    assert.equal((await fetch(`${woo.restBase}/orders?${query}`, { headers: { 'x-forwarded-proto': 'https' } })).status, 200);
    const wrong = await json(
      await fetch(`${woo.restBase}/orders`, {
        headers: { authorization: `Basic ${Buffer.from(`${woo.consumerKey}:cs_nope`).toString('base64')}`, 'x-forwarded-proto': 'https' },
      }),
    );
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.', data: { status: 401 } });
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic realm="WooCommerce API/);
  });

  it('answers anonymous requests with woocommerce_rest_cannot_view and leaves the index open', async () => {
    const anonymous = await json(await fetch(`${woo.restBase}/webhooks`));
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.code, 'woocommerce_rest_cannot_view');
    assert.equal((await fetch(`${woo.url}/wp-json/wc/v3`)).status, 200);
  });

  it('enforces read/write key permissions and customer roles', async () => {
    const readOnly = woo.createKey('read');
    const https = (key: { consumerKey: string; consumerSecret: string }) => ({
      authorization: `Basic ${Buffer.from(`${key.consumerKey}:${key.consumerSecret}`).toString('base64')}`,
      'x-forwarded-proto': 'https',
      'content-type': 'application/json',
    });
    assert.equal((await fetch(`${woo.restBase}/orders`, { headers: https(readOnly) })).status, 200);
    const write = await json(await fetch(`${woo.restBase}/webhooks`, { method: 'POST', headers: https(readOnly), body: '{}' }));
    assert.deepEqual(write.body, { code: 'woocommerce_rest_authentication_error', message: 'The API key provided does not have write permissions.', data: { status: 401 } });
    const writeOnly = woo.createKey('write');
    assert.equal((await json(await fetch(`${woo.restBase}/orders`, { headers: https(writeOnly) }))).body.message, 'The API key provided does not have read permissions.');
    const customer = woo.createKey('read_write', { role: 'customer' });
    const forbidden = await json(await fetch(`${woo.restBase}/webhooks`, { headers: https(customer) }));
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.code, 'woocommerce_rest_cannot_view');
  });
});
