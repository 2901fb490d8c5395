import { Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BodyTooLargeError, readRawBody } from './raw-body';
import { DeliveryIntake } from './delivery-intake.service';
import { GATEWAY_CONFIG } from './tokens';
import type { GatewayConfig } from '../gateway.config';

/** The URL a WooCommerce store delivers to: `POST /webhooks/woocommerce/:connectionId`. */
@Controller('webhooks/woocommerce')
export class WebhooksController {
  constructor(
    private readonly intake: DeliveryIntake,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Post(':connectionId')
  @HttpCode(200)
  async receive(@Param('connectionId') connectionId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    let body: Buffer;
    try {
      body = await readRawBody(req, this.config.MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.status(413).json({ error: 'body_too_large', message: error.message });
        return;
      }
      res.status(400).json({ error: 'unreadable_body', message: 'The request body could not be read' });
      return;
    }
    const result = await this.intake.accept({ connectionId, headers: req.headers, body });
    res.status(result.status).json(result.body);
  }
}
