import { BeforeApplicationShutdown, Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import type { Logger } from '@connector/common';
import { CONSUMERS, replayRpc, StartReplayReply, StartReplayRequest, Topology } from '@connector/contracts';
import { ReplayJobs, ReplayProgress, replayConsumerName, replaySpecFrom } from '@connector/messaging';
import { DeadLetterStore, ReplayEntity } from '@connector/persistence';
import { LOGGER, NATS_CONNECTION, PLATFORM_CONFIG, retrySettings, TOPOLOGY } from '@connector/platform';
import type { CatalogSyncConfig } from '../catalog-sync.config';
import { ProductRefreshService } from './product-refresh.service';
import { ProductReplayPreview } from './replay-product-preview';

const SERVICE = 'catalog-sync';

/**
 * Replays of product events, started by token-service: each runs in the background on its own
 * consumer through the live handler (a dry run through the preview), answering at once.
 */
@Controller()
export class ReplayHandler implements BeforeApplicationShutdown {
  private readonly jobs = new ReplayJobs();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM_CONFIG) private readonly config: CatalogSyncConfig,
    private readonly dataSource: DataSource,
    private readonly deadLetters: DeadLetterStore,
    private readonly products: ProductRefreshService,
    private readonly preview: ProductReplayPreview,
  ) {}

  @MessagePattern(replayRpc(SERVICE))
  async start(@Payload() request: StartReplayRequest): Promise<StartReplayReply> {
    const spec = replaySpecFrom(request, SERVICE, 'product');
    const consumer = replayConsumerName(spec.replayId, SERVICE);
    const rows = this.dataSource.getRepository(ReplayEntity);
    return this.jobs.start(
      {
        connection: this.nc,
        topology: this.topology,
        handler: (event, dryRun) => (dryRun ? this.preview.handle(event, dryRun) : this.products.handle(event)),
        report: (progress: ReplayProgress) =>
          rows.update({ id: spec.replayId, service: SERVICE }, { ...progress, lastSeq: progress.lastSeq?.toString() ?? null, consumer, updatedAt: new Date() }),
        deadLetters: this.deadLetters,
        liveConsumer: CONSUMERS.catalogSync,
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
