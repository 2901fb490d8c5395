import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { zohoWithOrg, type BooksTestClient } from '../test-support/zoho-test-client';

describe('fake Zoho limits and faults', () => {
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  let clock = Date.UTC(2025, 0, 15, 10, 0, 0);

  before(async () => {
    zoho = await FakeZoho.start({ now: () => clock, retryAfterOn429: true, accessTokenTtlSeconds: 30 * 86_400 });
    ({ client: books, orgId } = await zohoWithOrg(zoho, { planDailyLimit: 1000 }));
  });
  after(() => zoho.stop());

  it('sends X-Rate-Limit headers on every organisation call', async () => {
    zoho.resetLimits();
    const res = await books.get('/contacts');
    assert.equal(res.headers.get('x-rate-limit-limit'), '1000');
    assert.equal(res.headers.get('x-rate-limit-remaining'), '999');
    assert.equal(res.headers.get('x-rate-limit-reset'), String(14 * 3600)); // 10:00 UTC → midnight
  });

  it('blocks the 101st request in a sliding minute with 429 code 44', async () => {
    zoho.resetLimits();
    for (let i = 0; i < 100; i++) assert.equal((await books.get('/contacts')).status, 200);
    const blocked = await books.get('/contacts');
    assert.equal(blocked.status, 429);
    assert.deepEqual(blocked.body, {
      code: 44,
      message:
        'For security reasons your organization has been blocked as it have exceeded the maximum number of requests per minute that can originate from an organization.',
    });
    assert.equal(blocked.headers.get('retry-after'), '60');
    clock += 60_001;
    assert.equal((await books.get('/contacts')).status, 200);
  });

  it('enforces the daily plan quota with 429 code 45', async () => {
    zoho.resetLimits();
    zoho.setLimits(orgId, { daily: 3 });
    for (let i = 0; i < 3; i++) assert.equal((await books.get('/contacts')).status, 200);
    const blocked = await books.get('/contacts');
    assert.equal(blocked.status, 429);
    assert.deepEqual(blocked.body, { code: 45, message: 'The API call for this organization has exceeded the maximum call rate limit of 3.' });
    assert.equal(blocked.headers.get('x-rate-limit-remaining'), '0');
    clock += 24 * 3600_000;
    assert.equal((await books.get('/contacts')).status, 200);
    zoho.setLimits(orgId, { daily: 1000 });
  });

  it('limits concurrent calls with 429 code 1070', async () => {
    zoho.resetLimits();
    zoho.setLimits(orgId, { concurrency: 2 });
    zoho.faults.latency(150);
    try {
      const results = await Promise.all([0, 1, 2, 3].map(() => books.get('/contacts')));
      const codes = results.map((r) => r.body.code).sort();
      assert.deepEqual(codes, [0, 0, 1070, 1070]);
    } finally {
      zoho.faults.clear();
      zoho.setLimits(orgId, { concurrency: 10 });
    }
  });

  it('injects the next N errors for matching calls only', async () => {
    zoho.resetLimits();
    zoho.faults.next(2, { status: 503, match: { method: 'GET', pathPrefix: '/items' } });
    zoho.faults.next(1, { status: 429, code: 44, retryAfterSeconds: 7 });
    const mark = zoho.mark();
    const first = await books.get('/items');
    assert.equal(first.status, 503);
    const other = await books.get('/contacts');
    assert.equal(other.status, 429);
    assert.equal(other.headers.get('retry-after'), '7');
    assert.equal((await books.get('/items')).status, 503);
    assert.equal((await books.get('/items')).status, 200);
    const calls = zoho.callsSince(mark);
    assert.deepEqual(calls.map((c) => [c.method, c.resourcePath, c.status]), [
      ['GET', '/items', 503],
      ['GET', '/contacts', 429],
      ['GET', '/items', 503],
      ['GET', '/items', 200],
    ]);
    assert.equal(calls[0]!.organizationId, orgId);
    assert.equal(calls[0]!.query.organization_id, orgId);
  });

  it('matches an action on any record by the end of its path', async () => {
    zoho.resetLimits();
    zoho.faults.next(1, { status: 400, code: 1002, message: 'cannot', match: { method: 'POST', pathPrefix: '/invoices/', pathSuffix: '/status/sent' } });
    try {
      assert.notEqual((await books.post('/invoices/1/status/void', {})).body.message, 'cannot', 'another action is not matched');
      const sent = await books.post('/invoices/123/status/sent', {});
      assert.deepEqual([sent.status, sent.body.message], [400, 'cannot']);
    } finally {
      zoho.faults.clear();
    }
  });

  it('loses the response after the change was committed', async () => {
    zoho.resetLimits();
    zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/books/v3/contacts' });
    await assert.rejects(books.post('/contacts', { contact_name: 'Committed But Unanswered' }));
    assert.ok(zoho.contacts(orgId).some((c) => c.contact_name === 'Committed But Unanswered'));
    const lost = zoho.calls.at(-1)!;
    assert.equal(lost.responseLost, true);
    assert.equal(lost.status, 201);
    const retry = await books.post('/contacts', { contact_name: 'Committed But Unanswered' });
    assert.equal(retry.body.code, 3062);
  });

  it('never records tokens', () => {
    assert.doesNotMatch(JSON.stringify(zoho.calls), /1000\.[0-9a-f]{32}/);
  });
});
