import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { createLogger, msUntilCallDeadline, PermanentError, sleep, TransientError, withCallDeadline } from '@connector/common';
import { subjects, Topology } from '@connector/contracts';
import type { AppliedEvents, AppliedSkip } from './applied-events';
import { DeadLetterSink } from './dead-letter-sink';
import { InboundEvent } from './inbound-event';
import { connectNats } from './nats-connection';
import { ensureAuditStream } from './provisioning';
import { ReplayDryRun, ReplayJobs, ReplayProgress, ReplayRun, ReplayRunnerOptions, replaySpecFrom } from './replay-runner';

class MemoryDeadLetters implements DeadLetterSink {
  letters: Array<{ consumer: string; streamSeq: number; reason: string; deliveries: number }> = [];
  resolved: Array<{ consumer: string; seq: number }> = [];
  /** Sequences of each resolveMany call. */
  batches: number[][] = [];
  async upsert(letter: { consumer: string; streamSeq: number; reason: string; deliveries: number }) {
    this.letters.push(letter);
  }
  async resolve(consumer: string, seq: number) {
    this.resolved.push({ consumer, seq });
  }
  async resolveMany(consumer: string, seqs: readonly number[]) {
    if (seqs.length > 0) this.batches.push([...seqs]);
    for (const seq of seqs) this.resolved.push({ consumer, seq });
  }
}

/** A service's fast path over orders whose ids it is given; records what it was asked and told. */
class AppliedOrders implements AppliedEvents {
  asked: number[][] = [];
  noted: Array<{ seqs: number[]; reasons: string[]; replayId: string }> = [];
  constructor(private readonly ids: Set<number>) {}
  async find(events: readonly InboundEvent[]) {
    this.asked.push(events.map((e) => e.seq));
    return new Map(events.filter((e) => this.ids.has(orderId(e))).map((e) => [e.seq, `order ${orderId(e)} already applied`]));
  }
  async note(skips: readonly AppliedSkip[], replayId: string) {
    this.noted.push({ seqs: skips.map((s) => s.event.seq), reasons: skips.map((s) => s.reason), replayId });
  }
}

const orderId = (event: InboundEvent) => (event.body as { id: number }).id;
const byOrder = (event: InboundEvent) => String(orderId(event));

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

  function options(handler: ReplayRunnerOptions['handler'], deadLetters = new MemoryDeadLetters(), extra: Partial<ReplayRunnerOptions> = {}) {
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
      ...extra,
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
    const started = Date.now();
    const final = await run.run();

    assert.ok(Date.now() - started < opts.ackWaitMs, 'the failed event is terminated, not left to come back after ack_wait');
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

  test('a dry run collects planned writes of successful events only, one event at a time, and leaves no dead letter', async () => {
    const applied = new AppliedOrders(new Set([1, 2, 3, 4, 5]));
    let inHand = 0;
    const seen: number[] = [];
    const { opts, deadLetters } = options(async (event, dryRun?: ReplayDryRun) => {
      assert.ok(dryRun);
      assert.equal(++inHand, 1, 'a dry run handles one event at a time, whatever the concurrency');
      await sleep(5);
      inHand--;
      seen.push(event.seq);
      const id = orderId(event);
      if (dryRun.simulated.has(`order:${id}`)) return;
      dryRun.plan({ resource: 'order', resourceId: String(id), action: 'create-invoice', message: `would create invoice for ${id}` });
      if (id === 3) throw new PermanentError('no tax for order 3');
      dryRun.simulated.set(`order:${id}`, true);
    }, undefined, { keyOf: byOrder, concurrency: 4, applied, batchSize: 5 });
    const final = await (await ReplayRun.prepare(opts, spec({ dryRun: true }))).run();
    assert.deepEqual(seen.filter((seq, i) => seen.indexOf(seq) === i), [...ordersOfA.values()], 'in stream order, every event through the handler');
    assert.deepEqual(applied.asked, [], 'a dry run takes no shortcut');
    assert.deepEqual(final.planned.map((p) => [p.resourceId, p.service, p.seq]), [1, 2, 4, 5].map((id) => [String(id), 'invoice-sync', ordersOfA.get(id)]));
    assert.equal(final.plannedCount, 4);
    assert.equal(final.failures, 1);
    assert.equal(deadLetters.letters.length, 0);
    assert.equal(deadLetters.resolved.length, 0, 'a dry run closes no dead letter either');
  });

  test('events already applied are noted per batch, acked and counted without the handler; their dead letters close per batch', async () => {
    const applied = new AppliedOrders(new Set([1, 2, 4]));
    const seen: number[] = [];
    const replay = spec();
    let pendingAtLast: { ackPending: number; floor: number } | undefined;
    const { opts, deadLetters } = options(async (event) => {
      seen.push(event.seq);
      if (orderId(event) === 5) {
        const info = await (await jetstreamManager(topo.nc)).consumers.info(topo.topology.stream, run.consumer);
        pendingAtLast = { ackPending: info.num_ack_pending, floor: info.ack_floor.stream_seq };
      }
    }, undefined, { keyOf: byOrder, applied });
    const run = await ReplayRun.prepare(opts, replay);
    const final = await run.run();

    assert.equal(final.status, 'done');
    assert.equal(final.processed, 5);
    assert.equal(final.lastSeq, ordersOfA.get(5));
    assert.deepEqual(seen, [ordersOfA.get(3), ordersOfA.get(5)], 'the handler sees only the events not applied');
    assert.deepEqual(applied.asked, [[1, 2], [3, 4], [5]].map((ids) => ids.map((id) => ordersOfA.get(id))), 'asked once per batch');
    assert.deepEqual(applied.noted, [
      { seqs: [ordersOfA.get(1), ordersOfA.get(2)], reasons: ['order 1 already applied', 'order 2 already applied'], replayId: replay.replayId },
      { seqs: [ordersOfA.get(4)], reasons: ['order 4 already applied'], replayId: replay.replayId },
    ], 'noted in one write per batch');
    assert.deepEqual(pendingAtLast, { ackPending: 1, floor: ordersOfA.get(4) }, 'skipped events are acked');
    assert.deepEqual(deadLetters.batches, [[1, 2], [4, 3], [5]].map((ids) => ids.map((id) => ordersOfA.get(id))), 'one resolve per batch');
    assert.ok(deadLetters.resolved.every((r) => r.consumer === 'invoice-sync'));
  });

  test('an applied event after one of its key that needs the handler takes the handler too', async () => {
    const applied = new AppliedOrders(new Set([1, 3, 4]));
    const seen: number[] = [];
    const { opts } = options(async (event) => void seen.push(orderId(event)), undefined, { keyOf: () => 'one key', applied, batchSize: 5 });
    const final = await (await ReplayRun.prepare(opts, spec())).run();
    assert.equal(final.processed, 5);
    assert.deepEqual(applied.noted.map((n) => n.seqs), [[ordersOfA.get(1)]]);
    assert.deepEqual(seen, [2, 3, 4, 5], 'order 2 may change what 3 and 4 are judged against');
  });

  test('the service\'s shortcut failing sends the batch through the handler', async () => {
    const applied = new AppliedOrders(new Set([1, 2, 3, 4, 5]));
    applied.note = async () => {
      throw new Error('audit table locked');
    };
    const seen: number[] = [];
    const { opts } = options(async (event) => void seen.push(orderId(event)), undefined, { keyOf: byOrder, applied, batchSize: 5 });
    const final = await (await ReplayRun.prepare(opts, spec())).run();
    assert.equal(final.status, 'done');
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
  });

  describe('concurrency by key', () => {
    const C = 'conn-c';
    /** Connection C's order events: order ids in stream order, and their sequences. */
    const ids = [1, 2, 1, 3, 2, 1, 4, 5];
    const seqs: number[] = [];

    before(async () => {
      for (const id of ids) seqs.push(await publish(C, 'order', id));
    });

    test('different keys run at once, up to the setting; one key stays in stream order', async () => {
      let inHand = 0;
      let most = 0;
      const order = new Map<number, number[]>();
      const busy = new Set<number>();
      const { opts } = options(async (event) => {
        const id = orderId(event);
        assert.ok(!busy.has(id), `order ${id} is handled once at a time`);
        busy.add(id);
        most = Math.max(most, ++inHand);
        await sleep(25);
        order.set(id, [...(order.get(id) ?? []), event.seq]);
        inHand--;
        busy.delete(id);
      }, undefined, { keyOf: byOrder, concurrency: 3, batchSize: 8 });
      const final = await (await ReplayRun.prepare(opts, spec({ connectionId: C }))).run();

      assert.equal(final.status, 'done');
      assert.equal(final.processed, ids.length);
      assert.equal(final.lastSeq, seqs.at(-1));
      assert.equal(most, 3, 'three at once, never more');
      for (const [id, handled] of order) assert.deepEqual(handled, seqs.filter((_, i) => ids[i] === id), `order ${id} in stream order`);
    });

    test('stopping lets the events in hand finish and names the lowest sequence not finished', async () => {
      // Lanes: order 1 [s0, s2, s5], order 2 [s1, s4], order 3 [s3], … With two at once, s0 is held
      // in the handler while the others go on; then the replay stops.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const handled: number[] = [];
      const { opts, reports } = options(async (event) => {
        if (event.seq === seqs[0]) await gate;
        handled.push(event.seq);
      }, undefined, { keyOf: byOrder, concurrency: 2, batchSize: 8 });
      const run = await ReplayRun.prepare(opts, spec({ connectionId: C }));
      const done = run.run();
      // Everything but order 1 goes on meanwhile (s1, s3, s4, s6, s7).
      while (handled.length < 5) await sleep(5);
      run.abort('service shutting down');
      release();
      const final = await done;

      assert.deepEqual(handled.sort((a, b) => a - b), [0, 1, 3, 4, 6, 7].map((i) => seqs[i]), 'the event in hand finished; order 1\'s next did not start');
      assert.equal(final.status, 'failed');
      assert.equal(final.processed, 6);
      assert.equal(final.lastSeq, seqs[1], 'everything up to s1 is finished');
      assert.match(final.error!, new RegExp(`interrupted \\(service shutting down\\) after 6 of 8 events; replay again from sequence ${seqs[2]} to finish`));
      assert.deepEqual(reports.at(-1), final);
      assert.ok(!(await consumerNames()).includes(run.consumer));
    });
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

  test('a replay started by an RPC runs on past the deadline of the call that started it', async () => {
    const jobs = new ReplayJobs();
    const deadlines: Array<number | undefined> = [];
    const { opts, reports } = options(async () => {
      await sleep(20);
      deadlines.push(msUntilCallDeadline());
    });
    // As the start-replay handler runs it: inside its caller's deadline, which passes at once.
    await withCallDeadline(Date.now() + 50, () => jobs.start(opts, spec()));
    while (reports.at(-1)?.status !== 'done') await sleep(10);
    assert.deepEqual(deadlines, [undefined, undefined, undefined, undefined, undefined]);
  });

  test('rejects a malformed start request', () => {
    assert.throws(() => replaySpecFrom({ replayId: 'r1', connectionId: A, fromSeq: 0, dryRun: false }, 's', 'order'), /fromSeq must be a whole number/);
    assert.throws(() => replaySpecFrom({ replayId: 'r1', connectionId: A, fromSeq: 2, fromTime: timeBetween, dryRun: false }, 's', 'order'), /not both/);
    assert.throws(() => replaySpecFrom({ replayId: 'r1', connectionId: A, fromTime: 'yesterday', dryRun: false }, 's', 'order'), /ISO time/);
    assert.throws(() => replaySpecFrom({ replayId: 'a.b', connectionId: A, dryRun: false }, 's', 'order'), /replay id/);
  });
});
