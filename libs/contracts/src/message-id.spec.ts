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
});
