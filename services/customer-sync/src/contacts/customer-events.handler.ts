import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CONSUMERS } from '@connector/contracts';
import type { InboundEvent } from '@connector/messaging';
import { ContactSyncService } from './contact-sync.service';

/** Customer events from the audit stream (durable consumer `customer-sync`). */
@Controller()
export class CustomerEventsHandler {
  constructor(private readonly contacts: ContactSyncService) {}

  @EventPattern(CONSUMERS.customerSync)
  handle(@Payload() event: InboundEvent): Promise<void> {
    return this.contacts.handle(event);
  }
}
