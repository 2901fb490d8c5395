import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@connector/common';
import { AuditDecision, DecisionAudit, LOGGER } from '@connector/platform';
import { AuditTrail } from '@connector/persistence';

export const SERVICE = 'catalog-sync';

/** A decision about a product: `resourceId` is the product id, or `product:variation`; null for a whole-catalogue entry. */
export type CatalogDecision = AuditDecision;

/** Writes catalog-sync's decisions about products, and the Zoho calls behind them, to the audit trail. */
@Injectable()
export class CatalogAudit extends DecisionAudit {
  constructor(trail: AuditTrail, @Inject(LOGGER) logger: Logger) {
    super(trail, logger, { service: SERVICE, resource: 'product' });
  }
}
