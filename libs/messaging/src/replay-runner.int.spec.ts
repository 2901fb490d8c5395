import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { createLogger, PermanentError, sleep, TransientError } from '@connector/common';
import { subjects, Topology } from '@connector/contracts';
import { DeadLetterSink } from './dead-letter-sink';
import { InboundEvent } from './inbound-event';
import { connectNats } from './nats-connection';
import { ensureAuditStream } from './provisioning';
import { ReplayDryRun, ReplayJobs, ReplayProgress, ReplayRun, ReplayRunnerOptions, replaySpecFrom } from './replay-runner';

class MemoryDeadLetters implements DeadLetterSink {
  letters: Array<{ consumer: string; streamSeq: number; reason: string; deliveries: number }> = [];
  resolved: Array<{ consumer: string; seq: number }> = [];
  async upsert(letter: { consumer: string; streamSeq: number; reason: string; deliveries: number }) {
    this.letters.push(letter);
  }
  async resolve(consumer: string, seq: number) {
    this.resolved.push({ consumer, seq });
  }
}

// (libs/testing builds on this lib, so this test carries its own topology helper.)
async function createTopology(): Promise<{ topology: Topology; nc: NatsConnection; destroy(): Promise<void> }> {
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

describe('replay runner against a real JetStream', () => {
  let topo: Awaited<ReturnType<typeof createTopology>>;
  const A = 'conn-a';
  const B = 'conn-b';
  /** Stream sequences of connection A's order events, by order id. */
  const ordersOfA = new Map<number, number>();
  let timeBetween = '';

  const publish = async (connectionId: string, resource: string, id: number) => {
    const ack = await jetstream(topo.nc).publish(subjects.delivery(topo.topology, connectionId, resource, 'updated'), JSON.stringify({ id }));
    return ack.seq;
  };

  before(async () => {
    topo = await createTopology();
    for (const id of [1, 2, 3]) ordersOfA.set(id, await publish(A, 'order', id));
    await publish(B, 'order', 1);
    await publish(A, 'customer', 1);
    await sleep(50);
    timeBetween = new Date().toISOString();
    await sleep(50);
    for (const id of [4, 5]) ordersOfA.set(id, await publish(A, 'order', id));
  });

  after(async () => {
    await topo?.destroy();
  });

  function options(handler: ReplayRunnerOptions['handler'], deadLetters = new MemoryDeadLetters()) {
    const reports: ReplayProgress[] = [];
    const opts: ReplayRunnerOptions = {
      connection: topo.nc,
      topology: topo.topology,
      handler,
      report: async (progress) => void reports.push(progress),
      deadLetters,
      liveConsumer: 'invoice-sync',
      retry: { backoff: { initialDelayMs: 20, maxDelayMs: 50, multiplier: 2, jitter: 0 }, maxDeliver: 20 },
      ackWaitMs: 5_000,
      logger: createLogger('test', 'silent'),
      maxAttempts: 3,
      reportEveryMs: 20,
      batchSize: 2,
    };
    return { opts, reports, deadLetters };
  }

  const spec = (extra: Partial<Parameters<typeof replaySpecFrom>[0]> = {}) =>
    replaySpecFrom({ replayId: randomUUID(), connectionId: A, dryRun: false, ...extra }, 'invoice-sync', 'order');

  async function consumerNames(): Promise<string[]> {
    const names: string[] = [];
    for await (const info of (await jetstreamManager(topo.nc)).consumers.list(topo.topology.stream)) names.push(info.name);
    return names;
  }

  test('goes through one connection and resource from sequence 1 in order, then deletes its consumer', async () => {
    const seen: InboundEvent[] = [];
    const { opts, reports, deadLetters } = options(async (event) => void seen.push(event));
    const run = await ReplayRun.prepare(opts, spec());
    assert.equal(run.total, 5);
    assert.match(run.consumer, /^replay-[0-9a-f-]{36}-invoice-sync$/);
    assert.ok((await consumerNames()).includes(run.consumer));
    const final = await run.run();

    assert.deepEqual(seen.map((e) => e.seq), [...ordersOfA.values()]);
    assert.ok(seen.every((e) => e.connectionId === A && e.resource === 'order' && e.deliveryCount === 1));
    assert.equal(final.status, 'done');
    assert.equal(final.processed, 5);
    assert.equal(final.failures, 0);
    assert.ok(final.finishedAt);
    assert.deepEqual(reports.at(-1), final, 'the last report is the final state');
    assert.ok(reports.every((r, i) => i === 0 || r.processed >= reports[i - 1].processed), 'progress never goes back');
    assert.deepEqual(deadLetters.resolved.map((r) => r.consumer), Array(5).fill('invoice-sync'), 'dead letters of the live consumer close');
    assert.ok(!(await consumerNames()).includes(run.consumer));
  });

  test('starts at a sequence or at a time', async () => {
    const fromSeq = ordersOfA.get(3)!;
    const bySeq: number[] = [];
    const seqRun = await ReplayRun.prepare(options(async (e) => void bySeq.push(e.seq)).opts, spec({ fromSeq }));
    await seqRun.run();
    assert.deepEqual(bySeq, [ordersOfA.get(3), ordersOfA.get(4), ordersOfA.get(5)]);

    const byTime: number[] = [];
    const timeRun = await ReplayRun.prepare(options(async (e) => void byTime.push(e.seq)).opts, spec({ fromTime: timeBetween }));
    assert.equal(timeRun.total, 2);
    await timeRun.run();
    assert.deepEqual(byTime, [ordersOfA.get(4), ordersOfA.get(5)]);
  });

  test('a failing event is retried, then counted and dead-lettered under the replay consumer; the replay goes on', async () => {
    const failing = ordersOfA.get(2)!;
    const flaky = ordersOfA.get(4)!;
    const attempts = new Map<number, number[]>();
    const { opts } = options(async (event) => {
      attempts.set(event.seq, [...(attempts.get(event.seq) ?? []), event.deliveryCount]);
      if (event.seq === failing) throw new TransientError('Zoho answered 500');
      if (event.seq === flaky && attempts.get(flaky)!.length === 1) throw new TransientError('socket hang up');
    });
    const run = await ReplayRun.prepare(opts, spec());
    const final = await run.run();

    assert.equal(final.status, 'done');
    assert.equal(final.processed, 5);
    assert.equal(final.failures, 1);
    assert.deepEqual(attempts.get(failing), [1, 2, 20], 'the last attempt says it is the last delivery');
    assert.deepEqual(attempts.get(flaky), [1, 2]);
    assert.deepEqual(final.failedEvents.map((f) => f.seq), [failing]);
    assert.match(final.failedEvents[0].reason, /gave up after 3 deliveries: Zoho answered 500/);
    const letter = (opts.deadLetters as MemoryDeadLetters).letters[0];
    assert.deepEqual({ consumer: letter.consumer, streamSeq: letter.streamSeq }, { consumer: run.consumer, streamSeq: failing });
  });

  test('a dry run collects planned writes of successful events only and leaves no dead letter', async () => {
    const { opts, deadLetters } = options(async (event, dryRun?: ReplayDryRun) => {
      assert.ok(dryRun);
      const id = (event.body as { id: number }).id;
      if (dryRun.simulated.has(`order:${id}`)) return;
      dryRun.plan({ resource: 'order', resourceId: String(id), action: 'create-invoice', message: `would create invoice for ${id}` });
      if (id === 3) throw new PermanentError('no tax for order 3');
      dryRun.simulated.set(`order:${id}`, true);
    });
    const final = await (await ReplayRun.prepare(opts, spec({ dryRun: true }))).run();
    assert.deepEqual(final.planned.map((p) => [p.resourceId, p.service, p.seq]), [1, 2, 4, 5].map((id) => [String(id), 'invoice-sync', ordersOfA.get(id)]));
    assert.equal(final.plannedCount, 4);
    assert.equal(final.failures, 1);
    assert.equal(deadLetters.letters.length, 0);
    assert.equal(deadLetters.resolved.length, 0, 'a dry run closes no dead letter either');
  });

  test('stopping ends the replay as failed, says where to resume, and deletes the consumer', async () => {
    const jobs = new ReplayJobs();
    let handled = 0;
    const { opts, reports } = options(async () => {
      handled++;
      await sleep(30);
    });
    const replay = spec();
    const reply = await jobs.start(opts, replay);
    assert.equal(reply.total, 5);
    while (handled < 2) await sleep(5);
    await jobs.stopAll('service shutting down');
    const final = reports.at(-1)!;
    assert.equal(final.status, 'failed');
    assert.match(final.error!, /interrupted \(service shutting down\) after \d of 5 events; replay again from sequence \d+ to finish/);
    assert.ok(final.processed < 5);
    assert.ok(!(await consumerNames()).includes(reply.consumer));
  });

  test('rejects a malformed start request', () => {
    assert.throws(() => replaySpecFrom({ replayId: 'r1', connectionId: A, fromSeq: 0, dryRun: false }, 's', 'order'), /fromSeq must be a whole number/);
    assert.throws(() => replaySpecFrom({ replayId: 'r1', connectionId: A, fromSeq: 2, fromTime: timeBetween, dryRun: false }, 's', 'order'), /not both/);
    assert.throws(() => replaySpecFrom({ replayId: 'r1', connectionId: A, fromTime: 'yesterday', dryRun: false }, 's', 'order'), /ISO time/);
    assert.throws(() => replaySpecFrom({ replayId: 'a.b', connectionId: A, dryRun: false }, 's', 'order'), /replay id/);
  });
});
