import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { PlatformMetrics } from '@connector/platform';

@Injectable()
export class GatewayMetrics {
  readonly deliveries: Counter<'outcome' | 'reason'>;
  readonly publishSeconds: Histogram;

  constructor(platform: PlatformMetrics) {
    this.deliveries = new Counter({
      name: 'connector_gateway_deliveries_total',
      help: 'WooCommerce deliveries by outcome (accepted, recorded, ping, rejected, failed) and reason',
      labelNames: ['outcome', 'reason'],
      registers: [platform.registry],
    });
    this.publishSeconds = new Histogram({
      name: 'connector_gateway_ack_seconds',
      help: 'Time from receiving a verified delivery to the JetStream acknowledgement',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [platform.registry],
    });
  }
}
