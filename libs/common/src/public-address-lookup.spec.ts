import assert from 'node:assert/strict';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, it } from 'node:test';
import { findNonPublicAddress, NonPublicAddressError, publicAddressLookup, type ResolveAll } from './public-address-lookup';

/*
 * The resolver is a stub: this machine has no DNS for public names. Only `localhost` goes through
 * the system resolver (it resolves from /etc/hosts).
 */

function stubResolver(answers: Record<string, string[]>, seen: Array<{ hostname: string; options: LookupOptions }> = []): ResolveAll {
  return async (hostname, options) => {
    seen.push({ hostname, options });
    const addresses = answers[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

type Answer = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function lookUp(lookup: LookupFunction, hostname: string, options: LookupOptions): Promise<Answer> {
  return new Promise((resolve) => lookup(hostname, options, (error, address, family) => resolve({ error, address, family })));
}

const RESOLVER = stubResolver({
  'shop.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'rebound.example.com': ['127.0.0.1'],
  'metadata.example.com': ['169.254.169.254'],
  'mixed.example.com': ['93.184.215.14', '10.0.0.5'],
  'six.example.com': ['2606:2800:21f:cb07:6820:80da:af6b:8b2c', 'fd00::7'],
  'mapped.example.com': ['::ffff:192.168.1.1'],
  'nothing.example.com': [],
});

describe('publicAddressLookup', () => {
  const lookup = publicAddressLookup(RESOLVER);

  it('answers a public name in the shape asked for: all addresses, or the first', async () => {
    const all = await lookUp(lookup, 'shop.example.com', { all: true });
    assert.equal(all.error, null);
    assert.deepEqual(all.address, [{ address: '93.184.215.14', family: 4 }, { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 }]);
    const one = await lookUp(lookup, 'shop.example.com', {});
    assert.deepEqual([one.error, one.address, one.family], [null, '93.184.215.14', 4]);
  });

  it('passes the family and hints on to the resolver, not `all`', async () => {
    const seen: Array<{ hostname: string; options: LookupOptions }> = [];
    await lookUp(publicAddressLookup(stubResolver({ 'shop.example.com': ['93.184.215.14'] }, seen)), 'shop.example.com', { all: true, family: 4, hints: 32 });
    assert.deepEqual(seen, [{ hostname: 'shop.example.com', options: { family: 4, hints: 32 } }]);
  });

  it('refuses a name that resolves to loopback, link-local (cloud metadata), private or IPv4-mapped private addresses', async () => {
    for (const [hostname, address, kind] of [
      ['rebound.example.com', '127.0.0.1', 'loopback'],
      ['metadata.example.com', '169.254.169.254', 'link-local (cloud metadata)'],
      ['six.example.com', 'fd00::7', 'private network (unique local)'],
      ['mapped.example.com', '::ffff:192.168.1.1', 'IPv4 private network'],
    ] as const) {
      for (const all of [true, false]) {
        const { error } = await lookUp(lookup, hostname, { all });
        assert.ok(error instanceof NonPublicAddressError, `${hostname}: ${String(error)}`);
        assert.equal(error.code, 'ERR_NON_PUBLIC_ADDRESS');
        assert.deepEqual([error.host, error.address, error.kind], [hostname, address, kind]);
        assert.equal(error.message, `${hostname} resolves to ${address} (${kind}), which is not a public address; only sandboxes and tests may call such hosts (ALLOW_PRIVATE_ENDPOINTS=true)`);
      }
    }
  });

  it('refuses a name when ANY of its addresses is not public, rather than picking a public one', async () => {
    const { error } = await lookUp(lookup, 'mixed.example.com', { all: true });
    assert.ok(error instanceof NonPublicAddressError);
    assert.equal(error.address, '10.0.0.5');
  });

  it('hands resolver failures through, and treats an empty answer as not found', async () => {
    const missing = await lookUp(lookup, 'unknown.example.com', { all: true });
    assert.equal(missing.error?.code, 'ENOTFOUND');
    const empty = await lookUp(lookup, 'nothing.example.com', {});
    assert.equal(empty.error?.code, 'ENOTFOUND');
    assert.match(empty.error!.message, /nothing\.example\.com/);
  });

  it('with the system resolver, refuses localhost (a name, not a literal)', async () => {
    const { error } = await lookUp(publicAddressLookup(), 'localhost', { all: true });
    assert.ok(error instanceof NonPublicAddressError, String(error));
    assert.equal(error.host, 'localhost');
    assert.match(error.kind, /loopback/);
  });
});

describe('findNonPublicAddress', () => {
  it('checks IP literals as they are, brackets or not, without resolving', async () => {
    const never: ResolveAll = () => assert.fail('a literal is not resolved');
    assert.equal((await findNonPublicAddress('127.0.0.1', never))?.message, '127.0.0.1 (loopback) is not a public address; only sandboxes and tests may call such hosts (ALLOW_PRIVATE_ENDPOINTS=true)');
    assert.equal((await findNonPublicAddress('[::1]', never))?.address, '::1');
    assert.equal(await findNonPublicAddress('8.8.8.8', never), null);
  });

  it('resolves names: the refusal for a private one, null for a public one', async () => {
    assert.equal((await findNonPublicAddress('metadata.example.com', RESOLVER))?.address, '169.254.169.254');
    assert.equal((await findNonPublicAddress('mixed.example.com', RESOLVER))?.address, '10.0.0.5');
    assert.equal(await findNonPublicAddress('shop.example.com', RESOLVER), null);
  });

  it('lets a name that does not resolve pass (calling it reports that; a DNS outage must not invalidate a URL)', async () => {
    assert.equal(await findNonPublicAddress('unknown.example.com', RESOLVER), null);
    assert.equal(await findNonPublicAddress('nothing.example.com', RESOLVER), null);
  });

  it('with the system resolver, finds localhost private', async () => {
    assert.match((await findNonPublicAddress('localhost'))?.kind ?? 'public', /loopback/);
  });
});
