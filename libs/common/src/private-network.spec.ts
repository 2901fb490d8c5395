import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrivateHost, isPublicAddress, nonPublicAddressKind } from './private-network';

describe('nonPublicAddressKind', () => {
  it('names every IPv4 block no public server has', () => {
    const cases: Array<[string, RegExp]> = [
      ['0.0.0.0', /unspecified/],
      ['0.1.2.3', /this network/],
      ['10.0.0.1', /private network/],
      ['10.255.255.255', /private network/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['100.127.255.254', /carrier-grade NAT/],
      ['127.0.0.1', /loopback/],
      ['127.8.9.10', /loopback/],
      ['169.254.169.254', /link-local \(cloud metadata\)/],
      ['172.16.0.1', /private network/],
      ['172.31.255.255', /private network/],
      ['192.0.0.8', /reserved/],
      ['192.0.2.10', /documentation/],
      ['192.88.99.1', /reserved/],
      ['192.168.1.1', /private network/],
      ['198.18.0.1', /benchmarking/],
      ['198.19.255.255', /benchmarking/],
      ['198.51.100.7', /documentation/],
      ['203.0.113.9', /documentation/],
      ['224.0.0.251', /multicast/],
      ['239.255.255.250', /multicast/],
      ['240.0.0.1', /reserved/],
      ['255.255.255.255', /reserved \(including broadcast\)/],
    ];
    for (const [address, kind] of cases) assert.match(nonPublicAddressKind(address) ?? 'public', kind, address);
  });

  it('keeps the addresses just outside those blocks public', () => {
    for (const address of ['1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0',
      '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.1', '192.167.255.255', '192.169.0.0', '198.17.255.255',
      '198.20.0.0', '203.0.114.1', '223.255.255.255', '93.184.215.14']) {
      assert.equal(nonPublicAddressKind(address), null, address);
      assert.equal(isPublicAddress(address), true, address);
    }
  });

  it('names every IPv6 block no public server has, in any spelling', () => {
    const cases: Array<[string, RegExp]> = [
      ['::', /^unspecified$/],
      ['0:0:0:0:0:0:0:0', /^unspecified$/],
      ['::1', /^loopback$/],
      ['0000:0000:0000:0000:0000:0000:0000:0001', /^loopback$/],
      ['[::1]', /^loopback$/],
      ['::ffff:127.0.0.1', /^IPv4 loopback$/],
      ['::ffff:7f00:1', /^IPv4 loopback$/],
      ['::FFFF:10.1.2.3', /^IPv4 private network$/],
      ['::ffff:a9fe:a9fe', /^IPv4 link-local/],
      ['::ffff:0.0.0.0', /^IPv4 unspecified/],
      ['::127.0.0.1', /reserved \(outside global unicast\)/],
      ['::8.8.8.8', /reserved/],
      ['64:ff9b::10.0.0.1', /^IPv4 private network$/],
      ['64:ff9b::a9fe:a9fe', /^IPv4 link-local/],
      ['64:ff9b:1::1', /reserved/],
      ['2002:7f00:1::', /^IPv4 loopback$/],
      ['2002:c0a8:101::1', /^IPv4 private network$/],
      ['100::1', /reserved/],
      ['4000::1', /reserved/],
      ['fe00::1', /reserved/],
      ['2001::1', /Teredo/],
      ['2001:db8::1', /documentation/],
      ['3fff::1', /documentation/],
      ['fc00::1', /unique local/],
      ['fd12:3456:789a::1', /unique local/],
      ['fe80::1', /link-local/],
      ['fe80::1%eth0', /link-local/],
      ['febf::1', /link-local/],
      ['fec0::1', /site-local/],
      ['ff02::1', /multicast/],
      ['ff0e::101', /multicast/],
    ];
    for (const [address, kind] of cases) assert.match(nonPublicAddressKind(address) ?? 'public', kind, address);
  });

  it('keeps public IPv6 unicast, and IPv6 forms of public IPv4, public', () => {
    for (const address of ['2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8',
      '2002:808:808::1', '2c0f:fb50:4003::1', '2a03:2880:f12f:83:face:b00c:0:25de']) {
      assert.equal(nonPublicAddressKind(address), null, address);
    }
  });

  it('is no address at all for names and garbage', () => {
    for (const text of ['example.com', 'localhost', '', '1.2.3', '256.1.1.1', '::g']) assert.equal(nonPublicAddressKind(text), 'not an IP address', text);
    assert.equal(isPublicAddress('example.com'), false);
  });
});

describe('isPrivateHost', () => {
  it('uses the same classification for literal hosts, as URL.hostname gives them', () => {
    for (const url of ['http://127.0.0.1', 'http://0x7f.1', 'http://2130706433', 'http://[::1]', 'http://[::ffff:127.0.0.1]', 'http://[fd00::1]',
      'http://169.254.169.254', 'http://100.64.1.1', 'http://0.0.0.0', 'http://224.0.0.1', 'http://240.1.1.1', 'http://[64:ff9b::a00:1]']) {
      assert.equal(isPrivateHost(new URL(url).hostname), true, url);
    }
    for (const url of ['https://8.8.8.8', 'https://[2606:4700:4700::1111]', 'https://shop.example.com']) {
      assert.equal(isPrivateHost(new URL(url).hostname), false, url);
    }
  });

  it('treats local-only names as private: localhost, reserved suffixes, single labels, a trailing dot', () => {
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', 'printer.local', 'db.internal', 'nas.home.arpa', 'wordpress', 'sandbox.']) {
      assert.equal(isPrivateHost(host), true, host);
    }
  });
});
