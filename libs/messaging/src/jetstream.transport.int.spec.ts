import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { AckPolicy, jetstream } from '@nats-io/jetstream';
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
import { ensureAuditStream, ensureDurableConsumer } from './provisioning';
import { missingConsumers } from './missing-consumers';
import { DeadLetterSink } from './dead-letter-sink';
import { InboundEvent } from './inbound-event';
import type { RetryHistory, RetryLedger } from './retry-ledger';
import { ConsumerBinding, JetStreamTransport } from './jetstream.transport';
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

/** A retry ledger kept in memory that can be made unreadable, and told how long the event has been failing. */
class ScriptedRetryLedger implements RetryLedger {
  unreadable = false;
  failedReads = 0;
  failingForMs = 0;
  private readonly histories = new Map<number, RetryHistory>();
  async read(_consumer: string, seq: number) {
    if (this.unreadable) {
      this.failedReads++;
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    }
    const history = this.histories.get(seq);
    return history && { ...history, failingForMs: this.failingForMs };
  }
  async record(_consumer: string, seq: number, kind: 'failure' | 'block') {
    const history = this.histories.get(seq) ?? { failures: 0, blockWaits: 0, failingForMs: 0 };
    this.histories.set(seq, kind === 'failure' ? { ...history, failures: history.failures + 1 } : { ...history, blockWaits: history.blockWaits + 1 });
  }
  async clear(_consumer: string, seq: number) {
    this.histories.delete(seq);
  }
}

/** A dead-letter store that is down for its first `failures` writes (PostgreSQL unreachable). */
class FlakyDeadLetters extends MemoryDeadLetters {
  constructor(private failures: number) {
    super();
  }
  override async upsert(letter: { streamSeq: number; reason: string; deliveries: number }) {
    if (this.failures-- > 0) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    await super.upsert(letter);
  }
}

function robustBinding(topology: Topology, overrides: Partial<ConsumerBinding> = {}): ConsumerBinding {
  return {
    durable: 'robust',
    pattern: 'orders',
    filterSubject: subjects.resourceFilter(topology, 'order'),
    ackWaitMs: 30_000,
    maxDeliver: 2,
    maxAckPending: 100,
    concurrency: 2,
    ...overrides,
  };
}

/** One instance of a service consuming `robust`, its handler called straight (no Nest app around it). */
async function startInstance(
  topo: TestTopology,
  handler: (event: InboundEvent<{ id: number }>) => Promise<void>,
  options: { binding?: Partial<ConsumerBinding>; deadLetters?: DeadLetterSink; provision?: boolean; retryLedger?: RetryLedger; retryWindowMs?: number } = {},
): Promise<JetStreamTransport> {
  const binding = robustBinding(topo.topology, options.binding);
  const transport = new JetStreamTransport({
    connection: topo.nc,
    topology: topo.topology,
    consumers: [binding],
    queueGroup: 'test-robust',
    retry: { backoff: { initialDelayMs: 50, maxDelayMs: 200, multiplier: 2, jitter: 0 }, maxDeliver: binding.maxDeliver, retryWindowMs: options.retryWindowMs },
    deadLetters: options.deadLetters ?? new MemoryDeadLetters(),
    retryLedger: options.retryLedger,
    deadLetterRetryMs: 200,
    provision: options.provision,
    logger: createLogger('test', 'silent'),
  });
  transport.addHandler('orders', (event: InboundEvent<{ id: number }>) => handler(event), true);
  await new Promise<void>((resolve, reject) => transport.listen((error?: unknown) => (error ? reject(error) : resolve())));
  return transport;
}

async function publishOrder(topo: TestTopology, id: number): Promise<number> {
  const ack = await jetstream(topo.nc).publish(subjects.delivery(topo.topology, 'conn-1', 'order', 'created'), JSON.stringify({ id }));
  return ack.seq;
}

async function consumerInfo(topo: TestTopology) {
  return (await jetstreamManager(topo.nc)).consumers.info(topo.topology.stream, 'robust');
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

describe('JetStreamTransport never loses an event, nor handles one twice, when things go wrong', () => {
  let topo: TestTopology;
  let instances: JetStreamTransport[];

  const start = async (...args: Parameters<typeof startInstance>) => {
    const transport = await startInstance(...args);
    instances.push(transport);
    return transport;
  };

  // Each test gets its own stream: some delete it.
  const fresh = async () => {
    topo = await createTestTopology();
    instances = [];
  };
  const cleanUp = async () => {
    await Promise.allSettled(instances.map((t) => t.close()));
    await topo?.destroy();
  };

  test('a consumer provisioned with a delivery limit is updated to none: JetStream itself never drops an event', async () => {
    await fresh();
    try {
      const jsm = await jetstreamManager(topo.nc);
      const binding = robustBinding(topo.topology);
      await jsm.consumers.add(topo.topology.stream, { durable_name: 'robust', ack_policy: AckPolicy.Explicit, filter_subject: binding.filterSubject, max_deliver: 2 });
      await ensureDurableConsumer(jsm, topo.topology.stream, binding);
      assert.equal((await consumerInfo(topo)).config.max_deliver, -1);
    } finally {
      await cleanUp();
    }
  });

  test('when the dead letter of the last delivery cannot be written, the event comes back until it is, without the handler running again', async () => {
    await fresh();
    try {
      const calls: number[] = [];
      const deadLetters = new FlakyDeadLetters(2);
      await start(topo, async (event) => {
        calls.push(event.deliveryCount);
        throw new TransientError('zoho 503');
      }, { deadLetters });
      const seq = await publishOrder(topo, 1);
      await eventually(() => deadLetters.letters.some((l) => l.streamSeq === seq));
      assert.deepEqual(calls, [1, 2]);
      const letter = deadLetters.letters.find((l) => l.streamSeq === seq)!;
      assert.equal(letter.deliveries, 4);
      assert.match(letter.reason, /delivered 4 times of 2: the handler never settled its earlier deliveries .* or their dead letter could not be written/);
      await eventually(() => deadLetters.letters.length === 1);
      const info = await consumerInfo(topo);
      assert.equal(info.num_ack_pending + info.num_pending, 0);
    } finally {
      await cleanUp();
    }
  });

  test('past MAX_DELIVER, an unreadable retry history puts the event back without running it; once readable, its window decides', async () => {
    await fresh();
    try {
      const calls: number[] = [];
      const deadLetters = new MemoryDeadLetters();
      const ledger = new ScriptedRetryLedger();
      await start(topo, async (event) => {
        calls.push(event.deliveryCount);
        throw new TransientError('zoho 503');
      }, { deadLetters, retryLedger: ledger, retryWindowMs: 60_000 });
      const seq = await publishOrder(topo, 1);
      await eventually(() => calls.length === 2);
      ledger.unreadable = true;
      await eventually(() => ledger.failedReads >= 3);
      assert.deepEqual(calls, [1, 2], 'no delivery past MAX_DELIVER runs the handler while its window is unknown');
      assert.equal(deadLetters.letters.length, 0, 'nor is it given up on');
      ledger.unreadable = false;
      await eventually(() => calls.length >= 3);
      assert.equal(deadLetters.letters.length, 0, 'inside its window it is retried');
      ledger.failingForMs = 61_000;
      await eventually(() => deadLetters.letters.some((l) => l.streamSeq === seq));
      assert.match(deadLetters.letters.find((l) => l.streamSeq === seq)!.reason, /^gave up after \d+ deliveries over 61 s: zoho 503$/);
    } finally {
      await cleanUp();
    }
  });

  test('a poison event whose deliveries never settle (the process dies on each) ends as a dead letter saying so', async () => {
    await fresh();
    try {
      const binding = robustBinding(topo.topology, { ackWaitMs: 1_000 });
      await ensureDurableConsumer(await jetstreamManager(topo.nc), topo.topology.stream, binding);
      const seq = await publishOrder(topo, 1);
      // Two instances take it and die before settling it: ack_wait passes, JetStream hands it on.
      const consumer = await jetstream(topo.nc).consumers.get(topo.topology.stream, 'robust');
      for (let delivery = 1; delivery <= binding.maxDeliver; delivery++) {
        const msg = await consumer.next({ expires: 5_000 });
        assert.equal(msg?.info.deliveryCount, delivery);
      }
      const calls: number[] = [];
      const deadLetters = new MemoryDeadLetters();
      await start(topo, async (event) => {
        calls.push(event.seq);
      }, { binding: { ackWaitMs: 1_000 }, deadLetters });
      await eventually(() => deadLetters.letters.some((l) => l.streamSeq === seq));
      assert.deepEqual(calls, [], 'the handler that killed two processes does not run a third time');
      const letter = deadLetters.letters.find((l) => l.streamSeq === seq)!;
      assert.equal(letter.deliveries, 3);
      assert.match(letter.reason, /the handler never settled its earlier deliveries \(the process crashed or timed out\)/);
      const info = await consumerInfo(topo);
      assert.equal(info.num_ack_pending + info.num_pending, 0);
    } finally {
      await cleanUp();
    }
  });

  test('events waiting for a slot behind handlers slower than ack_wait are handled once each, on their first delivery', async () => {
    await fresh();
    try {
      const handled: Array<{ id: number; deliveryCount: number }> = [];
      await start(topo, async (event) => {
        handled.push({ id: event.body.id, deliveryCount: event.deliveryCount });
        await sleep(2_500);
      }, { binding: { ackWaitMs: 1_500, concurrency: 2 } });
      let last = 0;
      for (let id = 1; id <= 6; id++) last = await publishOrder(topo, id);
      await eventually(() => handled.length >= 6, 20_000);
      let info = await consumerInfo(topo);
      for (const until = Date.now() + 10_000; info.ack_floor.stream_seq < last && Date.now() < until; info = await consumerInfo(topo)) await sleep(100);
      assert.equal(info.ack_floor.stream_seq, last);
      assert.deepEqual(handled.sort((a, b) => a.id - b.id), [1, 2, 3, 4, 5, 6].map((id) => ({ id, deliveryCount: 1 })));
    } finally {
      await cleanUp();
    }
  });

  test('closing starts no handler after close; the events it did not start go to another instance at once', async () => {
    await fresh();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    try {
      const handled: Array<{ id: number; instance: string; afterClose: boolean }> = [];
      let closing = false;
      const first = await start(topo, async (event) => {
        handled.push({ id: event.body.id, instance: 'first', afterClose: closing });
        await released;
      }, { binding: { concurrency: 2 } });
      for (let id = 1; id <= 6; id++) await publishOrder(topo, id);
      await eventually(() => handled.length === 2);
      closing = true;
      const closed = first.close();
      await start(topo, async (event) => {
        handled.push({ id: event.body.id, instance: 'second', afterClose: false });
      });
      // ack_wait is 30 s: anything the first instance kept would reach the second only then.
      await eventually(() => handled.filter((h) => h.instance === 'second').length === 4, 10_000);
      release();
      await closed;
      assert.deepEqual(handled.filter((h) => h.afterClose), []);
      assert.deepEqual(handled.map((h) => h.id).sort(), [1, 2, 3, 4, 5, 6]);
    } finally {
      release();
      await cleanUp();
    }
  });

  test('a consumer deleted under a running instance is re-provisioned and processing resumes', async () => {
    await fresh();
    try {
      const handled: number[] = [];
      await start(topo, async (event) => {
        handled.push(event.body.id);
      });
      await publishOrder(topo, 1);
      await eventually(() => handled.includes(1));
      await (await jetstreamManager(topo.nc)).consumers.delete(topo.topology.stream, 'robust');
      await publishOrder(topo, 2);
      await eventually(() => handled.includes(2), 30_000);
      assert.equal((await consumerInfo(topo)).config.max_deliver, -1);
      assert.deepEqual(missingConsumers.list().filter((m) => m.stream === topo.topology.stream), []);
    } finally {
      await cleanUp();
    }
  });

  test('a stream lost under a running instance (NATS back on an empty store) is re-created with its consumer', async () => {
    await fresh();
    try {
      const handled: number[] = [];
      await start(topo, async (event) => {
        handled.push(event.body.id);
      });
      await (await jetstreamManager(topo.nc)).streams.delete(topo.topology.stream);
      // Publishing works again once the instance has re-created the stream (nothing else does here).
      let seq = 0;
      for (const until = Date.now() + 30_000; seq === 0 && Date.now() < until; ) seq = await publishOrder(topo, 7).catch(() => sleep(200).then(() => 0));
      assert.ok(seq > 0, 'the stream was not re-created');
      await eventually(() => handled.includes(7), 30_000);
      const info = await consumerInfo(topo);
      assert.equal(info.config.filter_subject, subjects.resourceFilter(topo.topology, 'order'));
    } finally {
      await cleanUp();
    }
  });

  test('with provisioning off, a deleted consumer is reported missing (readiness) until the deploy job re-creates it', async () => {
    await fresh();
    try {
      const binding = robustBinding(topo.topology);
      const jsm = await jetstreamManager(topo.nc);
      await ensureDurableConsumer(jsm, topo.topology.stream, binding);
      const handled: number[] = [];
      await start(topo, async (event) => {
        handled.push(event.body.id);
      }, { provision: false });
      const missing = () => missingConsumers.list().some((m) => m.stream === topo.topology.stream && m.durable === 'robust');
      await jsm.consumers.delete(topo.topology.stream, 'robust');
      await eventually(missing, 30_000);
      await publishOrder(topo, 3);
      await sleep(1_500);
      assert.ok(missing(), 'still missing: this instance does not re-create it');
      assert.equal(handled.length, 0);
      await ensureDurableConsumer(jsm, topo.topology.stream, binding);
      await eventually(() => handled.includes(3), 10_000);
      assert.equal(missing(), false);
    } finally {
      await cleanUp();
    }
  });
});
