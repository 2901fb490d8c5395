import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { Empty, headers } from '@nats-io/nats-core';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { describeError, isTransient, Logger, retryAfterOf, Semaphore, sleep, withCallDeadline } from '@connector/common';
import { RPC_HEARTBEAT_HEADER, RPC_TIMEOUT_HEADER, RPC_WORKING_HEADER, rpcSubject, RpcReply, Topology } from '@connector/contracts';
import { DeadLetterSink } from './dead-letter-sink';
import { InboundEvent, toInboundEvent } from './inbound-event';
import { JetStreamContext } from './jetstream.context';
import { missingConsumers } from './missing-consumers';
import {
  AuditStreamOptions, CONSUMER_NOT_FOUND, DurableConsumerOptions, ensureAuditStream, ensureDurableConsumer, isApiError, STREAM_NOT_FOUND,
} from './provisioning';
import { RetryHistory, RetryLedger } from './retry-ledger';
import { RetrySettings, settle, Settlement, settleUnsettled } from './settle-policy';

/** A pull waits this long for messages before it is renewed; heartbeats tell a dead one sooner. */
const PULL_EXPIRES_MS = 15_000;
const PULL_HEARTBEAT_MS = 5_000;
/** What readRetries answers when the ledger failed: unknown, not "no history". */
const UNREADABLE = Symbol('retry history unreadable');

/** Retry of an event whose dead letter could not be written (PostgreSQL down). */
const DEAD_LETTER_RETRY_MS = 30_000;

export interface ConsumerBinding extends DurableConsumerOptions {
  /** Pattern of the `@EventPattern` handler fed by this consumer (defaults to the durable name). */
  pattern?: string;
  /** Messages handled at once by this process. */
  concurrency: number;
  /** Deliveries before the event becomes a dead letter (the settle policy's; JetStream's own is unlimited). */
  maxDeliver: number;
}

export interface SettledEvent {
  consumer: string;
  event: InboundEvent;
  settlement: Settlement;
  durationMs: number;
}

/** How one RPC ended for the service answering it: `late` when its caller had stopped waiting. */
export interface AnsweredCall {
  operation: string;
  outcome: 'ok' | 'transient' | 'permanent' | 'late';
  durationMs: number;
}

export interface JetStreamTransportOptions {
  connection: NatsConnection;
  topology: Topology;
  consumers: ConsumerBinding[];
  /** Queue group of this service's `@MessagePattern` RPC handlers: instances share the load. */
  queueGroup: string;
  retry: RetrySettings;
  deadLetters: DeadLetterSink;
  /**
   * Where the runner notes each delivery it puts back, so `retry.retryWindowMs` can apply and a
   * delivery that failed is told from one that never settled. Without it `maxDeliver` alone decides.
   */
  retryLedger?: RetryLedger;
  logger: Logger;
  /**
   * Create/update the durable consumers at start, and re-create a consumer or the audit stream
   * found gone while running (off when a deploy job provisions them).
   */
  provision?: boolean;
  /** How the audit stream is re-created if it was lost (as the service provisions it at boot). */
  auditStream?: AuditStreamOptions;
  /** Delay before an event whose dead letter could not be written comes back to try again. */
  deadLetterRetryMs?: number;
  onSettled?: (settled: SettledEvent) => void;
  onAnswered?: (answered: AnsweredCall) => void;
}

/**
 * A Nest microservice transport over NATS: `@EventPattern` handlers are fed by durable JetStream
 * pull consumers (at-least-once, with the product's settle policy), `@MessagePattern` handlers
 * answer core-NATS requests in a queue group. Nest's built-in NATS transport is core-only, hence
 * this strategy; it holds the ack / retry / dead-letter policy in one place for every service.
 */
export class JetStreamTransport extends Server implements CustomTransportStrategy {
  private readonly js: JetStreamClient;
  private readonly running: Array<Promise<void>> = [];
  /** Pulls waiting for messages, stopped at close. */
  private readonly active = new Set<ConsumerMessages>();
  private readonly subscriptions: Subscription[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: JetStreamTransportOptions) {
    super();
    this.js = jetstream(options.connection);
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    try {
      for (const [pattern, handler] of this.messageHandlers) {
        if (!handler.isEventHandler) this.subscribeRpc(pattern);
      }
      if (this.options.provision !== false) {
        const jsm = await jetstreamManager(this.options.connection);
        for (const binding of this.options.consumers) {
          await ensureDurableConsumer(jsm, this.options.topology.stream, binding);
        }
      }
      for (const binding of this.options.consumers) {
        const pattern = binding.pattern ?? binding.durable;
        if (!this.getHandlerByPattern(pattern)) throw new Error(`No @EventPattern('${pattern}') handler for consumer ${binding.durable}`);
        this.running.push(this.runConsumer(binding, pattern));
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Starts no handler after it is called. The pull loops end first, putting back (nak, no delay)
   * what they hold and did not start, so another instance takes it at once; then the handlers
   * that already started finish and settle, so a deploy does not waste work. Only then does Nest
   * go on to close NATS and the database pool.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const messages of this.active) messages.stop();
    for (const sub of this.subscriptions) sub.unsubscribe();
    await Promise.allSettled(this.running);
    await Promise.allSettled([...this.inflight]);
  }

  on(): never {
    throw new Error('JetStreamTransport does not emit events');
  }

  unwrap<T>(): T {
    return this.options.connection as T;
  }

  /** Pull loop for one durable; survives NATS restarts and re-creates a consumer or stream that went away. */
  private async runConsumer(binding: ConsumerBinding, pattern: string): Promise<void> {
    const { logger } = this.options;
    const slots = new Semaphore(binding.concurrency);
    while (!this.closed) {
      try {
        const consumer = await this.consumerOf(binding);
        while (!this.closed) await this.pullIntoFreeSlots(consumer, binding, pattern, slots);
      } catch (error) {
        if (!this.closed) logger.warn({ consumer: binding.durable, err: describeError(error) }, 'consumer loop interrupted; resuming');
      }
      if (!this.closed) await sleep(1_000);
    }
  }

  /**
   * The durable, re-provisioned when it is gone (deleted, or lost with the stream when NATS came
   * back on an empty store): the client would otherwise keep pulling from nothing, silently.
   * Readiness reports it missing until it is back.
   */
  private async consumerOf(binding: ConsumerBinding): Promise<Consumer> {
    const { topology, logger, connection } = this.options;
    const where = { consumer: binding.durable, stream: topology.stream };
    try {
      const consumer = await this.js.consumers.get(topology.stream, binding.durable);
      missingConsumers.clear(topology.stream, binding.durable);
      return consumer;
    } catch (error) {
      const streamGone = isApiError(error, STREAM_NOT_FOUND);
      if (!streamGone && !isApiError(error, CONSUMER_NOT_FOUND)) throw error;
      missingConsumers.mark(topology.stream, binding.durable);
      if (this.options.provision === false) {
        throw new Error(`${streamGone ? 'stream' : 'consumer'} missing; provisioning is off here, so the deploy job must re-create it`);
      }
      logger.error({ ...where, streamGone }, `${streamGone ? 'audit stream and consumer' : 'consumer'} missing; re-provisioning`);
      const jsm = await jetstreamManager(connection);
      if (streamGone) await ensureAuditStream(jsm, topology, this.options.auditStream);
      await ensureDurableConsumer(jsm, topology.stream, binding);
      const consumer = await this.js.consumers.get(topology.stream, binding.durable);
      missingConsumers.clear(topology.stream, binding.durable);
      logger.warn(where, 'consumer re-provisioned; processing resumes');
      return consumer;
    }
  }

  /**
   * One pull of as many messages as there are free slots (waiting for one): a message is never
   * held in a buffer, where nothing keeps it alive, while it waits for a slot (held past ack_wait,
   * JetStream would hand it to another instance too).
   */
  private async pullIntoFreeSlots(consumer: Consumer, binding: ConsumerBinding, pattern: string, slots: Semaphore): Promise<void> {
    await slots.acquire();
    let reserved = 1;
    while (reserved < binding.concurrency && (await slots.acquireWithin(0))) reserved++;
    try {
      if (this.closed) return;
      const messages = await consumer.fetch({ max_messages: reserved, expires: PULL_EXPIRES_MS, idle_heartbeat: PULL_HEARTBEAT_MS });
      this.active.add(messages);
      // close() may have come while the pull was being sent: it stopped the pulls it saw.
      if (this.closed) messages.stop();
      try {
        for await (const msg of messages) {
          if (this.closed) {
            // Arrived as the transport closed: another instance takes it now, not after ack_wait.
            msg.nak();
            continue;
          }
          reserved--;
          this.start(binding, pattern, msg, slots);
        }
      } finally {
        this.active.delete(messages);
      }
    } finally {
      for (; reserved > 0; reserved--) slots.release();
    }
  }

  /** Handles one message in a slot it already holds, and frees the slot when it settled. */
  private start(binding: ConsumerBinding, pattern: string, msg: JsMsg, slots: Semaphore): void {
    const work = this.process(binding, pattern, msg)
      .catch((error) => {
        // Not settled (the connection closed under it): JetStream redelivers it after ack_wait.
        this.options.logger.error({ consumer: binding.durable, seq: msg.seq, err: describeError(error) }, 'event not settled');
      })
      .finally(() => {
        slots.release();
        this.inflight.delete(work);
      });
    this.inflight.add(work);
  }

  private async process(binding: ConsumerBinding, pattern: string, msg: JsMsg): Promise<void> {
    const started = Date.now();
    const event = toInboundEvent(this.options.topology, msg);
    const settings = { ...this.options.retry, maxDeliver: binding.maxDeliver };
    // A first delivery has no history: the hot path reads nothing.
    const retries = event.deliveryCount > 1 ? await this.readRetries(binding, event) : undefined;
    if (retries === UNREADABLE && event.deliveryCount >= binding.maxDeliver) {
      // Past MAX_DELIVER only the history can say whether the retry window is still open: without
      // it, deliveries alone would end a day's window early. Put back without running the handler.
      await this.apply(binding, event, msg, { kind: 'retry', delayMs: settings.backoff.maxDelayMs, reason: 'retry history unreadable (PostgreSQL)' });
      return;
    }
    if (retries !== UNREADABLE) event.retries = retries;
    const settlement = settleUnsettled(event, settings) ?? (await this.handle(binding, pattern, msg, event, settings));
    await this.apply(binding, event, msg, settlement);
    this.options.onSettled?.({ consumer: binding.durable, event, settlement, durationMs: Date.now() - started });
  }

  /** Runs the `@EventPattern` handler and settles how it ended. */
  private async handle(binding: ConsumerBinding, pattern: string, msg: JsMsg, event: InboundEvent, settings: RetrySettings): Promise<Settlement> {
    const handler = this.getHandlerByPattern(pattern)!;
    // Long Zoho calls must not let ack_wait expire mid-work (that would redeliver to a second
    // instance while the first is still creating the invoice).
    const keepAlive = setInterval(() => msg.working(), Math.max(1_000, Math.floor(binding.ackWaitMs / 2)));
    let error: unknown;
    try {
      const result = await handler(event, new JetStreamContext([msg, event]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (thrown) {
      error = thrown ?? new Error('handler failed without an error');
    } finally {
      clearInterval(keepAlive);
    }
    return settle(error === undefined ? {} : { error }, event, settings);
  }

  /** The event's history; undefined without one (or without a ledger: `maxDeliver` decides); UNREADABLE when the ledger failed. */
  private async readRetries(binding: ConsumerBinding, event: InboundEvent): Promise<RetryHistory | undefined | typeof UNREADABLE> {
    const ledger = this.options.retryLedger;
    if (!ledger) return undefined;
    try {
      return await ledger.read(binding.durable, event.seq);
    } catch (error) {
      this.options.logger.warn({ consumer: binding.durable, seq: event.seq, err: describeError(error) }, 'retry history unreadable');
      return UNREADABLE;
    }
  }

  /** Notes or forgets a delivery in the ledger; a failure there never blocks settling the event. */
  private async noteRetries(binding: ConsumerBinding, event: InboundEvent, note: (ledger: RetryLedger) => Promise<void>): Promise<void> {
    const ledger = this.options.retryLedger;
    if (!ledger) return;
    await note(ledger).catch((error: unknown) => {
      this.options.logger.warn({ consumer: binding.durable, seq: event.seq, err: describeError(error) }, 'retry history not updated');
    });
  }

  private async apply(binding: ConsumerBinding, event: InboundEvent, msg: JsMsg, settlement: Settlement): Promise<void> {
    const { logger, deadLetters } = this.options;
    const where = { consumer: binding.durable, seq: event.seq, subject: event.subject, deliveries: event.deliveryCount, correlationId: event.correlationId };
    switch (settlement.kind) {
      case 'ack':
        msg.ack();
        // A success after failures (or of a retried copy) closes the dead letter it may have left.
        if (event.deliveryCount > 1) {
          await deadLetters.resolve(binding.durable, event.seq).catch(() => undefined);
          await this.noteRetries(binding, event, (ledger) => ledger.clear(binding.durable, event.seq));
        }
        // A copy's success settles the letter it was sent for, and any others retried as it.
        if (event.retryOf) await deadLetters.resolveMany(binding.durable, [event.retryOf, event.seq]).catch(() => undefined);
        return;
      case 'retry':
        logger.warn({ ...where, delayMs: settlement.delayMs, reason: settlement.reason }, 'event failed; will retry');
        // Noted before the nak, so the next delivery (which may follow at once) reads it.
        await this.noteRetries(binding, event, (ledger) => ledger.record(binding.durable, event.seq, settlement.block ? 'block' : 'failure'));
        msg.nak(settlement.delayMs);
        return;
      case 'dead-letter':
        try {
          await deadLetters.upsert({
            consumer: binding.durable,
            stream: event.stream,
            streamSeq: event.seq,
            subject: event.subject,
            connectionId: event.connectionId || null,
            msgId: event.msgId,
            reason: settlement.reason,
            errorClass: settlement.errorClass,
            deliveries: event.deliveryCount,
          });
          logger.error({ ...where, reason: settlement.reason }, 'event dead-lettered');
          // No reason with the term: NATS 2.9 ignores `+TERM <reason>` and would deliver the
          // message again after ack_wait (the reason is in the dead letter).
          msg.term();
          if (event.deliveryCount > 1) await this.noteRetries(binding, event, (ledger) => ledger.clear(binding.durable, event.seq));
        } catch (error) {
          // The dead-letter record could not be written: put the message back rather than lose it
          // (JetStream never drops it). Its next delivery decides afresh: past the last delivery
          // it comes straight back here (settleUnsettled) without running the handler, and with a
          // retry history (this delivery is not noted as retried) it may run the handler again.
          logger.error({ ...where, err: describeError(error) }, 'dead-letter write failed; retrying the event later');
          msg.nak(this.options.deadLetterRetryMs ?? DEAD_LETTER_RETRY_MS);
        }
        return;
    }
  }

  private subscribeRpc(pattern: string): void {
    const sub = this.options.connection.subscribe(rpcSubject(this.options.topology, pattern), {
      queue: this.options.queueGroup,
      callback: (err: Error | null, msg: Msg) => {
        if (err) {
          this.options.logger.warn({ pattern, err: describeError(err) }, 'rpc subscription error');
          return;
        }
        const work = this.answer(pattern, msg).finally(() => this.inflight.delete(work));
        this.inflight.add(work);
      },
    });
    this.subscriptions.push(sub);
  }

  /**
   * Runs an RPC handler with its caller's deadline (see `withCallDeadline`), counted from the
   * request's arrival: work the handler queues gives up then, and calls it makes wait no longer.
   */
  private async answer(pattern: string, msg: Msg): Promise<void> {
    const { logger } = this.options;
    const started = Date.now();
    const timeoutMs = Number(msg.headers?.get(RPC_TIMEOUT_HEADER));
    const deadline = Number.isFinite(timeoutMs) && timeoutMs > 0 ? started + timeoutMs : undefined;
    const heartbeatMs = Number(msg.headers?.get(RPC_HEARTBEAT_HEADER));
    // The caller hears that this process is alive and working on it (see NatsRpcClient).
    const heartbeat = msg.reply && heartbeatMs > 0 ? setInterval(() => this.stillWorking(msg), Math.max(50, heartbeatMs)) : undefined;
    let reply: RpcReply<unknown>;
    try {
      const handler = this.getHandlerByPattern(pattern)!;
      const payload = msg.data.length ? msg.json<unknown>() : undefined;
      const data = await withCallDeadline(deadline, async () => {
        const result = await handler(payload, undefined);
        return isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
      });
      reply = { ok: true, data: data ?? null };
    } catch (error) {
      reply = {
        ok: false,
        error: {
          message: describeError(error),
          transient: isTransient(error),
          code: (error as { code?: string }).code,
          retryAfterMs: retryAfterOf(error),
        },
      };
    }
    clearInterval(heartbeat);
    const durationMs = Date.now() - started;
    const result = reply.ok ? 'ok' : reply.error.message;
    const late = deadline !== undefined && Date.now() > deadline;
    if (late) {
      // Done for nobody: the caller already counted it as a timeout and will ask again.
      logger.warn({ pattern, durationMs, timeoutMs, outcome: result }, 'rpc answered after its caller stopped waiting');
    } else {
      logger.debug({ pattern, durationMs, outcome: result }, 'rpc answered');
    }
    const outcome = late ? 'late' : reply.ok ? 'ok' : reply.error.transient ? 'transient' : 'permanent';
    this.options.onAnswered?.({ operation: pattern, outcome, durationMs });
    if (msg.reply) msg.respond(JSON.stringify(reply));
  }

  private stillWorking(msg: Msg): void {
    const h = headers();
    h.set(RPC_WORKING_HEADER, '1');
    try {
      msg.respond(Empty, { headers: h });
    } catch {
      // The connection is closing: the caller learns from the disconnect instead.
    }
  }
}
