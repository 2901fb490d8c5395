import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@connector/platform';
import { GatewayConfig } from './gateway.config';
import { DeliveryIntake } from './webhooks/delivery-intake.service';
import { GatewayMetrics } from './webhooks/gateway.metrics';
import { GATEWAY_CONFIG } from './webhooks/tokens';
import { WebhookPingNotices } from './webhooks/webhook-ping-notices';
import { WebhookSecretCache } from './webhooks/webhook-secret.cache';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [PlatformModule.forRoot({ service: 'webhook-gateway', config })],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, DeliveryIntake, WebhookSecretCache, GatewayMetrics, WebhookPingNotices],
    };
  }
}
