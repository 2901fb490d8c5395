import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import { PlatformMetrics } from './metrics';
import { NATS_CONNECTION } from './tokens';

/** Liveness (the process answers), readiness (NATS and PostgreSQL reachable) and Prometheus metrics. */
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
