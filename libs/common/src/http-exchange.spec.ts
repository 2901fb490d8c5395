import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { TransientError } from './errors';
import { httpExchange } from './http-exchange';

/*
 * The failure mapping, with global fetch replaced. Timeouts and refused connections against a real
 * socket are covered by the WooCommerce and Zoho client tests.
 */

class StubUnavailableError extends TransientError {}

const unavailable = (message: string, options: { code: string; cause: unknown }): Error => new StubUnavailableError(message, options);

function failingFetch(error: unknown): void {
  globalThis.fetch = async () => {
    throw error;
  };
}

async function failure(): Promise<StubUnavailableError> {
  const error = await httpExchange('https://shop.example/wp-json/wc/v3/orders', {}, 1000, 'GET /orders', unavailable).then(
    () => assert.fail('expected the exchange to fail'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof StubUnavailableError, `expected the factory's error, got ${String(error)}`);
  return error;
}

describe('httpExchange', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('asks fetch not to follow redirects and hands back status, headers and text', async () => {
    let redirect: RequestInit['redirect'];
    globalThis.fetch = async (_url, init) => {
      redirect = init?.redirect;
      return new Response('moved', { status: 301, headers: { location: 'https://elsewhere.example/' } });
    };
    const raw = await httpExchange('https://shop.example/', {}, 1000, 'GET /', unavailable);
    assert.equal(redirect, 'manual');
    assert.equal(raw.status, 301);
    assert.equal(raw.headers.get('location'), 'https://elsewhere.example/');
    assert.equal(raw.text, 'moved');
  });

  it('names a network failure by its errno code', async () => {
    failingFetch(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }));
    const error = await failure();
    assert.equal(error.code, 'ECONNREFUSED');
    assert.equal(error.message, 'GET /orders could not reach shop.example: ECONNREFUSED');
  });

  it('without a code, gives the reason fetch hides in `cause`', async () => {
    const thrown = new TypeError('fetch failed', { cause: new Error('other side closed') });
    failingFetch(thrown);
    const error = await failure();
    assert.equal(error.code, 'network_error');
    assert.equal(error.message, 'GET /orders could not reach shop.example: other side closed');
    assert.equal(error.cause, thrown);
  });

  it('falls back to the error itself when there is no cause', async () => {
    failingFetch(new TypeError('fetch failed'));
    assert.equal((await failure()).message, 'GET /orders could not reach shop.example: fetch failed');
    failingFetch('not an Error');
    assert.equal((await failure()).message, 'GET /orders could not reach shop.example: not an Error');
  });
});
