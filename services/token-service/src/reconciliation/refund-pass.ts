import type { RefundCreditState } from '@connector/persistence';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How often a scheduled sweep re-reads recent orders for refunds the pipeline never saw (a manual
 * sweep always does). Once a day: the pass reads every order created in the window, not only
 * those modified since the checkpoint, so it costs a page per 100 such orders.
 */
export const REFUND_PASS_INTERVAL_MS = DAY_MS;

/** Orders created this long ago or less are re-read; refunds come within weeks of a sale. */
export const REFUND_WINDOW_MS = 90 * DAY_MS;

/**
 * Credit notes that stand in Zoho for their refund: a refund deleted in the store while one of these
 * holds it must have its credit note voided (a `failed` refund is the dead letters' business, and a
 * `skipped` or `voided` one has nothing left to undo).
 */
const STANDING: ReadonlySet<RefundCreditState> = new Set(['creating', 'credited']);

/** What invoice-sync recorded of one refund (`refund_credits`). */
export interface RecordedRefund {
  refundId: string;
  state: RefundCreditState;
}

/**
 * Why an invoiced order's refunds and the credit notes recorded for it differ, or undefined when
 * they agree. The order's `refunds[]` (`{id, reason, total}`) is compared by id with invoice-sync's
 * records: a refund with no record at all was never seen (its `order.updated` was lost, and before
 * WooCommerce 7.6 a partial refund left the order's date_modified as it was, so no sweep by
 * modification time lists it); a credit note standing for a refund the store no longer has was
 * never voided (deleting a refund never moves date_modified, and fires no webhook before 11.2).
 * Any record counts as seen, whatever its outcome, so an order is published again only until
 * invoice-sync has looked at each refund once.
 */
export function refundsOutOfStep(storeRefunds: ReadonlyArray<{ id: number }>, recorded: readonly RecordedRefund[]): string | undefined {
  const inStore = new Set(storeRefunds.map((refund) => String(refund.id)));
  const seen = new Set(recorded.map((record) => record.refundId));
  const unseen = [...inStore].filter((id) => !seen.has(id));
  const deleted = recorded.filter((record) => STANDING.has(record.state) && !inStore.has(record.refundId)).map((record) => record.refundId);
  const parts = [
    ...(unseen.length ? [`refund${unseen.length > 1 ? 's' : ''} ${unseen.join(', ')} in the store never credited`] : []),
    ...(deleted.length ? [`refund${deleted.length > 1 ? 's' : ''} ${deleted.join(', ')} deleted in the store, credit note standing`] : []),
  ];
  return parts.length ? parts.join('; ') : undefined;
}

/** Whether the refund pass is due: every manual sweep, a scheduled one once per interval. */
export function refundPassDue(trigger: 'schedule' | 'manual', lastPass: Date | undefined, now: Date): boolean {
  return trigger === 'manual' || !lastPass || now.getTime() - lastPass.getTime() >= REFUND_PASS_INTERVAL_MS;
}

/** A scheduled pass publishes an order left out of step as it was again after this long, in case its one publish was lost on the way. */
export const REFUND_REPUBLISH_AFTER_MS = 7 * DAY_MS;

/** An order a refund pass found out of step: why, and when it was last published for it. */
export interface OutOfStepOrder {
  why: string;
  publishedAt: string;
}

/** The orders a refund pass found out of step, by id; kept with its checkpoint for the next pass. */
export type OutOfStepOrders = Record<string, OutOfStepOrder>;

/**
 * Whether a scheduled pass publishes an out-of-step order again: when why it is out of step
 * changed since it was last published, or a week passed. What stays the same is what invoice-sync
 * leaves so on purpose (a refund of an invoice the owner voided in Zoho is said on the order's
 * every event, not recorded) or a failure its dead letter shows; publishing it every day would
 * cost a store read, a Zoho read and audit notes each time. A manual sweep publishes every one:
 * someone asked to look again.
 */
export function publishesAgain(trigger: 'schedule' | 'manual', orderId: number, why: string, lastPass: OutOfStepOrders, now: Date): boolean {
  const last = lastPass[orderId];
  return trigger === 'manual' || !last || last.why !== why || now.getTime() - Date.parse(last.publishedAt) >= REFUND_REPUBLISH_AFTER_MS;
}

/** The out-of-step orders a pass recorded (`outOfStep` in its checkpoint's last result), or none. */
export function outOfStepAtLastPass(lastResult: unknown): OutOfStepOrders {
  const recorded = (lastResult as { outOfStep?: unknown } | null | undefined)?.outOfStep;
  if (!recorded || typeof recorded !== 'object') return {};
  const valid: OutOfStepOrders = {};
  for (const [id, entry] of Object.entries(recorded as Record<string, unknown>)) {
    const { why, publishedAt } = (entry ?? {}) as Partial<OutOfStepOrder>;
    if (typeof why === 'string' && typeof publishedAt === 'string') valid[id] = { why, publishedAt };
  }
  return valid;
}
