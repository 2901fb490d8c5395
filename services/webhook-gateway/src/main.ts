import 'reflect-metadata';
import cluster from 'node:cluster';
import { INestApplication } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { loadConfig } from '@connector/common';
import { bootstrapService, NATS_CONNECTION, PlatformMetrics, runMain } from '@connector/platform';
import { GatewayModule } from './app.module';
import { serveClusterMetrics } from './cluster/cluster-metrics';
import { runGatewayWorkers } from './cluster/gateway-workers';
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
      if (cluster.isWorker) serveClusterMetrics(app.get(PlatformMetrics));
    },
  });
}

/** One process, or (GATEWAY_WORKERS > 1) a supervising primary with that many workers on one port. */
async function main(): Promise<void> {
  const config = loadConfig(GatewayConfig);
  if (cluster.isPrimary && config.GATEWAY_WORKERS > 1) {
    await runGatewayWorkers(config.GATEWAY_WORKERS, config.LOG_LEVEL);
    return;
  }
  await startGateway();
}

if (require.main === module) runMain('webhook-gateway', main);
