import type { WebhookCheck } from './webhook-health.service';

/** What one pass over a resource found and did. */
export interface ResourceSweep {
  /** Store snapshots modified since the checkpoint (overlap included, repeats dropped). */
  examined: number;
  /** Lacking snapshots published to the audit stream. */
  published: number;
  /** Lacking snapshots the audit stream already held (published moments ago, not yet applied). */
  duplicates: number;
  /** Snapshots the sync services had applied already. */
  inStep: number;
  /** Checkpoint after the pass. */
  checkpoint: string;
  error?: string;
}

/** What the pass over credit notes waiting for their invoice to be sent in Zoho did. */
export interface CreditSweep {
  /** Orders with a credit note open on a draft invoice. */
  awaiting: number;
  /** Of those, the ones due a check (all of them on a manual sweep), read from the store and published. */
  published: number;
  /** Due, but no longer in the store (deleted for good): left to the owner. */
  gone: number;
  error?: string;
}

/** What the pass over recent orders' refunds did (see refund-pass.ts). */
export interface RefundSweep {
  /** False when it was not due: a scheduled sweep makes this pass once a day, a manual one always. */
  ran: boolean;
  /** Orders created in the window, read from the store. */
  examined: number;
  /** Invoiced orders whose refunds differ from the credit notes recorded, published. */
  published: number;
  /** Of those, snapshots the audit stream already held (published moments ago, not yet applied). */
  duplicates: number;
  /**
   * Out of step exactly as at the last pass, so not published again by a scheduled sweep: what
   * invoice-sync leaves so on purpose (a refund of an invoice the owner voided in Zoho is said on the
   * order's every event, not recorded), or a failure its dead letter shows.
   */
  unchanged?: number;
  error?: string;
}

export interface SweepResult {
  connectionId: string;
  trigger: 'schedule' | 'manual';
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  webhooks: WebhookCheck;
  orders: ResourceSweep;
  customers: ResourceSweep;
  credits: CreditSweep;
  refunds: RefundSweep;
}

export function emptySweep(checkpoint: string): ResourceSweep {
  return { examined: 0, published: 0, duplicates: 0, inStep: 0, checkpoint };
}

/** One line for logs and the audit trail. */
export function describeSweep(result: SweepResult): string {
  const part = (name: string, sweep: ResourceSweep) =>
    sweep.error ? `${name}: failed (${sweep.error})` : `${name}: ${sweep.examined} examined, ${sweep.published} published, ${sweep.inStep} in step`;
  const hooks = result.webhooks.error
    ? `webhooks: ${result.webhooks.error}`
    : result.webhooks.repaired
      ? `webhooks: repaired (${result.webhooks.problems.map((p) => p.message).join('; ')})`
      : `webhooks: ${result.webhooks.healthy ? 'healthy' : 'not healthy'}`;
  const { credits } = result;
  const waiting = credits.error
    ? `credits awaiting a sent invoice: failed (${credits.error})`
    : `credits awaiting a sent invoice: ${credits.awaiting} orders, ${credits.published} checked${credits.gone ? `, ${credits.gone} no longer in the store` : ''}`;
  const { refunds } = result;
  const refundPass = refunds.error
    ? `refunds: failed (${refunds.error})`
    : `refunds: ${refunds.examined} recent orders read, ${refunds.published} with refunds not booked published${refunds.unchanged ? `, ${refunds.unchanged} as at the last pass left` : ''}`;
  return [
    part('orders', result.orders),
    part('customers', result.customers),
    ...(credits.awaiting || credits.error ? [waiting] : []),
    ...(refunds.ran || refunds.error ? [refundPass] : []),
    hooks,
  ].join('; ');
}
