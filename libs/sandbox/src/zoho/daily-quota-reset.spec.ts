import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { zohoWithOrg, type BooksTestClient } from '../test-support/zoho-test-client';

describe('fake Zoho daily quota: counted on the organisation\'s own day', () => {
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  // 04:59:30 UTC is 23:59:30 in New York (EST): the organisation's day ends in 30 s, UTC's in 19 h.
  let clock = Date.UTC(2026, 0, 15, 4, 59, 30);

  before(async () => {
    zoho = await FakeZoho.start({ now: () => clock, accessTokenTtlSeconds: 30 * 86_400 });
    ({ client: books, orgId } = await zohoWithOrg(zoho, { planDailyLimit: 3, timeZone: 'America/New_York' }));
  });
  after(() => zoho.stop());

  it('counts down to the organisation\'s local midnight and starts again there, not at UTC midnight', async () => {
    for (const left of ['2', '1', '0']) {
      const res = await books.get('/contacts');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-rate-limit-remaining'), left);
      assert.equal(res.headers.get('x-rate-limit-reset'), '30');
    }
    const spent = await books.get('/contacts');
    assert.equal(spent.status, 429);
    assert.equal(spent.body.code, 45);
    assert.equal(spent.headers.get('x-rate-limit-reset'), '30');

    clock += 31_000; // 05:00:01 UTC: New York's new day
    const next = await books.get('/contacts');
    assert.equal(next.status, 200);
    assert.equal(next.headers.get('x-rate-limit-limit'), '3');
    assert.equal(next.headers.get('x-rate-limit-remaining'), '2');
    assert.equal(next.headers.get('x-rate-limit-reset'), String(24 * 3600 - 1));
  });

  it('leaves the X-Rate-Limit headers out when asked to, and still enforces the quota', async () => {
    const bare = await FakeZoho.start({ now: () => clock, accessTokenTtlSeconds: 30 * 86_400, rateLimitHeaders: false });
    try {
      const { client } = await zohoWithOrg(bare, { planDailyLimit: 1 });
      const res = await client.get('/contacts');
      assert.equal(res.status, 200);
      for (const name of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) assert.equal(res.headers.get(name), null, name);
      const spent = await client.get('/contacts');
      assert.deepEqual([spent.status, spent.body.code, spent.headers.get('x-rate-limit-reset')], [429, 45, null]);
    } finally {
      await bare.stop();
    }
  });
});
