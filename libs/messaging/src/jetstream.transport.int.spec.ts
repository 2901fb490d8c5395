import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { jetstream } from '@nats-io/jetstream';
import { createLogger, msUntilCallDeadline, PermanentError, TransientError, withCallDeadline } from '@connector/common';
import { createServer, Server as TcpServer, Socket } from 'node:net';
import { HEADERS, rpcSubject, subjects } from '@connector/contracts';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { sleep } from '@connector/common';
import type { Topology } from '@connector/contracts';
import { connectNats } from './nats-connection';
import { ensureAuditStream } from './provisioning';
import { DeadLetterSink } from './dead-letter-sink';
import { InboundEvent } from './inbound-event';
import { JetStreamTransport } from './jetstream.transport';
import { NatsRpcClient } from './rpc-client';
import { attachTransport } from './attach-transport';

/** Behaviour of the test handler per order id: how many times to fail, and how. */
const script = new Map<number, { failures: number; error: () => Error }>();
const handled: Array<{ id: number; seq: number; deliveryCount: number }> = [];

@Controller()
class TestHandlers {
  @EventPattern('orders')
  async orders(@Payload() event: InboundEvent<{ id: number }>) {
    const plan = script.get(event.body.id);
    handled.push({ id: event.body.id, seq: event.seq, deliveryCount: event.deliveryCount });
    if (plan && plan.failures > 0) {
      plan.failures--;
      throw plan.error();
    }
  }

  @MessagePattern('test.slow')
  async slow(@Payload() body: { ms: number }) {
    await sleep(body.ms);
    return { slept: body.ms };
  }

  @MessagePattern('test.deadline')
  deadline() {
    return { msLeft: msUntilCallDeadline() ?? null };
  }

  @MessagePattern('test.echo')
  echo(@Payload() body: { text: string }) {
    if (body.text === 'permanent') throw new PermanentError('no such thing');
    return { echoed: body.text.toUpperCase() };
  }
}

@Module({ controllers: [TestHandlers] })
class TestModule {}

class MemoryDeadLetters implements DeadLetterSink {
  letters: Array<{ streamSeq: number; reason: string; deliveries: number }> = [];
  resolved: number[] = [];
  async upsert(letter: { streamSeq: number; reason: string; deliveries: number }) {
    this.letters.push(letter);
  }
  async resolve(_consumer: string, seq: number) {
    this.resolved.push(seq);
  }
  async resolveMany(_consumer: string, seqs: readonly number[]) {
    this.resolved.push(...seqs);
  }
}

// (libs/testing builds on this lib, so this test carries its own small helpers.)
interface TestTopology { topology: Topology; nc: NatsConnection; destroy(): Promise<void> }

async function createTestTopology(): Promise<TestTopology> {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const topology = { stream: `TEST_${id.toUpperCase()}`, subjectPrefix: `test-${id}` };
  const nc = await connectNats(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', `test-${id}`);
  await ensureAuditStream(await jetstreamManager(nc), topology);
  return {
    topology,
    nc,
    async destroy() {
      await (await jetstreamManager(nc)).streams.delete(topology.stream).catch(() => undefined);
      await nc.drain();
    },
  };
}

/**
 * A TCP relay in front of the shared NATS server whose connections the test can cut, as a server
 * crash or a network drop would: the client sees a real disconnect and reconnects through it.
 */
async function startRelay(target: URL): Promise<{ url: string; cut(): void; down(): void; up(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let refusing = false;
  const server: TcpServer = createServer((inbound) => {
    if (refusing) {
      inbound.destroy();
      return;
    }
    const outbound = new Socket().connect(Number(target.port || 4222), target.hostname);
    for (const [a, b] of [[inbound, outbound], [outbound, inbound]] as const) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `nats://127.0.0.1:${port}`,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    /** Cuts every connection and refuses new ones until `up`: NATS unreachable for a while. */
    down: () => {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    up: () => {
      refusing = false;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function eventually(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

describe('JetStreamTransport against a real JetStream', () => {
  let topo: TestTopology;
  let app: INestApplication;
  const deadLetters = new MemoryDeadLetters();

  before(async () => {
    topo = await createTestTopology();
    app = await NestFactory.create(TestModule, { logger: false });
    attachTransport(
      app,
      new JetStreamTransport({
        connection: topo.nc,
        topology: topo.topology,
        consumers: [
          {
            durable: 'test-orders',
            pattern: 'orders',
            filterSubject: subjects.resourceFilter(topo.topology, 'order'),
            ackWaitMs: 5_000,
            maxDeliver: 3,
            maxAckPending: 100,
            concurrency: 4,
          },
        ],
        queueGroup: 'test',
        retry: { backoff: { initialDelayMs: 50, maxDelayMs: 200, multiplier: 2, jitter: 0 }, maxDeliver: 3 },
        deadLetters,
        logger: createLogger('test', 'silent'),
      }),
    );
    await app.startAllMicroservices();
  });

  after(async () => {
    await app?.close();
    await topo?.destroy();
  });

  const publish = async (id: number) => {
    const js = jetstream(topo.nc);
    const ack = await js.publish(subjects.delivery(topo.topology, 'conn-1', 'order', 'created'), JSON.stringify({ id }));
    return ack.seq;
  };

  test('a successful handler acks once', async () => {
    const seq = await publish(1);
    await eventually(() => handled.some((h) => h.seq === seq));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(handled.filter((h) => h.seq === seq).length, 1);
  });

  test('a transient failure is retried with backoff and then succeeds; its dead letter is resolved', async () => {
    script.set(2, { failures: 2, error: () => new TransientError('zoho 503') });
    const seq = await publish(2);
    await eventually(() => handled.filter((h) => h.seq === seq).length === 3);
    assert.deepEqual(handled.filter((h) => h.seq === seq).map((h) => h.deliveryCount), [1, 2, 3]);
    await eventually(() => deadLetters.resolved.includes(seq));
    assert.equal(deadLetters.letters.filter((l) => l.streamSeq === seq).length, 0);
  });

  test('a permanent failure is dead-lettered at once with its reason and not redelivered', async () => {
    script.set(3, { failures: 99, error: () => new PermanentError('tax "Eco 7%" has no Zoho tax') });
    const seq = await publish(3);
    await eventually(() => deadLetters.letters.some((l) => l.streamSeq === seq));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(handled.filter((h) => h.seq === seq).length, 1);
    assert.match(deadLetters.letters.find((l) => l.streamSeq === seq)!.reason, /Eco 7%/);
    // Terminated, not merely left pending: a term the server ignored would come back after ack_wait.
    const consumer = await (await jetstreamManager(topo.nc)).consumers.info(topo.topology.stream, 'test-orders');
    assert.equal(consumer.num_ack_pending, 0);
  });

  test('a transient failure that never heals is dead-lettered after max deliveries', async () => {
    script.set(4, { failures: 99, error: () => new Error('socket hang up') });
    const seq = await publish(4);
    await eventually(() => deadLetters.letters.some((l) => l.streamSeq === seq));
    const letter = deadLetters.letters.find((l) => l.streamSeq === seq)!;
    assert.equal(letter.deliveries, 3);
    assert.match(letter.reason, /gave up after 3 deliveries: socket hang up/);
  });

  test('a retried copy that succeeds resolves the original dead letter', async () => {
    script.set(5, { failures: 1, error: () => new PermanentError('fix me first') });
    const seq = await publish(5);
    await eventually(() => deadLetters.letters.some((l) => l.streamSeq === seq));
    const js = jetstream(topo.nc);
    const h = natsHeaders();
    h.set(HEADERS.retryOf, String(seq));
    await js.publish(subjects.delivery(topo.topology, 'conn-1', 'order', 'created'), JSON.stringify({ id: 5 }), { headers: h });
    await eventually(() => deadLetters.resolved.includes(seq));
  });

  test('RPC handlers answer over core NATS with errors keeping their class', async () => {
    const rpc = new NatsRpcClient(topo.nc, topo.topology, 2_000);
    assert.deepEqual(await rpc.call('test.echo', { text: 'hi' }), { echoed: 'HI' });
    await assert.rejects(rpc.call('test.echo', { text: 'permanent' }), (e: Error) => e instanceof PermanentError && /no such thing/.test(e.message));
    await assert.rejects(rpc.call('test.nobody', {}, 500), (e: Error) => e instanceof TransientError);
  });

  test("an RPC handler runs with its caller's deadline, and calls it makes wait no longer", async () => {
    const rpc = new NatsRpcClient(topo.nc, topo.topology, 2_000);
    const { msLeft } = await rpc.call<{ msLeft: number }>('test.deadline', {});
    assert.ok(msLeft > 1_000 && msLeft <= 2_000, `handler saw ${msLeft} ms left of a 2000 ms call`);

    // Inside a call with 300 ms left, a call to a silent service gives up with it, not after 2 s.
    const silent = topo.nc.subscribe(rpcSubject(topo.topology, 'test.silent'), { callback: () => undefined });
    const started = Date.now();
    await assert.rejects(withCallDeadline(Date.now() + 300, () => rpc.call('test.silent', {})), (e: Error) => e instanceof TransientError);
    assert.ok(Date.now() - started < 1_500, `nested call waited ${Date.now() - started} ms`);
    // With the caller's time already up, nothing is sent.
    await assert.rejects(withCallDeadline(Date.now() - 1, () => rpc.call('test.echo', { text: 'late' })), (e: TransientError) => e.code === 'caller_gave_up');
    silent.unsubscribe();
  });

  test('calls waiting when the connection to NATS drops, or made while it is down, fail then instead of at their timeout', async () => {
    const relay = await startRelay(new URL(process.env.NATS_URL ?? 'nats://127.0.0.1:4222'));
    const nc = await connectNats(relay.url, 'test-relay');
    let disconnects = 0;
    void (async () => {
      for await (const status of nc.status()) if (status.type === 'disconnect') disconnects++;
    })();
    const silent = topo.nc.subscribe(rpcSubject(topo.topology, 'test.silent'), { callback: () => undefined });
    await topo.nc.flush();
    try {
      const rpc = new NatsRpcClient(nc, topo.topology, 20_000);
      const started = Date.now();
      const waiting = rpc.call('test.silent', {});
      await sleep(200);
      relay.cut();
      await assert.rejects(waiting, (e: Error) => e instanceof TransientError && /connection to NATS (lost|reestablished)/.test(e.message));
      assert.ok(Date.now() - started < 5_000, `failed after ${Date.now() - started} ms, not at the disconnect`);
      // The client reconnects through the relay on its own; a call is answered again.
      let answer: unknown;
      for (const until = Date.now() + 10_000; answer === undefined && Date.now() < until; ) {
        answer = await rpc.call('test.echo', { text: 'back' }, 1_000).catch(() => sleep(100));
      }
      assert.deepEqual(answer, { echoed: 'BACK' });

      // A call made while NATS is unreachable is sent from the reconnect buffer, racing the
      // responders' own reconnect: it fails when the connection is back, and the caller asks again.
      relay.down();
      await eventually(() => disconnects > 1, 5_000);
      const madeWhileDown = rpc.call('test.silent', {});
      await sleep(300);
      relay.up();
      await assert.rejects(madeWhileDown, (e: Error) => e instanceof TransientError && /connection to NATS reestablished/.test(e.message));
    } finally {
      silent.unsubscribe();
      await nc.close();
      await relay.close();
    }
  });

  test('a call longer than the heartbeat limit is answered while its callee says it is working; a callee gone silent fails it early', async () => {
    // Heartbeats every 100 ms: silence for 500 ms means the callee is gone.
    const rpc = new NatsRpcClient(topo.nc, topo.topology, 20_000, { heartbeatMs: 100 });
    assert.deepEqual(await rpc.call('test.slow', { ms: 1_200 }), { slept: 1_200 });

    // A responder that takes the request and then neither answers nor beats, as a killed process.
    const gone = topo.nc.subscribe(rpcSubject(topo.topology, 'test.gone'), { callback: () => undefined });
    await topo.nc.flush();
    const started = Date.now();
    await assert.rejects(rpc.call('test.gone', {}), (e: Error) => e instanceof TransientError && /no sign of work for 500 ms/.test(e.message));
    const waited = Date.now() - started;
    assert.ok(waited >= 450 && waited < 3_000, `failed after ${waited} ms`);
    gone.unsubscribe();

    // Nobody subscribed at all: NATS says so at once.
    const noOne = Date.now();
    await assert.rejects(rpc.call('test.nobody', {}), (e: Error) => e instanceof TransientError && /no responders/.test(e.message));
    assert.ok(Date.now() - noOne < 400);
  });
});
