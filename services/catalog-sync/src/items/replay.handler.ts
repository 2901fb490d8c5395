import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CONSUMERS, replayRpc, StartReplayReply, StartReplayRequest } from '@connector/contracts';
import { SyncServiceReplays } from '@connector/platform';
import { ProductRefreshService } from './product-refresh.service';
import { ProductReplayPreview } from './replay-product-preview';

/**
 * Replays of product events, started by token-service: each runs in the background on its own
 * consumer through the live handler (a dry run through the preview), answering at once.
 */
@Controller()
export class ReplayHandler {
  constructor(
    private readonly replays: SyncServiceReplays,
    private readonly products: ProductRefreshService,
    private readonly preview: ProductReplayPreview,
  ) {}

  @MessagePattern(replayRpc('catalog-sync'))
  start(@Payload() request: StartReplayRequest): Promise<StartReplayReply> {
    return this.replays.start(request, {
      resource: 'product',
      liveConsumer: CONSUMERS.catalogSync,
      handler: (event, dryRun) => (dryRun ? this.preview.handle(event, dryRun) : this.products.handle(event)),
    });
  }
}
