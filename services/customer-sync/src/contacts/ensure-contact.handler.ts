import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { EnsureContactReply, EnsureContactRequest, RPC } from '@connector/contracts';
import { ContactResolverService } from './contact-resolver.service';

/** invoice-sync asks here for the Zoho contact of an order's customer (core-NATS request/reply). */
@Controller()
export class EnsureContactHandler {
  constructor(private readonly resolver: ContactResolverService) {}

  @MessagePattern(RPC.ensureContact)
  ensureContact(@Payload() request: EnsureContactRequest): Promise<EnsureContactReply> {
    return this.resolver.ensureContact(request);
  }
}
