import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { describeError, Logger } from '@connector/common';
import { LOGGER } from '@connector/platform';
import { ConnectionStore } from '@connector/persistence';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { PeriodicTask } from './periodic-task';
import { ReconcileCheckpoints } from './reconcile-checkpoints';
import { ReconcileService } from './reconcile.service';

/** How often the scheduler looks for connections due a sweep (at most; shorter intervals look more often). */
const MAX_TICK_MS = 30_000;

/**
 * Sweeps every connection each RECONCILE_INTERVAL_SECONDS (0: never). Every instance runs the
 * clock, but a connection is due only when its last sweep — by any instance, as recorded in
 * `reconcile_checkpoints` — is older than the interval, and a sweep holds the connection's lock, so
 * instances neither sweep at once nor one right after the other.
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly intervalMs: number;
  private readonly task: PeriodicTask | undefined;

  constructor(
    private readonly connections: ConnectionStore,
    private readonly checkpoints: ReconcileCheckpoints,
    private readonly reconcile: ReconcileService,
    @Inject(SERVICE_CONFIG) config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.intervalMs = config.RECONCILE_INTERVAL_SECONDS * 1000;
    this.task = this.intervalMs > 0 ? new PeriodicTask('reconciliation schedule', Math.min(this.intervalMs, MAX_TICK_MS), () => this.sweepDue(), logger) : undefined;
  }

  onApplicationBootstrap(): void {
    this.task?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Sweeps, one after the other, the connections whose last sweep is older than the interval. */
  async sweepDue(now = Date.now()): Promise<void> {
    for (const connection of await this.connections.list()) {
      try {
        const last = await this.checkpoints.lastSweptAt(connection.id);
        if (last && now - last.getTime() < this.intervalMs) continue;
        await this.reconcile.sweepIfFree(connection);
      } catch (error) {
        this.logger.error({ connectionId: connection.id, err: describeError(error) }, 'scheduled reconciliation sweep failed');
      }
    }
  }
}
