import 'reflect-metadata';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { jetstreamManager } from '@nats-io/jetstream';
import type { Topology } from '@connector/contracts';
import type { NatsConnection } from '@nats-io/nats-core';
import { describeError, Logger } from '@connector/common';
import { attachTransport, ConsumerBinding, DEFAULT_RETRY, JetStreamTransport, RetrySettings } from '@connector/messaging';
import { DeadLetterStore, EventRetryLedger } from '@connector/persistence';
import { PlatformMetrics } from './metrics';
import { NestPinoLogger } from './nest-logger';
import type { PlatformConfig } from './platform.config';
import { LOGGER, NATS_CONNECTION, PLATFORM_CONFIG, TOPOLOGY } from './tokens';

export interface BootstrapOptions {
  module: Type<unknown>;
  service: string;
  port: number;
  host?: string;
  /** Durable consumers feeding this service's `@EventPattern` handlers. */
  consumers?: ConsumerBinding[];
  /** Whether the service answers `@MessagePattern` RPCs (queue group = service name). */
  rpc?: boolean;
  retry?: RetrySettings;
  /** Nest's JSON body parser; the gateway turns it off to read raw bytes itself. */
  bodyParser?: boolean;
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * Starts one service: HTTP (health, metrics, and its own routes) plus, when it consumes or answers
 * NATS, the JetStream transport. Shuts down gracefully on SIGTERM/SIGINT so in-flight events settle.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication> {
  // Nest's own lines are buffered until the JSON logger below takes them. No logger until then: on
  // a boot failure Nest would print the buffer and the error's stack with its coloured console
  // logger before runMain's one clear line, and log collectors expect JSON.
  const app = await NestFactory.create(options.module, { logger: false, bufferLogs: true, bodyParser: options.bodyParser ?? true, abortOnError: false });
  const logger = app.get<Logger>(LOGGER);
  app.useLogger(new NestPinoLogger(logger));
  app.enableShutdownHooks();
  if (options.consumers?.length || options.rpc) {
    const metrics = app.get(PlatformMetrics);
    const transport = new JetStreamTransport({
      connection: app.get<NatsConnection>(NATS_CONNECTION),
      topology: app.get(TOPOLOGY),
      consumers: options.consumers ?? [],
      queueGroup: options.service,
      retry: options.retry ?? DEFAULT_RETRY,
      deadLetters: app.get(DeadLetterStore),
      retryLedger: app.get(EventRetryLedger),
      // A stream lost under a running service is re-created as PlatformModule first made it.
      auditStream: { replicas: app.get<PlatformConfig>(PLATFORM_CONFIG).NATS_REPLICAS },
      logger,
      onSettled: ({ consumer, settlement, durationMs }) => {
        metrics.eventsSettled.inc({ consumer, outcome: settlement.kind });
        metrics.eventDuration.observe({ consumer }, durationMs / 1000);
        if (settlement.kind === 'dead-letter') metrics.deadLetters.inc({ consumer });
      },
      onAnswered: ({ operation, outcome, durationMs }) => {
        metrics.rpcAnswered.inc({ operation, outcome });
        metrics.rpcDuration.observe({ operation }, durationMs / 1000);
      },
    });
    attachTransport(app, transport);
  }
  await options.configure?.(app);
  // Module init first (it provisions the audit stream), then the consumers that read from it.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(options.port, options.host ?? '0.0.0.0');
  if (options.consumers?.length) {
    watchConsumerLag(app, options.consumers);
    pruneRetryHistories(app);
  }
  logger.info({ port: options.port }, `${options.service} listening`);
  return app;
}

/** Publishes each durable consumer's backlog as a gauge every 15 s (for dashboards and alerts). */
function watchConsumerLag(app: INestApplication, consumers: ConsumerBinding[]): void {
  const metrics = app.get(PlatformMetrics);
  const nc = app.get<NatsConnection>(NATS_CONNECTION);
  const topology = app.get<Topology>(TOPOLOGY);
  const timer = setInterval(async () => {
    try {
      const jsm = await jetstreamManager(nc);
      for (const binding of consumers) {
        const info = await jsm.consumers.info(topology.stream, binding.durable);
        metrics.consumerLag.set({ consumer: binding.durable, kind: 'pending' }, info.num_pending);
        metrics.consumerLag.set({ consumer: binding.durable, kind: 'ack_pending' }, info.num_ack_pending);
      }
    } catch {
      // NATS unavailable for a moment: the readiness check reports it; the next tick retries.
    }
  }, 15_000);
  timer.unref();
  const close = app.close.bind(app);
  app.close = async () => {
    clearInterval(timer);
    await close();
  };
}

/** Forgets, once per boot and in the background, retry histories of events that are gone. */
function pruneRetryHistories(app: INestApplication): void {
  const logger = app.get<Logger>(LOGGER);
  app.get(EventRetryLedger).prune().then(
    (count) => count > 0 && logger.info({ count }, 'forgot retry histories untouched for 30 days'),
    (error: unknown) => logger.warn({ err: describeError(error) }, 'retry histories not pruned'),
  );
}

/** Entry-point wrapper: a boot failure prints one clear line and exits non-zero. */
export function runMain(service: string, start: () => Promise<unknown>): void {
  start().catch((error) => {
    console.error(`${service} failed to start: ${describeError(error)}`);
    process.exit(1);
  });
}
