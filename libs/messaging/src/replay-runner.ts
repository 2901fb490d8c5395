import { setTimeout as delay } from 'node:timers/promises';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Consumer, ConsumerConfig, JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { describeError, Logger, outsideCallDeadline, PermanentError, Semaphore } from '@connector/common';
import { assertSubjectToken, PlannedWrite, ReplayFailure, StartReplayReply, StartReplayRequest, Topology } from '@connector/contracts';
import type { AppliedEvents, AppliedSkip } from './applied-events';
import { BatchPosition } from './batch-position';
import type { DeadLetterSink } from './dead-letter-sink';
import { InboundEvent, toInboundEvent } from './inbound-event';
import { CONSUMER_NOT_FOUND, isApiError } from './provisioning';
import { RetrySettings, settle } from './settle-policy';

/** What one service replays: its resource's events of one connection, from a sequence or a time. */
export interface ReplaySpec {
  replayId: string;
  service: string;
  connectionId: string;
  resource: string;
  fromSeq?: number;
  fromTime?: string;
  dryRun: boolean;
}

/** Handed to the handler in a dry run, in place of the writes it would make. */
export interface ReplayDryRun {
  replayId: string;
  /** Records a write the live run would make (the runner adds the event's sequence and the service). */
  plan(write: Omit<PlannedWrite, 'seq' | 'service'>): void;
  /**
   * What earlier events of this dry run would have written, keyed by the handler, so a later
   * snapshot of the same resource is judged against it rather than against the unchanged records.
   */
  readonly simulated: Map<string, unknown>;
}

/** The service's live handler; `dryRun` is set only in a dry run. */
export type ReplayHandler = (event: InboundEvent, dryRun: ReplayDryRun | undefined) => Promise<unknown>;

export interface ReplayProgress {
  status: 'running' | 'done' | 'failed';
  processed: number;
  total: number;
  failures: number;
  lastSeq: number | null;
  planned: PlannedWrite[];
  plannedCount: number;
  failedEvents: ReplayFailure[];
  error: string | null;
  finishedAt: Date | null;
}

export interface ReplayRunnerOptions {
  connection: NatsConnection;
  topology: Topology;
  handler: ReplayHandler;
  /** Stores the progress: about every `reportEveryMs` while running, then once at the end. */
  report: (progress: ReplayProgress) => Promise<unknown>;
  deadLetters: DeadLetterSink;
  /** The live consumer of the same events: a replayed event that succeeds closes its dead letter. */
  liveConsumer: string;
  /** The service's settle policy; the replay retries transient failures inline with its backoff. */
  retry: RetrySettings;
  ackWaitMs: number;
  logger: Logger;
  /** Attempts per event before it counts as failed (fewer than live: a replay works through events one by one). */
  maxAttempts?: number;
  reportEveryMs?: number;
  /** Events fetched at once (also the replay consumer's max_ack_pending). */
  batchSize?: number;
  /**
   * What must stay in stream order: events with the same key are handled one after another in
   * stream order, events with different keys concurrently. Without it a replay handles one event
   * at a time; a dry run always does (its simulated writes are judged in stream order).
   */
  keyOf?: (event: InboundEvent) => string;
  /** Events handled at once across keys. */
  concurrency?: number;
  /** The service's shortcut past events already applied (live replays only). */
  applied?: AppliedEvents;
}

const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_REPORT_EVERY_MS = 1_000;
/**
 * Events fetched and settled together. Each batch costs a fetch, a read of the records, one audit
 * insert and one dead-letter update whatever its size, and a replay waits for them in turn: at 256
 * these round trips were about a fifth of an already-synced replay's time (bench/, scenario 5). A
 * batch of ~3 kB events is ~3 MB held at once; stopping still finishes only the events in hand.
 */
const DEFAULT_BATCH = 1024;
const DEFAULT_CONCURRENCY = 8;
/** Caps keep a replay row small however many events a replay covers. */
const MAX_PLANNED = 200;
const MAX_FAILED_EVENTS = 100;
/** A consumer left behind by a process that died mid-replay is removed by the server after this. */
const ORPHAN_CONSUMER_MS = 60 * 60_000;
const FETCH_EXPIRES_MS = 5_000;
const MAX_FAILED_PULLS = 5;
const PULL_RETRY_MS = 1_000;

/** Durable name of a replay's own consumer: never one of the live consumers. */
export function replayConsumerName(replayId: string, service: string): string {
  return `replay-${assertSubjectToken(replayId, 'replay id')}-${assertSubjectToken(service, 'service')}`;
}

/** Checks a start-replay request (it crossed the wire) and makes it this service's replay spec. */
export function replaySpecFrom(request: StartReplayRequest, service: string, resource: string): ReplaySpec {
  const fail = (why: string) => new PermanentError(`start-replay: ${why}`);
  if (typeof request?.replayId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(request.replayId)) throw fail('needs a replay id');
  if (typeof request.connectionId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(request.connectionId)) throw fail('needs a connection id');
  if (request.fromSeq !== undefined && request.fromSeq !== null && (!Number.isSafeInteger(request.fromSeq) || request.fromSeq < 1)) {
    throw fail(`fromSeq must be a whole number of 1 or more, not ${JSON.stringify(request.fromSeq)}`);
  }
  if (request.fromTime !== undefined && request.fromTime !== null && Number.isNaN(Date.parse(request.fromTime))) {
    throw fail(`fromTime must be an ISO time, not ${JSON.stringify(request.fromTime)}`);
  }
  if (request.fromSeq != null && request.fromTime != null) throw fail('give fromSeq or fromTime, not both');
  return {
    replayId: request.replayId,
    service,
    connectionId: request.connectionId,
    resource,
    fromSeq: request.fromSeq ?? undefined,
    fromTime: request.fromTime ?? undefined,
    dryRun: request.dryRun === true,
  };
}

/** A fetched message and the event it carries. */
interface Taken {
  msg: JsMsg;
  event: InboundEvent;
}

/** How the handling of one event ended: settled (acked or dead-lettered), or left for a later replay. */
type Settled = 'acked' | 'dead-lettered' | 'stopped';

/**
 * One replay of one service: a NEW durable consumer over the connection's events of the service's
 * resource, starting at a sequence or a time, fetched in batches. Events the service finds
 * already applied are noted, acked and counted per batch without the handler; the others go
 * through the live handler, in stream order per key, different keys concurrently. Handlers are
 * idempotent, so events that were handled before change nothing. A failing event is retried a
 * few times with the settle policy's backoff, then recorded and counted, and the replay goes on.
 * The consumer is deleted at the end, whatever happened.
 */
export class ReplayRun {
  readonly consumer: string;
  private readonly progress: ReplayProgress;
  private readonly simulated = new Map<string, unknown>();
  private readonly stop = new AbortController();
  private reporting: Promise<unknown> = Promise.resolve();
  private stopReason: string | undefined;
  /** The batch in hand: its events finish out of order. */
  private batch: BatchPosition | undefined;

  private constructor(
    private readonly options: ReplayRunnerOptions,
    readonly spec: ReplaySpec,
    readonly total: number,
  ) {
    this.consumer = replayConsumerName(spec.replayId, spec.service);
    this.progress = {
      status: 'running', processed: 0, total, failures: 0, lastSeq: null,
      planned: [], plannedCount: 0, failedEvents: [], error: null, finishedAt: null,
    };
  }

  /** Creates the replay's consumer and counts what it will go through (nothing is handled yet). */
  static async prepare(options: ReplayRunnerOptions, spec: ReplaySpec): Promise<ReplayRun> {
    const { topology } = options;
    const name = replayConsumerName(spec.replayId, spec.service);
    const start: Partial<ConsumerConfig> = spec.fromTime
      ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(spec.fromTime).toISOString() }
      : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: spec.fromSeq ?? 1 };
    const jsm = await jetstreamManager(options.connection);
    await jsm.consumers.add(topology.stream, {
      durable_name: name,
      description: `${spec.dryRun ? 'dry run of ' : ''}replay ${spec.replayId} for ${spec.service}`,
      // One ack per batch: acknowledging the batch's last message acknowledges all before it. An
      // ack each was a message to NATS and back per event, a large part of a replay's CPU.
      ack_policy: AckPolicy.All,
      filter_subject: replayFilter(topology, spec.connectionId, spec.resource),
      ack_wait: nanos(options.ackWaitMs),
      // A whole batch is held at once.
      max_ack_pending: options.batchSize ?? DEFAULT_BATCH,
      // Never dropped by JetStream: a replay retries each event inline and records what fails.
      max_deliver: -1,
      inactive_threshold: nanos(ORPHAN_CONSUMER_MS),
      ...start,
    });
    try {
      // Counted once, right after creation: later events are past the replay's end, however many arrive.
      const info = await jsm.consumers.info(topology.stream, name);
      return new ReplayRun(options, spec, info.num_pending);
    } catch (error) {
      await jsm.consumers.delete(topology.stream, name).catch(() => undefined);
      throw error;
    }
  }

  /** Works through the events, then deletes the consumer; never throws (the outcome is in the progress). */
  async run(): Promise<ReplayProgress> {
    const { logger } = this.options;
    const where = { replayId: this.spec.replayId, consumer: this.consumer, total: this.total, dryRun: this.spec.dryRun };
    logger.info(where, 'replay started');
    const timer = setInterval(() => this.report(), this.options.reportEveryMs ?? DEFAULT_REPORT_EVERY_MS);
    try {
      this.report();
      await this.work();
      this.progress.status = 'done';
    } catch (error) {
      this.progress.status = 'failed';
      this.progress.error = describeError(error);
    } finally {
      clearInterval(timer);
      await this.deleteConsumer();
      this.progress.finishedAt = new Date();
    }
    this.report();
    await this.reporting;
    const { processed, failures, status, error } = this.progress;
    logger[status === 'done' ? 'info' : 'error']({ ...where, processed, failures, err: error ?? undefined }, `replay ${status}`);
    return this.snapshot();
  }

  /** Stops after the events in hand (service shutdown); the replay ends as failed, saying where it stopped. */
  abort(reason: string): void {
    this.stopReason = reason;
    this.stop.abort();
  }

  private async work(): Promise<void> {
    const consumer = await jetstream(this.options.connection).consumers.get(this.options.topology.stream, this.consumer);
    let failedPulls = 0;
    while (this.progress.processed < this.total) {
      this.throwIfStopped();
      const { messages, error } = await this.pull(consumer);
      await this.takeBatch(messages);
      if (error !== undefined) {
        this.throwIfStopped();
        // A NATS blip (reconnect, leader change) must not end a long replay; a lasting outage does.
        if (++failedPulls >= MAX_FAILED_PULLS) throw error;
        this.options.logger.warn({ replayId: this.spec.replayId, err: describeError(error) }, 'replay pull interrupted; resuming');
        await delay(PULL_RETRY_MS);
        continue;
      }
      failedPulls = 0;
      if (messages.length === 0 && (await this.nothingLeft())) {
        // The counted events are gone (the stream lost messages meanwhile): nothing more will come.
        this.options.logger.warn({ replayId: this.spec.replayId, processed: this.progress.processed, total: this.total }, 'replay ended early: no events left');
        return;
      }
    }
  }

  /** One fetch: the messages that came, and the error that cut it short if one did. */
  private async pull(consumer: Consumer): Promise<{ messages: JsMsg[]; error?: unknown }> {
    const messages: JsMsg[] = [];
    try {
      const batchSize = this.options.batchSize ?? DEFAULT_BATCH;
      const batch = await consumer.fetch({ max_messages: Math.min(batchSize, this.total - this.progress.processed), expires: FETCH_EXPIRES_MS });
      for await (const msg of batch) messages.push(msg);
      return { messages };
    } catch (error) {
      return { messages, error };
    }
  }

  /** Settles a batch: applied events together, the others through the handler; returns when all are settled or the replay stops. */
  private async takeBatch(messages: JsMsg[]): Promise<void> {
    const taken = this.firstDeliveries(messages).map((msg) => ({ msg, event: toInboundEvent(this.options.topology, msg) }));
    if (taken.length === 0 || this.stop.signal.aborted) return;
    const batch = new BatchPosition(taken.map((t) => t.msg.seq));
    this.batch = batch;
    // Events waiting for their key's turn are held too: all of the batch's unsettled ones are kept alive.
    const keepAlive = setInterval(() => {
      for (const { msg } of taken) if (!batch.isFinished(msg.seq)) msg.working();
    }, Math.max(1_000, Math.floor(this.options.ackWaitMs / 2)));
    const acked: JsMsg[] = [];
    try {
      const rest = await this.skipApplied(taken, acked);
      await this.handleByKey(rest, acked);
      // Acknowledged once the whole batch is settled (dead letters are termed one by one); a
      // stopped replay acknowledges nothing more: its consumer is deleted.
      if (taken.every(({ msg }) => batch.isFinished(msg.seq))) lastOf(acked)?.ack();
    } finally {
      clearInterval(keepAlive);
      // A replayed event that succeeds closes the live consumer's dead letter of it.
      if (!this.spec.dryRun) await this.options.deadLetters.resolveMany(this.options.liveConsumer, acked.map((msg) => msg.seq)).catch(() => undefined);
    }
  }

  /**
   * Held past ack_wait, a message comes again after it was handled: each sequence is handled once.
   * (A batch is settled before the next fetch, so everything up to `lastSeq` is done.)
   */
  private firstDeliveries(messages: JsMsg[]): JsMsg[] {
    const seen = new Set<number>();
    return messages.filter((msg) => {
      const again = (this.progress.lastSeq !== null && msg.seq <= this.progress.lastSeq) || seen.has(msg.seq);
      seen.add(msg.seq);
      if (again) msg.ack();
      return !again;
    });
  }

  /**
   * Live replays: the events the service finds already applied are noted in one write, acked and
   * counted; the rest is returned. Within a key only those before its first event that needs the
   * handler are skipped: that event may change what the later ones would be judged against. When
   * the service cannot tell or note, every event takes the handler (which is always right).
   */
  private async skipApplied(taken: Taken[], acked: JsMsg[]): Promise<Taken[]> {
    const { applied } = this.options;
    if (!applied || this.spec.dryRun) return taken;
    const skipped: Array<Taken & AppliedSkip> = [];
    const rest: Taken[] = [];
    try {
      const found = await applied.find(taken.map((t) => t.event));
      const handled = new Set<string>();
      for (const t of taken) {
        const key = this.keyOf(t.event);
        const reason = found.get(t.event.seq);
        if (reason === undefined || handled.has(key)) {
          handled.add(key);
          rest.push(t);
        } else {
          skipped.push({ ...t, reason });
        }
      }
      if (skipped.length > 0) await applied.note(skipped, this.spec.replayId);
    } catch (error) {
      this.options.logger.warn({ replayId: this.spec.replayId, err: describeError(error) }, 'replay could not skip applied events; the batch takes the handler');
      return taken;
    }
    for (const { msg } of skipped) {
      acked.push(msg);
      this.finished(msg.seq);
    }
    return rest;
  }

  /** Through the handler: one lane per key in stream order, lanes concurrently up to the setting. */
  private async handleByKey(taken: Taken[], acked: JsMsg[]): Promise<void> {
    const lanes = new Map<string, Taken[]>();
    for (const t of taken) {
      const key = this.spec.dryRun ? '' : this.keyOf(t.event);
      const lane = lanes.get(key);
      if (lane) lane.push(t);
      else lanes.set(key, [t]);
    }
    const slots = new Semaphore(this.spec.dryRun ? 1 : (this.options.concurrency ?? DEFAULT_CONCURRENCY));
    const results = await Promise.allSettled(
      [...lanes.values()].map(async (lane) => {
        for (const { msg, event } of lane) {
          await slots.acquire();
          try {
            // Stopping lets the events in hand finish and starts no other.
            if (this.stop.signal.aborted) return;
            const settled = await this.handle(msg, event);
            if (settled === 'stopped') return;
            if (settled === 'acked') acked.push(msg);
            this.finished(msg.seq);
          } finally {
            slots.release();
          }
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private keyOf(event: InboundEvent): string {
    return this.options.keyOf?.(event) ?? '';
  }

  private finished(seq: number): void {
    this.batch?.finish(seq);
    this.progress.processed++;
    this.progress.lastSeq = this.batch?.finishedThrough ?? this.progress.lastSeq;
  }

  private async handle(msg: JsMsg, event: InboundEvent): Promise<Settled> {
    const maxAttempts = this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      const planned: PlannedWrite[] = [];
      // On the replay's last attempt the handler is told it is the last delivery, as the live
      // consumer would (past any allowance for rate-limit waits too), so it records a final
      // failure rather than "will retry".
      const lastDelivery = this.options.retry.maxDeliver + (this.options.retry.blockWaitDeliveries ?? 0);
      const deliveryCount = attempt >= maxAttempts ? Math.max(attempt, lastDelivery) : attempt;
      let error: unknown;
      try {
        await this.options.handler({ ...event, deliveryCount }, this.dryRunContext(event, planned));
      } catch (thrown) {
        error = thrown ?? new Error('handler failed without an error');
      }
      // A replay retries a few times and goes on: no allowance for rate-limit blocks, whose waits
      // (a daily quota's lasts hours) it does not sit through; such an event is dead-lettered for
      // a retry once the block lifts.
      const settlement = settle(error === undefined ? {} : { error }, { deliveryCount: attempt }, { ...this.options.retry, maxDeliver: maxAttempts, blockWaitDeliveries: 0 });
      switch (settlement.kind) {
        case 'ack':
          // Acknowledged with its batch (takeBatch).
          this.keepPlanned(planned);
          return 'acked';
        case 'retry':
          try {
            await delay(Math.min(settlement.delayMs, this.options.retry.backoff.maxDelayMs * 4), undefined, { signal: this.stop.signal });
          } catch {
            return 'stopped';
          }
          continue;
        case 'dead-letter':
          await this.recordFailure(event, settlement.reason, settlement.errorClass, attempt);
          // No reason with the term: NATS 2.9 does not take `+TERM <reason>` for a term, and the
          // message would hold a slot of the batch until ack_wait (the reason is in the dead letter).
          msg.term();
          return 'dead-lettered';
      }
    }
  }

  private dryRunContext(event: InboundEvent, planned: PlannedWrite[]): ReplayDryRun | undefined {
    if (!this.spec.dryRun) return undefined;
    return {
      replayId: this.spec.replayId,
      simulated: this.simulated,
      plan: (write) => planned.push({ ...write, seq: event.seq, service: this.spec.service }),
    };
  }

  /** Writes planned by an attempt count only once it succeeded (a retried attempt plans again). */
  private keepPlanned(planned: PlannedWrite[]): void {
    this.progress.plannedCount += planned.length;
    this.progress.planned.push(...planned.slice(0, Math.max(0, MAX_PLANNED - this.progress.planned.length)));
  }

  /**
   * Counted and listed in the replay; a live replay also leaves a dead letter under its consumer's
   * name (retryable from the admin API). A dry run leaves no trace outside its own row.
   */
  private async recordFailure(event: InboundEvent, reason: string, errorClass: string, attempts: number): Promise<void> {
    this.progress.failures++;
    if (this.progress.failedEvents.length < MAX_FAILED_EVENTS) this.progress.failedEvents.push({ seq: event.seq, subject: event.subject, reason });
    this.options.logger.warn({ replayId: this.spec.replayId, seq: event.seq, subject: event.subject, reason }, 'replayed event failed');
    if (this.spec.dryRun) return;
    await this.options.deadLetters
      .upsert({
        consumer: this.consumer,
        stream: event.stream,
        streamSeq: event.seq,
        subject: event.subject,
        connectionId: event.connectionId || null,
        msgId: event.msgId,
        reason,
        errorClass,
        deliveries: attempts,
      })
      .catch((error) => this.options.logger.error({ replayId: this.spec.replayId, seq: event.seq, err: describeError(error) }, 'could not record a replay failure as a dead letter'));
  }

  private throwIfStopped(): void {
    if (!this.stop.signal.aborted) return;
    const next = this.batch?.firstUnfinished ?? (this.progress.lastSeq ?? (this.spec.fromSeq ?? 1) - 1) + 1;
    throw new Error(`interrupted (${this.stopReason}) after ${this.progress.processed} of ${this.total} events; replay again from sequence ${next} to finish`);
  }

  private async nothingLeft(): Promise<boolean> {
    const jsm = await jetstreamManager(this.options.connection);
    const info = await jsm.consumers.info(this.options.topology.stream, this.consumer);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  }

  private async deleteConsumer(): Promise<void> {
    try {
      await (await jetstreamManager(this.options.connection)).consumers.delete(this.options.topology.stream, this.consumer);
    } catch (error) {
      if (!isApiError(error, CONSUMER_NOT_FOUND)) {
        this.options.logger.warn({ consumer: this.consumer, err: describeError(error) }, 'replay consumer not deleted; the server removes it after an hour idle');
      }
    }
  }

  /** Reports in order (a late "running" must never overwrite the final state); failures are logged only. */
  private report(): void {
    const snapshot = this.snapshot();
    this.reporting = this.reporting
      .then(() => this.options.report(snapshot))
      .catch((error) => this.options.logger.warn({ replayId: this.spec.replayId, err: describeError(error) }, 'replay progress not stored'));
  }

  private snapshot(): ReplayProgress {
    return { ...this.progress, planned: [...this.progress.planned], failedEvents: [...this.progress.failedEvents] };
  }
}


/** `<prefix>.<connection>.<resource>.>`: one resource of one connection (one filter subject: NATS 2.9). */
export function replayFilter(topology: Topology, connectionId: string, resource: string): string {
  return [topology.subjectPrefix, assertSubjectToken(connectionId, 'connection id'), assertSubjectToken(resource, 'resource'), '>'].join('.');
}

/**
 * The replays a service is running: started in the background from the start-replay RPC (which
 * answers once the consumer exists), stopped together when the service shuts down.
 */
export class ReplayJobs {
  private readonly running = new Map<ReplayRun, Promise<ReplayProgress>>();

  async start(options: ReplayRunnerOptions, spec: ReplaySpec): Promise<StartReplayReply> {
    const run = await ReplayRun.prepare(options, spec);
    // The start request is answered now; the replay outlives its caller's deadline.
    const done = outsideCallDeadline(() => run.run()).finally(() => this.running.delete(run));
    this.running.set(run, done);
    return { consumer: run.consumer, total: run.total };
  }

  async stopAll(reason: string): Promise<void> {
    for (const run of this.running.keys()) run.abort(reason);
    await Promise.allSettled([...this.running.values()]);
  }
}

/** The message with the highest sequence: acknowledging it (AckPolicy.All) acknowledges the others. */
function lastOf(messages: readonly JsMsg[]): JsMsg | undefined {
  let last: JsMsg | undefined;
  for (const msg of messages) if (!last || msg.seq > last.seq) last = msg;
  return last;
}
