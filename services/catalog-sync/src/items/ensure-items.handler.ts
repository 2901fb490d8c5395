import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EnsureItemsReply, EnsureItemsRequest, RPC } from '@connector/contracts';
import { ItemResolverService } from './item-resolver.service';

/** invoice-sync asks here for the Zoho items of an order's lines (core-NATS request/reply). */
@Controller()
export class EnsureItemsHandler {
  constructor(private readonly resolver: ItemResolverService) {}

  @MessagePattern(RPC.ensureItems)
  ensureItems(@Payload() request: EnsureItemsRequest): Promise<EnsureItemsReply> {
    return this.resolver.ensureItems(request);
  }
}
