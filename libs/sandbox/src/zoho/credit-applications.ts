import type { Decimal } from '../decimal/decimal';
import type { CreditNoteRecord, InvoiceRecord } from './books-records';
import type { BooksContext } from './books-request';
import { today } from './invoice-json';

/*
 * Credit moving between credit notes and invoices. Applying raises the invoice's credits_applied
 * (invoice-status.ts turns that into its balance and paid/partially_paid) and lowers the credit
 * note's balance (credit-note-status.ts); taking it back does the reverse. Voiding either
 * document takes back the credits between them: on an invoice, "payments and credits are
 * unassociated and become customer credits" (spec §5.1), i.e. the credit notes' balance grows.
 */

type Clock = Pick<BooksContext, 'org' | 'now'>;

export function applyCredit(ctx: BooksContext, creditNote: CreditNoteRecord, invoice: InvoiceRecord, amount: Decimal): void {
  creditNote.invoices_credited.push({
    creditnote_invoice_id: ctx.ids.next(),
    invoice_id: invoice.invoice_id,
    amount_applied: amount,
    date: today(ctx),
  });
  creditNote.modified_at = ctx.now;
  invoice.credits_applied = invoice.credits_applied.add(amount);
  invoice.modified_at = ctx.now;
}

/** Takes back what the credit note applied: to every invoice, or only to `invoiceId`. */
export function takeBackCredits(ctx: Clock, creditNote: CreditNoteRecord, invoiceId?: string): void {
  const kept = creditNote.invoices_credited.filter((application) => invoiceId !== undefined && application.invoice_id !== invoiceId);
  if (kept.length === creditNote.invoices_credited.length) return;
  for (const application of creditNote.invoices_credited) {
    if (kept.includes(application)) continue;
    const invoice = ctx.org.invoices.get(application.invoice_id);
    if (!invoice) continue;
    invoice.credits_applied = invoice.credits_applied.sub(application.amount_applied);
    invoice.modified_at = ctx.now;
  }
  creditNote.invoices_credited = kept;
  creditNote.modified_at = ctx.now;
}

/** Gives every credit applied to the invoice back to the credit note it came from. */
export function releaseInvoiceCredits(ctx: Clock, invoice: InvoiceRecord): void {
  for (const creditNote of ctx.org.creditNotes.values()) takeBackCredits(ctx, creditNote, invoice.invoice_id);
}
