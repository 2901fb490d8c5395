import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@connector/common';
import { AuditDecision, DecisionAudit, LOGGER } from '@connector/platform';
import { AuditTrail } from '@connector/persistence';

export const SERVICE = 'customer-sync';

/** A decision about a customer: `resourceId` is the store customer id, or the normalized email for a guest. */
export type ContactDecision = AuditDecision;

/** Writes customer-sync's decisions about customers, and the Zoho calls behind them, to the audit trail. */
@Injectable()
export class ContactAudit extends DecisionAudit {
  constructor(trail: AuditTrail, @Inject(LOGGER) logger: Logger) {
    super(trail, logger, { service: SERVICE, resource: 'customer' });
  }
}
