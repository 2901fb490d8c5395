import { Decimal } from '../decimal/decimal';
import type { ZohoCreditNoteStatus } from './books-json-types';
import type { CreditNoteRecord } from './books-records';

/** Credit applied to invoices and still standing. */
export function creditsUsed(creditNote: CreditNoteRecord): Decimal {
  return Decimal.sum(creditNote.invoices_credited.map((application) => application.amount_applied));
}

/** Paid back to the customer by the refunds still recorded. */
export function refundedAmount(creditNote: CreditNoteRecord): Decimal {
  return Decimal.sum(creditNote.refunds.map((refund) => refund.amount));
}

/** What is left to apply or refund: total − credits applied − refunds; nothing on a void credit note. */
export function creditNoteBalance(creditNote: CreditNoteRecord): Decimal {
  if (creditNote.base_status === 'void') return Decimal.ZERO;
  return creditNote.total.sub(creditsUsed(creditNote)).sub(refundedAmount(creditNote));
}

/**
 * The status Zoho shows. Only draft/open/void are stored; an open credit note reads as `closed`
 * once nothing is left (applied or refunded), and as `open` again when credits come back (a
 * voided invoice) or a refund is deleted.
 */
export function creditNoteStatus(creditNote: CreditNoteRecord): ZohoCreditNoteStatus {
  if (creditNote.base_status !== 'open') return creditNote.base_status;
  return creditNoteBalance(creditNote).sign() <= 0 ? 'closed' : 'open';
}
