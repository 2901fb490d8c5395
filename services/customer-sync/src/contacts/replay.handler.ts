import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CONSUMERS, replayRpc, StartReplayReply, StartReplayRequest } from '@connector/contracts';
import { SyncServiceReplays } from '@connector/platform';
import { ContactSyncService } from './contact-sync.service';
import { ContactReplayPreview } from './replay-contact-preview';

/**
 * Replays of customer events, started by token-service: each runs in the background on its own
 * consumer through the live handler (a dry run through the preview), answering at once.
 */
@Controller()
export class ReplayHandler {
  constructor(
    private readonly replays: SyncServiceReplays,
    private readonly contacts: ContactSyncService,
    private readonly preview: ContactReplayPreview,
  ) {}

  @MessagePattern(replayRpc('customer-sync'))
  start(@Payload() request: StartReplayRequest): Promise<StartReplayReply> {
    return this.replays.start(request, {
      resource: 'customer',
      liveConsumer: CONSUMERS.customerSync,
      handler: (event, dryRun) => (dryRun ? this.preview.handle(event, dryRun) : this.contacts.handle(event)),
    });
  }
}
