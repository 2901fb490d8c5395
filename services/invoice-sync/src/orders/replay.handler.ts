import { BeforeApplicationShutdown, Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import type { Logger } from '@connector/common';
import { CONSUMERS, replayRpc, StartReplayReply, StartReplayRequest, Topology } from '@connector/contracts';
import { ReplayJobs, ReplayProgress, replayConsumerName, replaySpecFrom } from '@connector/messaging';
import { DeadLetterStore, ReplayEntity } from '@connector/persistence';
import { LOGGER, NATS_CONNECTION, PLATFORM_CONFIG, retrySettings, TOPOLOGY } from '@connector/platform';
import type { InvoiceSyncConfig } from '../invoice-sync.config';
import { OrderSyncService } from './order-sync.service';

const SERVICE = 'invoice-sync';

/**
 * Replays of order events, started by token-service: each runs in the background on its own
 * consumer through the live handler (in a dry run, its reporting branch), answering at once.
 */
@Controller()
export class ReplayHandler implements BeforeApplicationShutdown {
  private readonly jobs = new ReplayJobs();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM_CONFIG) private readonly config: InvoiceSyncConfig,
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterStore,
    private readonly orders: OrderSyncService,
  ) {}

  @MessagePattern(replayRpc(SERVICE))
  async start(@Payload() request: StartReplayRequest): Promise<StartReplayReply> {
    const spec = replaySpecFrom(request, SERVICE, 'order');
    const consumer = replayConsumerName(spec.replayId, SERVICE);
    const rows = this.dataSource.getRepository(ReplayEntity);
    return this.jobs.start(
      {
        connection: this.nc,
        topology: this.topology,
        handler: (event, dryRun) => this.orders.handle(event, { dryRun }),
        report: (progress: ReplayProgress) =>
          rows.update({ id: spec.replayId, service: SERVICE }, { ...progress, lastSeq: progress.lastSeq?.toString() ?? null, consumer, updatedAt: new Date() }),
        deadLetters: this.deadLetters,
        liveConsumer: CONSUMERS.invoiceSync,
        retry: retrySettings(this.config),
        ackWaitMs: this.config.ACK_WAIT_MS,
        logger: this.logger,
      },
      spec,
    );
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.jobs.stopAll(`${SERVICE} shut down`);
  }
}
