import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TransientError } from './errors';
import { NonPublicAddressError, type ResolveAll } from './public-address-lookup';
import { createPublicHttpExchange, publicHttpExchange } from './public-http-exchange';

/*
 * A real local server stands in for an internal service; every test proves it was never reached.
 * Names other than `localhost` resolve through a stub (no DNS for public names here).
 */

class StubUnavailableError extends TransientError {}

const unavailable = (message: string, options: { code: string; cause: unknown }): Error => new StubUnavailableError(message, options);

async function refusal(promise: Promise<unknown>): Promise<StubUnavailableError> {
  const error = await promise.then(() => assert.fail('expected a refusal'), (thrown: unknown) => thrown);
  assert.ok(error instanceof StubUnavailableError, `expected the caller's error, got ${String(error)}`);
  return error;
}

describe('publicHttpExchange', () => {
  let server: Server;
  let port: number;
  let hits: number;

  before(async () => {
    server = createServer((_request, response) => {
      hits++;
      response.end('internal');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  beforeEach(() => {
    hits = 0;
  });

  it('refuses http://localhost:<port> (a name resolving to loopback) without sending a byte, naming the host, not the path', async () => {
    const error = await refusal(publicHttpExchange(`http://localhost:${port}/services/T000/B000/SECRET?token=x`, { method: 'POST', body: '{}' }, 1000, 'alert', unavailable));
    assert.equal(error.code, 'ERR_NON_PUBLIC_ADDRESS');
    assert.ok(error.cause instanceof NonPublicAddressError);
    assert.match(error.message, /^alert was not sent: localhost resolves to 127\.0\.0\.1 \(loopback\), which is not a public address/);
    assert.doesNotMatch(error.message, /SECRET|token|services/);
    assert.equal(hits, 0);
  });

  it('refuses IP literals, which node connects to without a lookup', async () => {
    for (const url of [`http://127.0.0.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://[::1]:${port}/`, 'http://169.254.169.254/latest/meta-data/', 'http://0x7f.1/']) {
      const error = await refusal(publicHttpExchange(url, {}, 1000, 'GET /', unavailable));
      assert.equal(error.code, 'ERR_NON_PUBLIC_ADDRESS', url);
      assert.match(error.message, /^GET \/ was not sent: .* is not a public address/, url);
    }
    assert.equal(hits, 0);
  });

  it('refuses a public-looking name when it resolves privately at call time (DNS rebinding)', async () => {
    let answer = '93.184.215.14';
    const rebinding: ResolveAll = async () => [{ address: answer, family: 4 }];
    const exchange = createPublicHttpExchange(rebinding);
    answer = '127.0.0.1'; // public when the URL was checked, loopback now
    const error = await refusal(exchange(`http://shop.example.com:${port}/wp-json/wc/v3/orders`, {}, 1000, 'WooCommerce GET /orders', unavailable));
    assert.equal(error.message, 'WooCommerce GET /orders was not sent: shop.example.com resolves to 127.0.0.1 (loopback), which is not a public address; only sandboxes and tests may call such hosts (ALLOW_PRIVATE_ENDPOINTS=true)');
    assert.equal(hits, 0);
  });

  it('checks every new connection, and reports other failures as the plain exchange does', async () => {
    const exchange = createPublicHttpExchange(async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN shop.example.com'), { code: 'EAI_AGAIN' });
    });
    const error = await refusal(exchange(`http://shop.example.com:${port}/`, {}, 1000, 'GET /', unavailable));
    assert.equal(error.code, 'EAI_AGAIN');
    assert.equal(error.message, `GET / could not reach shop.example.com:${port}: EAI_AGAIN`);
    assert.equal(hits, 0);
  });
});
