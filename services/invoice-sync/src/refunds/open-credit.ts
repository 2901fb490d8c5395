import { Decimal } from '@connector/accounting';
import type { RefundCreditEntity } from '@connector/persistence';

/** How a credit note's reason says it waits for its invoice to be sent: a draft takes no credits. */
export const AWAITS_SENT_INVOICE = 'which takes no credits';

/** What of a credit note is neither applied to the invoice nor given back to the customer. */
export function openCredit(link: RefundCreditEntity): Decimal {
  return Decimal.from(link.zohoTotal ?? '0').sub(link.appliedAmount ?? '0').sub(link.cashRefundedAmount ?? '0');
}

/**
 * A credit note left open only because its invoice was a draft, to be applied once the invoice is
 * sent. Not one Zoho refused to apply, nor the rest above a settled invoice's balance: those are
 * the owner's to settle in Zoho, and asking again on every event would spend calls on a refusal.
 */
export function awaitsSentInvoice(link: RefundCreditEntity): boolean {
  return link.state === 'credited' && !!link.reason?.includes(AWAITS_SENT_INVOICE) && openCredit(link).isPositive();
}
