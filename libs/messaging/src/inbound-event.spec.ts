import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { HEADERS, subjects, Topology } from '@connector/contracts';
import { toInboundEvent } from './inbound-event';

const topology: Topology = { stream: 'TEST', subjectPrefix: 'test' };

/** A stored delivery as the JetStream client hands it over (only what toInboundEvent reads). */
function storedMessage(values: Array<[string, string]>, body = '{"id":727}'): JsMsg {
  const h = natsHeaders();
  for (const [key, value] of values) h.append(key, value);
  const data = Buffer.from(body);
  return {
    subject: subjects.delivery(topology, 'c1', 'order', 'updated'),
    seq: 42,
    info: { stream: 'TEST', deliveryCount: 2 },
    headers: h,
    data,
    json: () => JSON.parse(data.toString('utf8')),
  } as unknown as JsMsg;
}

describe('toInboundEvent', () => {
  it('reads the route from the subject and each Connector header once', () => {
    const event = toInboundEvent(topology, storedMessage([
      [HEADERS.topic, 'order.updated'],
      [HEADERS.msgId, 'c1:order.updated:727:x'],
      [HEADERS.resourceId, '727'],
      [HEADERS.correlationId, 'corr-1'],
      [HEADERS.receivedAt, '2026-11-28T03:04:05.000Z'],
      [HEADERS.retryOf, '17'],
    ]));
    assert.deepEqual(
      { ...event, raw: undefined },
      {
        stream: 'TEST', seq: 42, subject: 'test.c1.order.updated', connectionId: 'c1', resource: 'order', event: 'updated',
        topic: 'order.updated', msgId: 'c1:order.updated:727:x', resourceId: '727', correlationId: 'corr-1',
        receivedAt: '2026-11-28T03:04:05.000Z', deliveryCount: 2, retryOf: 17, body: { id: 727 }, raw: undefined,
      },
    );
  });

  it('takes a header given twice by its first value, and an empty one as absent, as MsgHdrs.get does', () => {
    const event = toInboundEvent(topology, storedMessage([
      [HEADERS.resourceId, '727'],
      [HEADERS.resourceId, '728'],
      [HEADERS.correlationId, ''],
    ]));
    assert.equal(event.resourceId, '727');
    assert.equal(event.correlationId, null);
    assert.equal(event.topic, 'order.updated', 'no topic header: the subject names it');
    assert.equal(event.retryOf, null);
  });

  it('keeps the raw bytes and parses the body only when it is read', () => {
    let parses = 0;
    const msg = storedMessage([], 'not json');
    (msg as unknown as { json: () => unknown }).json = () => {
      parses++;
      throw new SyntaxError('not json');
    };
    const event = toInboundEvent(topology, msg);
    assert.equal(parses, 0);
    assert.equal(Buffer.from(event.raw).toString(), 'not json');
    assert.equal(event.body, undefined);
    assert.equal(event.body, undefined);
    assert.equal(parses, 1, 'parsed once, even when it is not JSON');
  });
});
