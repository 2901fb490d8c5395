import { DynamicModule, Module } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { BackfillController } from './backfill.controller';
import { BackfillJobs } from './backfill-jobs';
import { BackfillRunner } from './backfill.runner';
import { BackfillService } from './backfill.service';
import { PipelineState } from './pipeline-state';
import { ReconcileCheckpoints } from './reconcile-checkpoints';
import { ReconcileScheduler } from './reconcile.scheduler';
import { ReconcileService } from './reconcile.service';
import { ReconciliationController } from './reconciliation.controller';
import { SnapshotPublisher } from './snapshot-publisher';
import { WebhookHealthService } from './webhook-health.service';
import { WebhookReactivations } from './webhook-reactivations';

/**
 * Missed webhooks: the reconciliation sweep (scheduled and on demand), backfills from a date, and
 * the health of the store's webhooks. Needs the platform module (database, NATS, credentials) and
 * the alerts module.
 */
@Module({})
export class ReconciliationModule {
  static forRoot(config: TokenServiceConfig): DynamicModule {
    return {
      module: ReconciliationModule,
      controllers: [ReconciliationController, BackfillController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        AdminTokenGuard,
        PipelineState,
        SnapshotPublisher,
        ReconcileCheckpoints,
        WebhookReactivations,
        WebhookHealthService,
        ReconcileService,
        ReconcileScheduler,
        BackfillJobs,
        BackfillRunner,
        BackfillService,
      ],
    };
  }
}
