import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { createLogger, sleep, TransientError } from '@connector/common';
import { subjects, Topology } from '@connector/contracts';
import { connectNats } from './nats-connection';
import { ensureAuditStream } from './provisioning';
import { DeadLetterSink } from './dead-letter-sink';
import { InboundEvent } from './inbound-event';
import { JetStreamTransport } from './jetstream.transport';

/**
 * Events put back to wait (here: organization A's daily Zoho quota is spent for hours) stay in the
 * consumer's ack-pending set. Once that set reaches max_ack_pending, JetStream delivers nothing more
 * on the shared durable consumer: connection B's events wait for A's block to lift.
 */

/** The MAX_ACK_PENDING default of the sync services (libs/platform builds on this lib). */
const PROVISIONED_MAX_ACK_PENDING = 20_000;
const DAILY_BLOCK_MS = 13 * 60 * 60_000;

class NoDeadLetters implements DeadLetterSink {
  async upsert(letter: { reason: string }): Promise<void> {
    throw new Error(`no event should be dead-lettered here: ${letter.reason}`);
  }
  async resolve(): Promise<void> {}
  async resolveMany(): Promise<void> {}
}

interface Harness {
  topology: Topology;
  nc: NatsConnection;
  transport: JetStreamTransport;
  handled: Map<string, number>;
  destroy(): Promise<void>;
}

/** A fresh stream and one instance of a service whose handler finds organization A blocked. */
async function startService(maxAckPending: number): Promise<Harness> {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const topology = { stream: `TEST_${id.toUpperCase()}`, subjectPrefix: `test-${id}` };
  const nc = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', `test-${id}`);
  await ensureAuditStream(await jetstreamManager(nc), topology);
  const handled = new Map<string, number>();
  const transport = new JetStreamTransport({
    connection: nc,
    topology,
    consumers: [
      {
        durable: 'held',
        pattern: 'orders',
        filterSubject: subjects.resourceFilter(topology, 'order'),
        ackWaitMs: 30_000,
        maxDeliver: 20,
        maxAckPending,
        concurrency: 8,
      },
    ],
    queueGroup: 'test-held',
    retry: { backoff: { initialDelayMs: 50, maxDelayMs: 200, multiplier: 2, jitter: 0 }, maxDeliver: 20, blockWaitDeliveries: 30 },
    deadLetters: new NoDeadLetters(),
    logger: createLogger('test', 'silent'),
  });
  transport.addHandler(
    'orders',
    async (event: InboundEvent<{ id: number }>) => {
      handled.set(event.connectionId, (handled.get(event.connectionId) ?? 0) + 1);
      if (event.connectionId === 'conn-a') {
        throw new TransientError('Zoho rate-limited organization a (429)', { code: 'rate_limited', retryAfterMs: DAILY_BLOCK_MS });
      }
    },
    true,
  );
  await new Promise<void>((resolve, reject) => transport.listen((error?: unknown) => (error ? reject(error) : resolve())));
  return {
    topology,
    nc,
    transport,
    handled,
    async destroy() {
      await transport.close();
      await (await jetstreamManager(nc)).streams.delete(topology.stream).catch(() => undefined);
      await nc.drain();
    },
  };
}

async function publish(h: Harness, connectionId: string, count: number): Promise<void> {
  const js = jetstream(h.nc);
  for (let id = 1; id <= count; id++) {
    await js.publish(subjects.delivery(h.topology, connectionId, 'order', 'created'), JSON.stringify({ id }));
  }
}

async function eventually(probe: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

const ackPending = async (h: Harness) => (await (await jetstreamManager(h.nc)).consumers.info(h.topology.stream, 'held')).num_ack_pending;

describe('events held by one blocked organization', () => {
  test('with a small max_ack_pending they stall every other connection on the consumer', async () => {
    const h = await startService(20);
    try {
      await publish(h, 'conn-a', 25);
      await eventually(async () => h.handled.get('conn-a') === 20 && (await ackPending(h)) === 20);
      await publish(h, 'conn-b', 1);
      // Nothing can arrive while the pending set is full: give JetStream time to prove it.
      await sleep(2_000);
      assert.equal(h.handled.get('conn-b'), undefined, "B's event waits behind A's held ones");
      assert.equal(h.handled.get('conn-a'), 20);
    } finally {
      await h.destroy();
    }
  });

  test('with the provisioned max_ack_pending another connection is handled while hundreds of events wait out a block', async () => {
    const h = await startService(PROVISIONED_MAX_ACK_PENDING);
    try {
      await publish(h, 'conn-a', 300);
      await eventually(async () => h.handled.get('conn-a') === 300 && (await ackPending(h)) === 300);
      await publish(h, 'conn-b', 1);
      await eventually(() => h.handled.get('conn-b') === 1, 5_000);
      assert.equal(await ackPending(h), 300, "A's events are still held, each once, for the rest of the block");
      assert.equal(h.handled.get('conn-a'), 300);
    } finally {
      await h.destroy();
    }
  });
});
