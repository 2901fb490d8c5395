import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headers as natsHeaders } from '@nats-io/nats-core';
import type { MsgHdrs } from '@nats-io/nats-core';
import { EncodedHeaders, encodedHeaders } from './encoded-headers';

const bytesOf = (headers: MsgHdrs) => Buffer.from((headers as unknown as EncodedHeaders).encode());

describe('encodedHeaders', () => {
  it('writes the bytes nats.js MsgHdrs would, for the same headers', () => {
    const fromClient = {
      'Connector-Connection-Id': '0d6c5a7e-1c1b-4b7e-9f0e-3c2f1d9a8b7c',
      'Connector-Topic': 'order.created',
      'Connector-Resource-Id': '727',
      'Connector-Source': '  https://shop.example/  ',
      'Connector-Received-At': '2026-11-28T03:04:05.678Z',
    };
    const own = { 'Nats-Msg-Id': 'c1:order.created:727:2026-11-28T03:04:05:abcdef', 'Nats-Expected-Stream': 'CONNECTOR' };
    const reference = natsHeaders();
    for (const [key, value] of Object.entries({ ...fromClient, ...own })) reference.append(key, value);
    assert.deepEqual(bytesOf(encodedHeaders(fromClient, own)), bytesOf(reference));
  });

  it('makes client values single-line ASCII, cut at 512 characters, and leaves out empty ones', () => {
    const text = bytesOf(encodedHeaders({ A: 'shöp\r\nX-Injected: 1', B: 'x'.repeat(600), C: '', D: undefined, E: '   ' })).toString('latin1');
    assert.equal(text, `NATS/1.0\r\nA: sh?p??X-Injected: 1\r\nB: ${'x'.repeat(512)}\r\n\r\n`);
  });

  it('keeps the product’s own values whole and refuses a line break in one', () => {
    const long = `id:${'y'.repeat(600)}`;
    assert.ok(bytesOf(encodedHeaders({}, { 'Nats-Msg-Id': long })).toString('latin1').includes(long));
    assert.throws(() => encodedHeaders({}, { 'Nats-Msg-Id': 'a\nb' }), /line break/);
  });

  it('refuses a header name nats.js would refuse', () => {
    assert.throws(() => encodedHeaders({ 'Bad:Name': 'x' }), /not a valid NATS header name/);
    assert.throws(() => encodedHeaders({ 'Bad Name': 'x' }), /not a valid NATS header name/);
  });
});
