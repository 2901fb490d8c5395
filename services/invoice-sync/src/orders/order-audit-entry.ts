import type { InboundEvent } from '@connector/messaging';
import type { AuditRecord } from '@connector/persistence';

const SERVICE = 'invoice-sync';

/** What became of one order event. */
export interface Outcome {
  action: string;
  outcome: 'ok' | 'skipped' | 'failed' | 'retrying' | 'dry-run';
  message: string;
  detail?: Record<string, unknown>;
}

/** The audit-trail entry of one order event's outcome. */
export function orderAuditEntry(event: InboundEvent, resourceId: string | null, outcome: Outcome): AuditRecord {
  return {
    connectionId: event.connectionId,
    service: SERVICE,
    streamSeq: event.seq,
    resource: 'order',
    resourceId,
    action: outcome.action,
    outcome: outcome.outcome,
    message: outcome.message,
    detail: outcome.detail,
    correlationId: event.correlationId,
  };
}
