import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { Empty, headers } from '@nats-io/nats-core';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { describeError, isTransient, Logger, retryAfterOf, Semaphore, sleep, withCallDeadline } from '@connector/common';
import { RPC_HEARTBEAT_HEADER, RPC_TIMEOUT_HEADER, RPC_WORKING_HEADER, rpcSubject, RpcReply, Topology } from '@connector/contracts';
import { DeadLetterSink } from './dead-letter-sink';
import { InboundEvent, toInboundEvent } from './inbound-event';
import { JetStreamContext } from './jetstream.context';
import { DurableConsumerOptions, ensureDurableConsumer } from './provisioning';
import { RetrySettings, settle, Settlement } from './settle-policy';

export interface ConsumerBinding extends DurableConsumerOptions {
  /** Pattern of the `@EventPattern` handler fed by this consumer (defaults to the durable name). */
  pattern?: string;
  /** Messages handled at once by this process. */
  concurrency: number;
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
  logger: Logger;
  /** Create/update the durable consumers at start (off when a deploy job provisions them). */
  provision?: boolean;
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

  async close(): Promise<void> {
    this.closed = true;
    for (const messages of this.active) messages.stop();
    for (const sub of this.subscriptions) sub.unsubscribe();
    // Let handlers that already started finish and settle, so a deploy does not waste work.
    await Promise.allSettled([...this.inflight]);
    await Promise.allSettled(this.running);
  }

  on(): never {
    throw new Error('JetStreamTransport does not emit events');
  }

  unwrap<T>(): T {
    return this.options.connection as T;
  }

  /** Pull loop for one durable; survives NATS restarts and consumer re-creation. */
  private async runConsumer(binding: ConsumerBinding, pattern: string): Promise<void> {
    const { logger, topology } = this.options;
    const slots = new Semaphore(binding.concurrency);
    while (!this.closed) {
      let messages: ConsumerMessages | undefined;
      try {
        const consumer = await this.js.consumers.get(topology.stream, binding.durable);
        messages = await consumer.consume({ max_messages: binding.concurrency, idle_heartbeat: 5_000, expires: 15_000 });
        this.active.add(messages);
        void this.watchStatus(messages, binding.durable);
        for await (const msg of messages) {
          await slots.acquire();
          const work = this.process(binding, pattern, msg).finally(() => {
            slots.release();
            this.inflight.delete(work);
          });
          this.inflight.add(work);
        }
      } catch (error) {
        if (!this.closed) logger.warn({ consumer: binding.durable, err: describeError(error) }, 'consumer loop interrupted; resuming');
      } finally {
        if (messages) this.active.delete(messages);
      }
      if (!this.closed) await sleep(1_000);
    }
  }

  private async watchStatus(messages: ConsumerMessages, durable: string): Promise<void> {
    for await (const status of messages.status()) {
      if (status.type === 'heartbeats_missed' && status.count >= 3) {
        this.options.logger.warn({ consumer: durable }, 'heartbeats missed; restarting the pull');
        messages.stop();
      }
    }
  }

  private async process(binding: ConsumerBinding, pattern: string, msg: JsMsg): Promise<void> {
    const started = Date.now();
    const event = toInboundEvent(this.options.topology, msg);
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
    const settlement = settle(error === undefined ? {} : { error }, event.deliveryCount, {
      ...this.options.retry,
      maxDeliver: binding.maxDeliver,
    });
    await this.apply(binding, event, msg, settlement);
    this.options.onSettled?.({ consumer: binding.durable, event, settlement, durationMs: Date.now() - started });
  }

  private async apply(binding: ConsumerBinding, event: InboundEvent, msg: JsMsg, settlement: Settlement): Promise<void> {
    const { logger, deadLetters } = this.options;
    const where = { consumer: binding.durable, seq: event.seq, subject: event.subject, deliveries: event.deliveryCount, correlationId: event.correlationId };
    switch (settlement.kind) {
      case 'ack':
        msg.ack();
        // A success after failures (or of a retried copy) closes the dead letter it may have left.
        if (event.deliveryCount > 1) await deadLetters.resolve(binding.durable, event.seq).catch(() => undefined);
        if (event.retryOf) await deadLetters.resolve(binding.durable, event.retryOf).catch(() => undefined);
        return;
      case 'retry':
        logger.warn({ ...where, delayMs: settlement.delayMs, reason: settlement.reason }, 'event failed; will retry');
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
        } catch (error) {
          // The dead-letter record could not be written: keep the message alive rather than lose it.
          logger.error({ ...where, err: describeError(error) }, 'dead-letter write failed; retrying the event later');
          msg.nak(30_000);
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
