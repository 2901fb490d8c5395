import { Inject, Injectable } from '@nestjs/common';
import { describeError, isTransient, Logger } from '@connector/common';
import { LOGGER } from '@connector/platform';
import { AuditRecord, AuditTrail } from '@connector/persistence';
import type { ZohoCallLog } from './zoho-call-log';

export const SERVICE = 'customer-sync';

export interface ContactDecision {
  connectionId: string;
  /** The store customer id, or the normalized email for a guest. */
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

/** Writes this service's decisions, and the Zoho calls behind them, to the audit trail. */
@Injectable()
export class ContactAudit {
  constructor(
    private readonly trail: AuditTrail,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record(decision: ContactDecision): Promise<void> {
    const zohoCalls = decision.calls && decision.calls.count > 0 ? decision.calls.calls : undefined;
    await this.trail.record({
      connectionId: decision.connectionId,
      service: SERVICE,
      resource: 'customer',
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
  async failure(decision: Omit<ContactDecision, 'outcome' | 'message'>, error: unknown, options: { lastAttempt?: boolean } = {}): Promise<void> {
    const message = describeError(error);
    const outcome = isTransient(error) && !options.lastAttempt ? 'retrying' : 'failed';
    try {
      await this.record({ ...decision, outcome, message });
    } catch (auditError) {
      this.logger.error({ connectionId: decision.connectionId, err: describeError(auditError), reason: message }, 'could not record a failure in the audit trail');
    }
  }
}
