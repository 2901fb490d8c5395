import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreUrlError } from './errors';
import type { ResolveAll } from '@connector/common';
import { assertStoreResolvesPublicly, normalizeStoreUrl } from './store-url';

describe('normalizeStoreUrl', () => {
  const canonical: Array<[string, string]> = [
    ['https://shop.example.com', 'https://shop.example.com'],
    ['https://shop.example.com/', 'https://shop.example.com'],
    ['  HTTPS://Shop.Example.COM/  ', 'https://shop.example.com'],
    ['shop.example.com', 'https://shop.example.com'],
    ['https://shop.example.com/wp-json/wc/v3/orders?page=2', 'https://shop.example.com'],
    ['https://shop.example.com/wp-admin/admin.php?page=wc-settings#tab', 'https://shop.example.com'],
    ['https://shop.example.com/wp-login.php', 'https://shop.example.com'],
    ['https://example.com/shop/', 'https://example.com/shop'],
    ['https://example.com/Shop/wp-json/', 'https://example.com/Shop'],
    ['https://example.com/index.php/wp-json/wc/v3', 'https://example.com/index.php'],
    ['https://shop.example.com:8443/', 'https://shop.example.com:8443'],
    ['https://shop.example.com:443/', 'https://shop.example.com'],
    ['https://shop.example.com/?utm_source=x', 'https://shop.example.com'],
  ];
  for (const [input, expected] of canonical) {
    it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(normalizeStoreUrl(input), expected));
  }

  const rejected: Array<[string, RegExp]> = [
    ['', /empty/],
    ['http://shop.example.com', /must use https/],
    ['ftp://shop.example.com', /must start with https/],
    ['https://admin:hunter2@shop.example.com', /user name or password/],
    ['https://localhost:8080', /this machine or a private network/],
    ['https://127.0.0.1', /private network/],
    ['https://192.168.1.20/shop', /private network/],
    ['https://10.0.0.16:3000', /private network/],
    ['https://172.20.0.5', /private network/],
    ['https://169.254.169.254/latest', /private network/],
    ['https://[::1]/', /private network/],
    ['https://[fd00::1]/', /private network/],
    ['https://[::ffff:127.0.0.1]/', /private network/],
    ['https://2130706433/', /private network/],
    ['https://wordpress/', /private network/],
    ['https://shop.local/', /private network/],
    ['https://exa mple.com', /not a valid URL/],
  ];
  for (const [input, problem] of rejected) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => normalizeStoreUrl(input), (error: unknown) => {
        assert.ok(error instanceof StoreUrlError);
        assert.match(error.message, problem);
        assert.ok(!error.message.includes('hunter2'), 'credentials are not echoed');
        return true;
      });
    });
  }

  it('admits http and private hosts for sandboxes when allowed', () => {
    assert.equal(normalizeStoreUrl('http://127.0.0.1:8080/wp-json/', { allowPrivate: true }), 'http://127.0.0.1:8080');
    assert.equal(normalizeStoreUrl('http://wordpress/shop/', { allowPrivate: true }), 'http://wordpress/shop');
    assert.throws(() => normalizeStoreUrl('http://u:p@127.0.0.1', { allowPrivate: true }), /user name or password/);
  });
});

describe('assertStoreResolvesPublicly', () => {
  // A stub resolver: this machine has no DNS for public names.
  const resolveAll: ResolveAll = async (hostname) => {
    const answers: Record<string, string[]> = { 'shop.example.com': ['93.184.215.14'], 'intranet.example.com': ['10.1.2.3'], 'metadata.example.com': ['169.254.169.254'] };
    if (!answers[hostname]) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers[hostname]!.map((address) => ({ address, family: 4 }));
  };

  it('refuses a store whose name resolves to a private address, as the StoreUrlError a private URL gets', async () => {
    await assert.rejects(assertStoreResolvesPublicly('https://intranet.example.com/shop', { resolveAll }), (error: unknown) => {
      assert.ok(error instanceof StoreUrlError);
      assert.equal(error.message, 'Store URL "https://intranet.example.com/shop" points at this machine or a private network: intranet.example.com resolves to 10.1.2.3 (private network), which is not a public address; only sandboxes and tests may call such hosts (ALLOW_PRIVATE_ENDPOINTS=true)');
      return true;
    });
    await assert.rejects(assertStoreResolvesPublicly('https://metadata.example.com', { resolveAll }), /169\.254\.169\.254 \(link-local \(cloud metadata\)\)/);
  });

  it('admits a public store, a name that does not resolve (the connection check reports it), and anything when private endpoints are allowed', async () => {
    await assertStoreResolvesPublicly('https://shop.example.com', { resolveAll });
    await assertStoreResolvesPublicly('https://gone.example.com', { resolveAll });
    await assertStoreResolvesPublicly('https://intranet.example.com', { resolveAll, allowPrivate: true });
  });

  it('with the system resolver: http://localhost:<port> is refused unless allowed', async () => {
    await assert.rejects(assertStoreResolvesPublicly('http://localhost:8080'), /localhost resolves to 127\.0\.0\.1 \(loopback\)/);
    await assertStoreResolvesPublicly('http://localhost:8080', { allowPrivate: true });
  });
});
