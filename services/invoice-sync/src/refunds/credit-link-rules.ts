import { Decimal } from '@connector/accounting';
import type { WooOrder, WooRefund } from '@connector/contracts';
import { AWAITS_SENT_INVOICE, RefundCreditEntity } from '@connector/persistence';

/*
 * What a refund's credit note link says of itself, read by the refund step, the replay shortcut
 * and the repository alike: one place for the reasons' markers.
 */

/** What of a credit note is neither applied to the invoice nor given back to the customer. */
export function openCredit(link: RefundCreditEntity): Decimal {
  return Decimal.from(link.zohoTotal ?? '0').sub(link.appliedAmount ?? '0').sub(link.cashRefundedAmount ?? '0');
}

/**
 * A credit note left open only because its invoice was a draft, to be applied once the invoice is
 * sent (`ordersAwaitingSentInvoice` asks the same of the table). Not one Zoho refused to apply,
 * nor the rest above a settled invoice's balance: those are the owner's to settle in Zoho, and
 * asking again on every event would spend calls on a refusal.
 */
export function awaitsSentInvoice(link: RefundCreditEntity): boolean {
  return link.state === 'credited' && !!link.reason?.includes(AWAITS_SENT_INVOICE) && openCredit(link).isPositive();
}

/** How a credit note's reason says it was voided with the order's invoice (order cancelled or failed). */
const VOIDED_WITH_INVOICE = ' is void (order ';

/** The reason of credit notes voided because the order's invoice was. */
export function voidedWithInvoiceReason(invoiceName: string, orderStatus: string): string {
  return `invoice ${invoiceName}${VOIDED_WITH_INVOICE}${orderStatus})`;
}

/**
 * A credit note voided with its invoice, not because its refund was deleted: when the invoice is
 * reinstated (the order invoiced again), the refund is credited anew.
 */
export function voidedWithInvoice(link: RefundCreditEntity): boolean {
  return link.state === 'voided' && !!link.reason?.includes(VOIDED_WITH_INVOICE);
}

/** How a credit note's reason says it is kept because refunds are recorded on it in Zoho. */
const KEPT_WITH_REFUNDS = ' refunds are recorded on it in Zoho';

/**
 * The reason of a credit note that was to be voided (`why`) but Zoho refuses: refunds recorded on
 * it (the owner's Refund in Zoho, as the README asks without settings.paymentAccountId) mean the
 * money went back, which voiding would not undo. It is kept, as Connector's own cash-refunded notes are.
 */
export function keptWithRefundsReason(why: string, creditNoteName: string): string {
  return `${why}, but credit note ${creditNoteName} is kept:${KEPT_WITH_REFUNDS} (the money went back to the customer); to undo it, delete those refunds in Zoho and void the credit note there`;
}

/** A credit note kept because refunds are recorded on it: not to be voided (nor applied) again. */
export function keptWithRefunds(link: RefundCreditEntity): boolean {
  return link.state === 'credited' && !!link.reason?.includes(KEPT_WITH_REFUNDS);
}

/**
 * Zoho takes credits only on an invoice that is sent (open, overdue, partially paid; a paid one
 * has no balance left, which is said as such). Drafts and void invoices take none.
 */
export const CREDITABLE_INVOICE_STATUSES = new Set(['sent', 'overdue', 'partially_paid', 'unpaid', 'viewed', 'paid']);

/**
 * The order's credit notes against `invoiceId` with credit left open (neither applied nor given
 * back), oldest first (`links` as RefundCreditRepository.forOrder lists them).
 */
export function openCreditsOn(links: readonly RefundCreditEntity[], invoiceId: string): Array<{ link: RefundCreditEntity; left: Decimal }> {
  return links
    .filter((link) => link.state === 'credited' && link.creditNoteId && link.invoiceId === invoiceId && !keptWithRefunds(link))
    .map((link) => ({ link, left: openCredit(link) }))
    .filter(({ left }) => left.isPositive());
}

/**
 * What a snapshot asks of the order's refunds, given their records: the credit notes in force
 * (`live`; not one kept for the refunds recorded on it), those whose refund the snapshot lacks
 * (`missing`: deleted, if the store agrees), the refunds still to credit (`pending`, oldest first),
 * the links of them claimed by an earlier attempt (`claimed`), the claims holding no credit note
 * (`unrecorded`) and those of them whose refund the snapshot lacks (`orphaned`).
 */
export function refundWork(links: readonly RefundCreditEntity[], order: WooOrder) {
  const refunded = new Set(order.refunds.map((refund) => refund.id));
  const live = links.filter((link) => link.state !== 'voided' && link.creditNoteId && !keptWithRefunds(link));
  const settled = new Set(links.filter(isSettled).map((link) => Number(link.refundId)));
  const unrecorded = links.filter((link) => !isSettled(link) && !link.creditNoteId);
  return {
    live,
    missing: live.filter((link) => !refunded.has(Number(link.refundId))),
    pending: order.refunds.filter((refund) => !settled.has(refund.id)).sort((a, b) => a.id - b.id),
    claimed: new Map(links.filter((link) => !isSettled(link)).map((link) => [Number(link.refundId), link])),
    unrecorded,
    orphaned: unrecorded.filter((link) => !refunded.has(Number(link.refundId))),
  };
}

/** A refund whose credit note is made (or voided, or deliberately not made): nothing left to do for it. */
export function isSettled(link: RefundCreditEntity): boolean {
  return link.state === 'credited' || link.state === 'voided' || link.state === 'skipped';
}

/** A refund made before the connection's refundsSince (both UTC `YYYY-MM-DDTHH:MM:SS`, so they compare as text). */
export function madeBefore(refund: WooRefund | undefined, since: string | undefined): boolean {
  return !!since && !!refund?.date_created_gmt && refund.date_created_gmt.slice(0, 19) < since;
}
