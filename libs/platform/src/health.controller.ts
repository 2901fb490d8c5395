import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import { missingConsumers } from '@connector/messaging';
import { PlatformMetrics } from './metrics';
import { NATS_CONNECTION } from './tokens';

/**
 * Liveness (the process answers), readiness (NATS and PostgreSQL reachable, no durable consumer of
 * this service gone) and Prometheus metrics.
 */
@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly metrics: PlatformMetrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get(['health', 'health/ready'])
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const check = this.indicators.check('nats');
        return this.nc.isClosed() ? check.down({ message: 'closed' }) : await this.natsRoundTrip(check);
      },
      () => {
        // What the pull loops last found (no call to NATS): a consumer deleted, or lost with the
        // stream, feeds this service nothing until the transport has re-created it.
        const check = this.indicators.check('consumers');
        const missing = missingConsumers.list();
        if (missing.length === 0) return check.up();
        return check.down({ missing: missing.map((m) => ({ stream: m.stream, consumer: m.durable, since: m.since.toISOString() })) });
      },
      async () => {
        const check = this.indicators.check('postgres');
        try {
          await this.dataSource.query('SELECT 1');
          return check.up();
        } catch (error) {
          return check.down({ message: (error as Error).message });
        }
      },
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus(): Promise<string> {
    return this.metrics.render();
  }

  private async natsRoundTrip(check: ReturnType<HealthIndicatorService['check']>) {
    try {
      const rtt = await this.nc.rtt();
      return check.up({ rttMs: rtt });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
