import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CONSUMERS, replayRpc, StartReplayReply, StartReplayRequest } from '@connector/contracts';
import { SyncServiceReplays } from '@connector/platform';
import { AppliedOrderEvents } from './applied-order-events';
import { orderLaneOf } from './order-key';
import { OrderSyncService } from './order-sync.service';

/**
 * Replays of order events, started by token-service: each runs in the background on its own
 * consumer through the live handler (in a dry run, its reporting branch), answering at once.
 * Orders go concurrently, each order's events in stream order; those already applied are passed
 * over in batches.
 */
@Controller()
export class ReplayHandler {
  constructor(
    private readonly replays: SyncServiceReplays,
    private readonly orders: OrderSyncService,
    private readonly applied: AppliedOrderEvents,
  ) {}

  @MessagePattern(replayRpc('invoice-sync'))
  start(@Payload() request: StartReplayRequest): Promise<StartReplayReply> {
    return this.replays.start(request, {
      resource: 'order',
      liveConsumer: CONSUMERS.invoiceSync,
      handler: (event, dryRun) => this.orders.handle(event, { dryRun }),
      keyOf: orderLaneOf,
      applied: this.applied,
    });
  }
}
