import assert from 'node:assert/strict';
import dns from 'node:dns';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createPublicHttpExchange, type Logger } from '@connector/common';
import { startStubServer, StubServer } from '@connector/testing';
import type { TokenServiceConfig } from '../token-service.config';
import { AlertSender } from './alert-sender';

/*
 * Where alerts may be posted. A stub webhook on loopback stands in for an internal service; names
 * other than `localhost` resolve through a stub (this machine has no DNS for public names).
 */

interface Logged {
  level: 'info' | 'warn';
  fields: Record<string, unknown>;
  message: string;
}

function recordingLogger(logged: Logged[]): Logger {
  const at = (level: Logged['level']) => (fields: Record<string, unknown>, message: string) => logged.push({ level, fields, message });
  return { info: at('info'), warn: at('warn') } as unknown as Logger;
}

const CONTEXT = { connectionId: 'conn-1', cause: 'failed-orders' };

describe('AlertSender and private addresses', () => {
  let hook: StubServer;
  let port: string;
  let logged: Logged[];

  const sender = (allowPrivate: boolean, exchange?: Parameters<typeof createPublicHttpExchange>[0]) =>
    new AlertSender({ ALLOW_PRIVATE_ENDPOINTS: allowPrivate } as TokenServiceConfig, recordingLogger(logged), exchange && createPublicHttpExchange(exchange));

  function assertNoSecretLogged(): void {
    assert.doesNotMatch(JSON.stringify(logged), /SECRET|services\/T000/, 'the alert URL path is a credential');
  }

  before(async () => {
    hook = await startStubServer(() => ({ raw: 'ok' }));
    port = new URL(hook.url).port;
  });
  after(() => hook.close());
  beforeEach(() => {
    hook.requests.length = 0;
    logged = [];
  });

  it('posts to http://localhost:<port> (a name, not a literal) when private endpoints are allowed', async () => {
    assert.equal(await sender(true).send(`http://localhost:${port}/services/T000/B000/SECRET`, 'Connector — Acme: 2 orders could not be invoiced', CONTEXT), true);
    assert.equal(hook.requests.length, 1);
    const request = hook.requests[0]!;
    assert.deepEqual([request.method, request.path, request.headers['content-type']], ['POST', '/services/T000/B000/SECRET', 'application/json']);
    assert.deepEqual(JSON.parse(request.body), { text: 'Connector — Acme: 2 orders could not be invoiced' });
    assert.deepEqual(logged.map((entry) => [entry.level, entry.message, entry.fields.host]), [['info', 'alert sent', `localhost:${port}`]]);
    assertNoSecretLogged();
  });

  it('refuses http://localhost:<port> when they are not allowed, without a request', async () => {
    assert.equal(await sender(false).send(`http://localhost:${port}/services/T000/B000/SECRET`, 'text', CONTEXT), false);
    assert.equal(await sender(false).send(`https://localhost:${port}/services/T000/B000/SECRET`, 'text', CONTEXT), false);
    assert.deepEqual(logged.map((entry) => entry.message), ['alert not sent: the alert webhook URL must use https', 'alert not sent: the alert webhook URL points at a private or loopback address']);
    assert.equal(hook.requests.length, 0);
    assertNoSecretLogged();
  });

  it('refuses a public-looking name that resolves to loopback when the alert is sent (DNS rebinding)', async () => {
    let address = '93.184.215.14';
    const rebinding = sender(false, async () => [{ address, family: 4 }]);
    address = '127.0.0.1';
    assert.equal(await rebinding.send(`https://alerts.example.com:${port}/services/T000/B000/SECRET`, 'text', CONTEXT), false);
    assert.equal(hook.requests.length, 0);
    const [entry] = logged;
    assert.equal(entry?.message, 'alert could not be delivered');
    assert.equal(entry?.fields.host, `alerts.example.com:${port}`);
    assert.match(String(entry?.fields.err), /^alert was not sent: alerts\.example\.com resolves to 127\.0\.0\.1 \(loopback\), which is not a public address/);
    assertNoSecretLogged();
  });

  describe('by default (no exchange given)', () => {
    const realLookup = dns.promises.lookup;
    afterEach(() => {
      dns.promises.lookup = realLookup;
    });

    it('checks what the alert host resolves to when private endpoints are not allowed', async () => {
      dns.promises.lookup = (async () => [{ address: '169.254.169.254', family: 4 }]) as unknown as typeof dns.promises.lookup;
      assert.equal(await sender(false).send('https://alerts.example.com/services/T000/B000/SECRET', 'text', CONTEXT), false);
      assert.match(String(logged[0]?.fields.err), /alerts\.example\.com resolves to 169\.254\.169\.254 \(link-local \(cloud metadata\)\)/);
      assertNoSecretLogged();
    });
  });
});
