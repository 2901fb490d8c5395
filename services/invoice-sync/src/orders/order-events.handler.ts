import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CONSUMERS } from '@connector/contracts';
import type { InboundEvent } from '@connector/messaging';
import { OrderSyncMetrics } from './order-sync.metrics';
import { OrderSyncService } from './order-sync.service';

/** Order events from the audit stream (durable consumer `invoice-sync`). */
@Controller()
export class OrderEventsHandler {
  constructor(
    private readonly orders: OrderSyncService,
    private readonly metrics: OrderSyncMetrics,
  ) {}

  @EventPattern(CONSUMERS.invoiceSync)
  async handle(@Payload() event: InboundEvent): Promise<void> {
    await this.orders.handle(event);
    const receivedAt = event.receivedAt ? Date.parse(event.receivedAt) : NaN;
    if (Number.isFinite(receivedAt)) this.metrics.endToEnd.observe((Date.now() - receivedAt) / 1000);
  }
}
