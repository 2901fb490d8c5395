import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RPC, ZohoInvalidateReply, ZohoInvalidateRequest, ZohoSessionReply, ZohoSessionRequest } from '@connector/contracts';
import { ZohoTokenManager } from './zoho-token.manager';

/** How the sync services get Zoho tokens: core-NATS request/reply, never a shared secret. */
@Controller()
export class ZohoSessionHandler {
  constructor(private readonly tokens: ZohoTokenManager) {}

  @MessagePattern(RPC.zohoSession)
  session(@Payload() request: ZohoSessionRequest): Promise<ZohoSessionReply> {
    return this.tokens.session(request.connectionId);
  }

  @MessagePattern(RPC.zohoInvalidate)
  invalidate(@Payload() request: ZohoInvalidateRequest): Promise<ZohoInvalidateReply> {
    return this.tokens.invalidate(request.connectionId, request.accessToken, { freshTokenRefused: request.freshTokenRefused === true });
  }
}
