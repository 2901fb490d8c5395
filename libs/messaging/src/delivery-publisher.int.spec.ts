import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { HEADERS, Topology } from '@connector/contracts';
import { DeliveryPublisher, PublishRejectedError } from './delivery-publisher';
import { connectNats } from './nats-connection';
import { ensureAuditStream } from './provisioning';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('DeliveryPublisher against real NATS JetStream', () => {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const topology: Topology = { stream: `TEST_PUB_${id.toUpperCase()}`, subjectPrefix: `test-pub-${id}` };
  let nc: NatsConnection;

  before(async () => {
    nc = await connectNats(NATS_URL, `test-pub-${id}`);
    await ensureAuditStream(await jetstreamManager(nc), topology);
  });

  after(async () => {
    await (await jetstreamManager(nc)).streams.delete(topology.stream).catch(() => undefined);
    await nc.drain();
  });

  const subject = () => `${topology.subjectPrefix}.c1.order.created`;
  const request = (n: number, msgId = `m-${id}-${n}`) => ({
    subject: subject(),
    body: Buffer.from(JSON.stringify({ id: n })),
    msgId,
    headers: { [HEADERS.connectionId]: 'c1', [HEADERS.topic]: 'order.created', [HEADERS.resourceId]: String(n), [HEADERS.source]: 'https://shöp.example/\n' },
  });

  test('publishes asked for in one turn are all stored, each answered with its own sequence', async () => {
    const publisher = new DeliveryPublisher(nc, topology);
    const acks = await Promise.all(Array.from({ length: 200 }, (_, n) => publisher.publish(request(n))));
    const seqs = acks.map((a) => a.seq);
    assert.equal(new Set(seqs).size, 200);
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, 'stored in the order asked');
    assert.ok(acks.every((a) => a.stream === topology.stream && a.duplicate === false));
    const jsm = await jetstreamManager(nc);
    const stored = await jsm.streams.getMessage(topology.stream, { seq: acks[7]!.seq });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(stored!.data)), { id: 7 });
    assert.equal(stored!.header.get('Nats-Msg-Id'), `m-${id}-7`);
    assert.deepEqual(stored!.header.values(HEADERS.msgId), [`m-${id}-7`], 'one message id header');
    assert.equal(stored!.header.get(HEADERS.source), 'https://sh?p.example/?', 'client header values are made single-line ASCII');
  });

  test('the same message id again is acknowledged as a duplicate with the first sequence', async () => {
    const publisher = new DeliveryPublisher(nc, topology);
    const first = await publisher.publish(request(1000, `dup-${id}`));
    const again = await publisher.publish(request(1000, `dup-${id}`));
    assert.equal(again.duplicate, true);
    assert.equal(again.seq, first.seq);
  });

  test('a subject no stream stores is refused at once (no responders)', async () => {
    const publisher = new DeliveryPublisher(nc, topology, 2_000);
    const started = Date.now();
    await assert.rejects(publisher.publish({ ...request(1), subject: `nowhere-${id}.x` }), /no JetStream stream/);
    assert.ok(Date.now() - started < 1_500);
  });

  test('a message for another stream than expected is refused with JetStream’s reason', async () => {
    const publisher = new DeliveryPublisher(nc, { ...topology, stream: `OTHER_${id.toUpperCase()}` });
    await assert.rejects(publisher.publish(request(2000)), (error: unknown) => {
      assert.ok(error instanceof PublishRejectedError);
      assert.match(error.message, /expected stream/i);
      return true;
    });
  });

  test('no acknowledgement in time rejects after the timeout, and a late answer is ignored', async () => {
    const silent = `silent-${id}.x`;
    const late: Array<() => void> = [];
    // A core subscriber that answers only after the timeout: the publish must not wait for it.
    const sub = nc.subscribe(silent, { callback: (_e, msg) => {
      late.push(() => msg.respond(JSON.stringify({ stream: topology.stream, seq: 1 })));
    } });
    await nc.flush();
    const publisher = new DeliveryPublisher(nc, topology, 300);
    const started = Date.now();
    await assert.rejects(publisher.publish({ ...request(1), subject: silent }), /did not acknowledge within 300 ms/);
    assert.ok(Date.now() - started < 1_000);
    late.forEach((answer) => answer());
    await nc.flush();
    sub.unsubscribe();
    const ack = await publisher.publish(request(3000));
    assert.equal(ack.stream, topology.stream, 'the publisher still works after a timeout');
  });

  test('a closed connection rejects instead of hanging', async () => {
    const own = await connectNats(NATS_URL, `test-pub-closed-${id}`);
    const publisher = new DeliveryPublisher(own, topology, 1_000);
    await own.close();
    await assert.rejects(publisher.publish(request(4000)));
  });
});
