import type { FactoryProvider } from '@nestjs/common';
import { describeError, isTransient, Logger } from '@connector/common';
import { AuditRecord, AuditTrail } from '@connector/persistence';
import { LOGGER, SERVICE_NAME } from '../tokens';
import type { ZohoCallLog } from './zoho-call-log';

/** One decision of a sync service about one resource, as its audit entry records it. */
export interface AuditDecision {
  connectionId: string;
  /** The store's id of the resource (or what stands for it, e.g. a guest's email); null for a whole-store entry. */
  resourceId: string | null;
  action: string;
  outcome: AuditRecord['outcome'];
  message: string;
  detail?: Record<string, unknown>;
  /** The Zoho calls behind the decision (request and response bodies, never tokens). */
  calls?: ZohoCallLog;
  correlationId?: string | null;
  streamSeq?: number | null;
}

/** Writes one service's decisions about one kind of resource, and the Zoho calls behind them, to the audit trail. */
export class DecisionAudit {
  constructor(
    private readonly trail: AuditTrail,
    private readonly logger: Logger,
    private readonly scope: { service: string; resource: string },
  ) {}

  async record(decision: AuditDecision): Promise<void> {
    const zohoCalls = decision.calls && decision.calls.count > 0 ? decision.calls.calls : undefined;
    await this.trail.record({
      connectionId: decision.connectionId,
      service: this.scope.service,
      resource: this.scope.resource,
      resourceId: decision.resourceId,
      action: decision.action,
      outcome: decision.outcome,
      message: decision.message,
      detail: decision.detail || zohoCalls ? { ...decision.detail, ...(zohoCalls ? { zohoCalls } : {}) } : undefined,
      correlationId: decision.correlationId ?? null,
      streamSeq: decision.streamSeq ?? null,
    });
  }

  /**
   * Records a failed decision (with the calls made before it failed) and never throws itself, so
   * the caller can rethrow the original error. A transient failure on an event's last delivery is
   * `failed` too: the runner dead-letters it instead of retrying.
   */
  async failure(decision: Omit<AuditDecision, 'outcome' | 'message'>, error: unknown, options: { lastAttempt?: boolean } = {}): Promise<void> {
    const message = describeError(error);
    const outcome = isTransient(error) && !options.lastAttempt ? 'retrying' : 'failed';
    try {
      await this.record({ ...decision, outcome, message });
    } catch (auditError) {
      this.logger.error(
        { connectionId: decision.connectionId, correlationId: decision.correlationId ?? undefined, err: describeError(auditError), reason: message },
        'could not record a failure in the audit trail',
      );
    }
  }
}

/** A sync service's DecisionAudit, for its one kind of resource, under the name PlatformModule was given. */
export function decisionAuditProvider(resource: string): FactoryProvider<DecisionAudit> {
  return {
    provide: DecisionAudit,
    useFactory: (trail: AuditTrail, logger: Logger, service: string) => new DecisionAudit(trail, logger, { service, resource }),
    inject: [AuditTrail, LOGGER, SERVICE_NAME],
  };
}
