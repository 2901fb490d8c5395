import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import type { Logger } from '@connector/common';
import type { StartReplayReply, StartReplayRequest, Topology } from '@connector/contracts';
import { AppliedEvents, InboundEvent, ReplayHandler, ReplayJobs, ReplayProgress, replayConsumerName, replaySpecFrom } from '@connector/messaging';
import { DeadLetterStore, ReplayEntity } from '@connector/persistence';
import { retrySettings, SyncServiceConfig } from './sync-service.config';
import { LOGGER, NATS_CONNECTION, PLATFORM_CONFIG, SERVICE_NAME, TOPOLOGY } from './tokens';

/** What one sync service replays, and how it handles the events. */
export interface ServiceReplay {
  resource: string;
  /** The live consumer of the same events: a replayed event that succeeds closes its dead letter. */
  liveConsumer: string;
  handler: ReplayHandler;
  /** Events with the same key keep their order; without it the replay goes one event at a time. */
  keyOf?: (event: InboundEvent) => string;
  applied?: AppliedEvents;
}

/**
 * The replays of a sync service, started by token-service's start-replay RPC: each runs in the
 * background on its own consumer with the service's retry settings and CONCURRENCY, its progress
 * written to its row of `replays`; they stop together when the service shuts down.
 */
@Injectable()
export class SyncServiceReplays implements BeforeApplicationShutdown {
  private readonly jobs = new ReplayJobs();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM_CONFIG) private readonly config: SyncServiceConfig,
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterStore,
  ) {}

  /** Answers once the replay's consumer exists; the replay itself runs on. */
  start(request: StartReplayRequest, replay: ServiceReplay): Promise<StartReplayReply> {
    const spec = replaySpecFrom(request, this.service, replay.resource);
    const consumer = replayConsumerName(spec.replayId, this.service);
    const rows = this.dataSource.getRepository(ReplayEntity);
    return this.jobs.start(
      {
        connection: this.nc,
        topology: this.topology,
        handler: replay.handler,
        keyOf: replay.keyOf,
        applied: replay.applied,
        concurrency: this.config.CONCURRENCY,
        report: (progress: ReplayProgress) =>
          rows.update({ id: spec.replayId, service: this.service }, { ...progress, lastSeq: progress.lastSeq?.toString() ?? null, consumer, updatedAt: new Date() }),
        deadLetters: this.deadLetters,
        liveConsumer: replay.liveConsumer,
        retry: retrySettings(this.config),
        ackWaitMs: this.config.ACK_WAIT_MS,
        logger: this.logger,
      },
      spec,
    );
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.jobs.stopAll(`${this.service} shut down`);
  }
}
