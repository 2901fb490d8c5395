import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { deliveryMessageId } from './message-id';

describe('deliveryMessageId', () => {
  const base = { connectionId: 'c1', topic: 'order.updated', resourceId: 727, modifiedGmt: '2026-11-28T03:04:05' };

  it('names a snapshot by resource, modification time and a hash of its exact bytes', () => {
    const body = Buffer.from('{"id":727,"status":"processing"}');
    const hex = createHash('sha256').update(body).digest('hex');
    assert.equal(deliveryMessageId({ ...base, rawBody: body }), `c1:order.updated:727:2026-11-28T03:04:05:${hex.slice(0, 24)}`);
    assert.equal(deliveryMessageId({ ...base, rawBody: Buffer.from(body) }), deliveryMessageId({ ...base, rawBody: body }), 'the same bytes again: the same id');
  });

  it('keeps two snapshots of the same second apart by their bytes', () => {
    const processing = deliveryMessageId({ ...base, rawBody: Buffer.from('{"id":727,"status":"processing"}') });
    const cancelled = deliveryMessageId({ ...base, rawBody: Buffer.from('{"id":727,"status":"cancelled"}') });
    assert.notEqual(processing, cancelled);
  });

  it('uses a digest the caller already has, in the same form', () => {
    const digest = createHash('sha256').update('x').digest();
    assert.equal(deliveryMessageId({ ...base, bodyDigest: digest }), `c1:order.updated:727:2026-11-28T03:04:05:${digest.toString('hex').slice(0, 24)}`);
    assert.equal(deliveryMessageId({ ...base, bodyDigest: digest }), deliveryMessageId({ ...base, rawBody: Buffer.from('x') }));
  });

  it('says none for what a delivery lacks', () => {
    assert.match(deliveryMessageId({ connectionId: 'c1', topic: 'order.created', resourceId: null, rawBody: Buffer.from('{}') }), /^c1:order\.created:none:none:[0-9a-f]{24}$/);
  });

  it('hashes a part that is not short printable ASCII, so an odd but signed delivery still gets a one-line, bounded id', () => {
    const body = Buffer.from('{}');
    const odd = deliveryMessageId({ connectionId: 'c1', topic: 'order.updated', resourceId: '7\r\n27', modifiedGmt: 'x'.repeat(600_000), rawBody: body });
    assert.match(odd, /^c1:order\.updated:h[0-9a-f]{16}:h[0-9a-f]{16}:[0-9a-f]{24}$/);
    assert.equal(deliveryMessageId({ connectionId: 'c1', topic: 'order.updated', resourceId: '7\r\n27', modifiedGmt: 'x'.repeat(600_000), rawBody: body }), odd, 'equal values, equal ids');
    assert.notEqual(deliveryMessageId({ connectionId: 'c1', topic: 'order.updated', resourceId: '7\n27', modifiedGmt: 'x', rawBody: body }), odd);
    assert.match(deliveryMessageId({ connectionId: 'c1', topic: 'ordér.updated', resourceId: 1, rawBody: body }), /^c1:h[0-9a-f]{16}:1:none:/);
  });
});
