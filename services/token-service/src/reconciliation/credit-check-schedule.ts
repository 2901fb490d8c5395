const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long after a credit note was left open on a draft invoice the sweep checks whether the
 * owner has sent that invoice in Zoho: soon at first (an owner sends drafts within hours or a day),
 * then ever more rarely, and not after 30 days. Each check costs one Zoho read of the invoice, so a
 * store that keeps its invoices as drafts for good spends 7 calls per refunded order, not one per
 * sweep; past the last check the order's next change, a replay or the owner applies the credit.
 */
export const CREDIT_CHECK_AGES_MS: readonly number[] = [HOUR_MS, 6 * HOUR_MS, DAY_MS, 3 * DAY_MS, 7 * DAY_MS, 14 * DAY_MS, 30 * DAY_MS];

/**
 * Whether a check of a credit waiting since `since` falls due between the connection's last
 * credit pass (`lastPass`; undefined: none yet) and `now`: a check age was reached in between.
 * Stateless per order, so nothing is kept for the orders but the pass's own time.
 */
export function creditCheckDue(since: Date, lastPass: Date | undefined, now: Date): boolean {
  const reached = (at: Date) => CREDIT_CHECK_AGES_MS.filter((age) => at.getTime() - since.getTime() >= age).length;
  return reached(now) > (lastPass ? reached(lastPass) : 0);
}

/** "3 h" or "2 d": an age in the audit trail's words. */
export function describeAge(ms: number): string {
  return ms < DAY_MS ? `${Math.max(0, Math.floor(ms / HOUR_MS))} h` : `${Math.floor(ms / DAY_MS)} d`;
}
