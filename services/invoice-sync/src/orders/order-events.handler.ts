import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CONSUMERS } from '@connector/contracts';
import type { InboundEvent } from '@connector/messaging';
import { OrderSyncService } from './order-sync.service';

/** Order events from the audit stream (durable consumer `invoice-sync`). */
@Controller()
export class OrderEventsHandler {
  constructor(private readonly orders: OrderSyncService) {}

  @EventPattern(CONSUMERS.invoiceSync)
  handle(@Payload() event: InboundEvent): Promise<void> {
    return this.orders.handle(event);
  }
}
