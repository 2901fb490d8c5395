import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CONSUMERS } from '@connector/contracts';
import type { InboundEvent } from '@connector/messaging';
import { ProductRefreshService } from './product-refresh.service';

/** Product events from the audit stream (durable consumer `catalog-sync`), when a store sends them. */
@Controller()
export class ProductEventsHandler {
  constructor(private readonly products: ProductRefreshService) {}

  @EventPattern(CONSUMERS.catalogSync)
  handle(@Payload() event: InboundEvent): Promise<void> {
    return this.products.handle(event);
  }
}
