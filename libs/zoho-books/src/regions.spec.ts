import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZohoEndpointNotAllowedError } from './errors';
import { allowPrivateEndpointsFromEnv, assertAccountsUrl, assertApiDomain, ZOHO_ACCOUNTS_HOSTS } from './regions';

describe('assertAccountsUrl', () => {
  it('accepts every data centre and returns the bare origin', () => {
    for (const host of ZOHO_ACCOUNTS_HOSTS) {
      assert.equal(assertAccountsUrl(`https://${host}/`), `https://${host}`);
    }
    assert.equal(assertAccountsUrl('  HTTPS://Accounts.Zoho.EU  '), 'https://accounts.zoho.eu');
  });

  const rejected: Array<[string, RegExp]> = [
    ['http://accounts.zoho.eu', /must use https/],
    ['https://accounts.zoho.eu.attacker.example', /not a Zoho host/],
    ['https://attacker.example/accounts.zoho.eu', /not a Zoho host/],
    ['https://accounts.zoho.ca', /zohocloud\.ca/],
    ['https://accounts.zoho.eu:8443', /port/],
    ['https://accounts.zoho.eu/oauth/v2/token', /just the server address/],
    ['ftp://accounts.zoho.eu', /must use https/],
    ['not a url', /not a valid URL/],
    ['http://127.0.0.1:8080', /ALLOW_PRIVATE_ENDPOINTS/],
    ['http://localhost:4010', /ALLOW_PRIVATE_ENDPOINTS/],
    ['http://10.1.2.3', /ALLOW_PRIVATE_ENDPOINTS/],
    ['http://[::1]:4010', /ALLOW_PRIVATE_ENDPOINTS/],
    ['http://0x7f.1:4010', /ALLOW_PRIVATE_ENDPOINTS/],
  ];
  for (const [input, problem] of rejected) {
    it(`rejects ${input}`, () => {
      assert.throws(() => assertAccountsUrl(input), (error: unknown) => {
        assert.ok(error instanceof ZohoEndpointNotAllowedError);
        assert.match(error.message, problem);
        return true;
      });
    });
  }

  it('never echoes credentials embedded in the URL', () => {
    assert.throws(
      () => assertAccountsUrl('https://client:s3cret-value@accounts.zoho.eu'),
      (error: Error) => /user name or password/.test(error.message) && !error.message.includes('s3cret-value'),
    );
  });

  it('admits loopback and private hosts over http only when private endpoints are allowed', () => {
    assert.equal(assertAccountsUrl('http://127.0.0.1:4010/', { allowPrivate: true }), 'http://127.0.0.1:4010');
    assert.equal(assertAccountsUrl('http://sandbox:4010/zoho/', { allowPrivate: true }), 'http://sandbox:4010/zoho');
    assert.throws(() => assertAccountsUrl('http://accounts.zoho.eu', { allowPrivate: true }), /must use https/);
    assert.throws(() => assertAccountsUrl('https://attacker.example', { allowPrivate: true }), /not a Zoho host/);
  });
});

describe('assertApiDomain', () => {
  it('accepts zohoapis hosts of every data centre', () => {
    assert.equal(assertApiDomain('https://www.zohoapis.eu'), 'https://www.zohoapis.eu');
    assert.equal(assertApiDomain('https://www.zohoapis.com.au/'), 'https://www.zohoapis.com.au');
    assert.equal(assertApiDomain('https://zohoapis.in'), 'https://zohoapis.in');
  });

  it('refuses anything a forged token response could name', () => {
    for (const domain of [
      'https://attacker.example',
      'https://www.zohoapis.com.attacker.example',
      'https://www.zohoapis.de',
      'http://www.zohoapis.com',
      'https://www.zohoapis.com/books',
      'http://127.0.0.1:9999',
    ]) {
      assert.throws(() => assertApiDomain(domain), ZohoEndpointNotAllowedError, domain);
    }
    assert.equal(assertApiDomain('http://127.0.0.1:9999', { allowPrivate: true }), 'http://127.0.0.1:9999');
  });
});

describe('allowPrivateEndpointsFromEnv', () => {
  it('reads ALLOW_PRIVATE_ENDPOINTS as the platform config does', () => {
    assert.equal(allowPrivateEndpointsFromEnv({ ALLOW_PRIVATE_ENDPOINTS: 'true' }), true);
    assert.equal(allowPrivateEndpointsFromEnv({ ALLOW_PRIVATE_ENDPOINTS: '1' }), true);
    assert.equal(allowPrivateEndpointsFromEnv({ ALLOW_PRIVATE_ENDPOINTS: 'false' }), false);
    assert.equal(allowPrivateEndpointsFromEnv({}), false);
  });
});
