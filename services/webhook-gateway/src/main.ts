import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { loadConfig } from '@connector/common';
import { bootstrapService, NATS_CONNECTION, runMain } from '@connector/platform';
import { GatewayModule } from './app.module';
import { GatewayConfig } from './gateway.config';
import { DeliveryIntake } from './webhooks/delivery-intake.service';
import { serveWebhooksFirst } from './webhooks/webhook-route';

/** Leaves room for NATS headers inside the server's max_payload. */
const HEADER_ALLOWANCE = 16 * 1024;

export async function startGateway(env: NodeJS.ProcessEnv = process.env): Promise<INestApplication> {
  const config = loadConfig(GatewayConfig, env);
  return bootstrapService({
    module: GatewayModule.forRoot(config) as never,
    service: 'webhook-gateway',
    port: config.GATEWAY_PORT,
    host: config.GATEWAY_HOST,
    bodyParser: false,
    configure: (app) => {
      const maxPayload = app.get<NatsConnection>(NATS_CONNECTION).info?.max_payload;
      if (maxPayload && config.MAX_BODY_BYTES > maxPayload - HEADER_ALLOWANCE) {
        config.MAX_BODY_BYTES = maxPayload - HEADER_ALLOWANCE;
      }
      serveWebhooksFirst(app.getHttpServer(), app.get(DeliveryIntake), () => config.MAX_BODY_BYTES);
    },
  });
}

if (require.main === module) runMain('webhook-gateway', () => startGateway());
