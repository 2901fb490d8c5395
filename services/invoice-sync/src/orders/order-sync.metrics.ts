import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { PlatformMetrics } from '@connector/platform';

@Injectable()
export class OrderSyncMetrics {
  /** From the gateway receiving the delivery to its order being settled in Zoho (end to end). */
  readonly endToEnd: Histogram;
  /** Refunds booked: credit notes created (or found again after a lost answer), voided, or failed. */
  readonly creditNotes: Counter<'outcome'>;
  /** Paid orders booked: customer payments recorded (or found again after a lost answer), skipped, or failed. */
  readonly payments: Counter<'outcome'>;

  constructor(platform: PlatformMetrics) {
    this.creditNotes = new Counter({
      name: 'connector_credit_notes_total',
      help: 'Refunds booked as Zoho credit notes, by outcome (created, recovered, voided, failed; cash-refunded: its money given back for a paid order)',
      labelNames: ['outcome'],
      registers: [platform.registry],
    });
    this.payments = new Counter({
      name: 'connector_payments_total',
      help: 'Paid orders booked as Zoho customer payments, by outcome (recorded, recovered, reapplied to an invoice whose total changed, skipped, failed)',
      labelNames: ['outcome'],
      registers: [platform.registry],
    });
    this.endToEnd = new Histogram({
      name: 'connector_order_to_invoice_seconds',
      help: 'Time from the webhook reaching the gateway to its order being handled (invoice written, voided or skipped)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30, 60, 300],
      registers: [platform.registry],
    });
  }
}
