import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { msUntilCallDeadline, withCallDeadline } from '@connector/common';
import type { ZohoSessionReply } from '@connector/contracts';
import type { NatsRpcClient } from '@connector/messaging';
import { PlatformMetrics } from '../metrics';
import type { PlatformConfig } from '../platform.config';
import { ZohoClientFactory } from './zoho-client.factory';

/**
 * A token-service stand-in whose answers the test releases one by one. With `holdInvalidations`,
 * invalidations wait for `heard` too.
 */
function tokenService(options: { holdInvalidations?: boolean } = {}) {
  const asked: Array<{ resolve: (reply: ZohoSessionReply) => void; reject: (error: Error) => void }> = [];
  const invalidated: string[] = [];
  const heard: Array<() => void> = [];
  let minted = 0;
  const rpc = {
    call: (name: string, body: { accessToken?: string }) => {
      if (name.endsWith('invalidate')) {
        invalidated.push(body.accessToken!);
        return options.holdInvalidations ? new Promise((resolve) => heard.push(() => resolve(null))) : Promise.resolve(null);
      }
      return new Promise((resolve, reject) => asked.push({ resolve, reject }));
    },
  } as unknown as NatsRpcClient;
  const session = (): ZohoSessionReply => ({
    accessToken: `token-${++minted}`,
    apiDomain: 'https://www.zohoapis.eu',
    organizationId: '10234695',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  return { rpc, asked, invalidated, heard, session };
}

function factory(rpc: NatsRpcClient): ZohoClientFactory {
  const config = { ALLOW_PRIVATE_ENDPOINTS: false, ZOHO_MAX_CALLS_IN_FLIGHT: 5 } as PlatformConfig;
  return new ZohoClientFactory(rpc, {} as DataSource, new PlatformMetrics('test'), config, 'test');
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('callers of one connection share one token-service request, and the session is reused afterwards', async () => {
  const tokens = tokenService();
  const clients = factory(tokens.rpc);
  const three = Promise.all([1, 2, 3].map(() => clients.forConnection('c-1')));
  await tick();
  assert.equal(tokens.asked.length, 1, 'one request for three callers');
  tokens.asked[0].resolve(tokens.session());
  assert.deepEqual((await three).map((client) => client.organizationId), ['10234695', '10234695', '10234695']);
  await clients.forConnection('c-1');
  assert.equal(tokens.asked.length, 1, 'the cached session answers');
  void clients.forConnection('c-2');
  await tick();
  assert.equal(tokens.asked.length, 2, 'another connection has its own');
});

test('a failed request reaches every caller sharing it, and the next caller asks again', async () => {
  const tokens = tokenService();
  const clients = factory(tokens.rpc);
  const two = Promise.allSettled([clients.forConnection('c-1'), clients.forConnection('c-1')]);
  await tick();
  tokens.asked[0].reject(new Error('token-service did not answer'));
  assert.deepEqual((await two).map((r) => r.status), ['rejected', 'rejected']);
  const next = clients.forConnection('c-1');
  await tick();
  assert.equal(tokens.asked.length, 2);
  tokens.asked[1].resolve(tokens.session());
  await next;
});

test('after a refused token, a request already under way does not bring the refused session back', async () => {
  const tokens = tokenService();
  const clients = factory(tokens.rpc);
  const first = clients.forConnection('c-1');
  await tick();
  tokens.asked[0].resolve(tokens.session());
  const client = await first;
  // A session request starts (another caller), then a call's token is refused and invalidated.
  const session = (client as unknown as { session: { getAccessToken(): Promise<unknown>; invalidate(token: string): Promise<void> } }).session;
  (clients as unknown as { sessions: Map<string, unknown> }).sessions.clear();
  const underWay = session.getAccessToken();
  await tick();
  await session.invalidate('token-1');
  assert.deepEqual(tokens.invalidated, ['token-1']);
  const afterRefusal = session.getAccessToken();
  await tick();
  assert.equal(tokens.asked.length, 3, 'the caller after the refusal asks anew instead of joining');
  tokens.asked[1].resolve(tokens.session()); // token-2: minted before the refusal was known
  tokens.asked[2].resolve(tokens.session()); // token-3
  assert.deepEqual(await underWay, { accessToken: 'token-2', apiDomain: 'https://www.zohoapis.eu' });
  assert.deepEqual(await afterRefusal, { accessToken: 'token-3', apiDomain: 'https://www.zohoapis.eu' });
  assert.deepEqual(await session.getAccessToken(), { accessToken: 'token-3', apiDomain: 'https://www.zohoapis.eu' }, 'the newer session is the one kept');
  assert.equal(tokens.asked.length, 3);
});

test('a session asked for while the refusal is on its way to token-service is not handed to the caller that refused it', async () => {
  const tokens = tokenService({ holdInvalidations: true });
  const clients = factory(tokens.rpc);
  const first = clients.forConnection('c-1');
  await tick();
  tokens.asked[0].resolve(tokens.session());
  const client = await first;
  const session = (client as unknown as { session: { getAccessToken(): Promise<{ accessToken: string }>; invalidate(token: string): Promise<void> } }).session;
  const reporting = session.invalidate('token-1');
  await tick();
  // Another call of this process asks meanwhile; token-service has not heard yet, so it answers token-1 still.
  const meanwhile = session.getAccessToken();
  await tick();
  tokens.asked[1].resolve({ ...tokens.session(), accessToken: 'token-1' });
  assert.equal((await meanwhile).accessToken, 'token-1');
  tokens.heard[0]();
  await reporting;
  const next = session.getAccessToken();
  await tick();
  assert.equal(tokens.asked.length, 3, 'asked anew once token-service knows');
  tokens.asked[2].resolve(tokens.session());
  assert.notEqual((await next).accessToken, 'token-1');
});

test('the shared request is not bound to the deadline of the caller that started it', async () => {
  const seen: Array<number | undefined> = [];
  const rpc = {
    call: async () => {
      seen.push(msUntilCallDeadline());
      return { accessToken: 't', apiDomain: 'https://www.zohoapis.eu', organizationId: '1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
    },
  } as unknown as NatsRpcClient;
  await withCallDeadline(Date.now() + 100, () => factory(rpc).forConnection('c-1'));
  assert.deepEqual(seen, [undefined]);
});
