import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pingZoho } from './ping';
import type { ZohoSession } from './session';
import { zohoFixture } from './testing/zoho-fixtures';
import { startStubServer, StubReply, StubServer } from '@connector/testing';

const organizations = zohoFixture('organizations-list-response.json');

describe('pingZoho', () => {
  let server: StubServer;
  let reply: StubReply;
  let session: ZohoSession;

  before(async () => {
    server = await startStubServer(() => reply);
    session = { getAccessToken: async () => ({ accessToken: 't', apiDomain: server.url }), invalidate: async () => undefined };
  });
  after(() => server.close());

  it('reports the organization the connection uses', async () => {
    reply = { json: organizations };
    assert.deepEqual(await pingZoho({ session, organizationId: '20059876543', allowPrivate: true }), {
      ok: true,
      organization: { id: '20059876543', name: 'Example Shop Sandbox', currencyCode: 'GBP' },
    });
    assert.deepEqual(await pingZoho({ session, allowPrivate: true }), {
      ok: true,
      organization: { id: '20051234567', name: 'Example Shop Ltd', currencyCode: 'GBP' },
    });
  });

  it("returns Zoho's refusal in words instead of throwing", async () => {
    reply = { status: 401, json: { code: 57, message: 'You are not authorized to perform this operation' } };
    const result = await pingZoho({ session, organizationId: '20051234567', allowPrivate: true });
    assert.equal(result.ok, false);
    assert.match((result as { error: string }).error, /You are not authorized to perform this operation/);
  });

  it('names an organization the user cannot reach', async () => {
    reply = { json: organizations };
    const result = await pingZoho({ session, organizationId: '1', allowPrivate: true });
    assert.equal(result.ok, false);
    assert.match((result as { error: string }).error, /organization 1 is not one this Zoho user can access/);
  });
});
