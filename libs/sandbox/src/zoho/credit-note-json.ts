import type { ZohoCreditNote } from './books-json-types';
import type { CreditNoteRecord } from './books-records';
import { money, timestamp } from './books-request';
import { creditNoteBalance, creditNoteStatus, creditsUsed, refundedAmount } from './credit-note-status';
import { currencyInfo } from './currencies';
import { lineJson } from './invoice-json';
import type { ZohoOrganization } from './organization';

/** The credit note JSON of GET/POST /creditnotes (key `creditnote`) and the list rows (key `creditnotes`). */

/** The number of an invoice a credit note names; '' once that invoice is deleted. */
function invoiceNumber(org: ZohoOrganization, invoiceId: string): string {
  return invoiceId ? (org.invoices.get(invoiceId)?.invoice_number ?? '') : '';
}

export function creditNoteJson(ctx: { org: ZohoOrganization }, creditNote: CreditNoteRecord): ZohoCreditNote {
  return {
    creditnote_id: creditNote.creditnote_id,
    creditnote_number: creditNote.creditnote_number,
    date: creditNote.date,
    status: creditNoteStatus(creditNote),
    reference_number: creditNote.reference_number,
    customer_id: creditNote.customer_id,
    customer_name: ctx.org.contacts.get(creditNote.customer_id)?.contact_name ?? '',
    currency_id: creditNote.currency_id,
    currency_code: currencyInfo(ctx.org.currencyCodeOf(creditNote.currency_id)).code,
    exchange_rate: creditNote.exchange_rate.toNumber(),
    is_discount_before_tax: creditNote.is_discount_before_tax,
    discount_type: creditNote.discount_type,
    is_inclusive_tax: creditNote.is_inclusive_tax,
    invoice_id: creditNote.invoice_id,
    invoice_number: invoiceNumber(ctx.org, creditNote.invoice_id),
    line_items: creditNote.line_items.map((line) => ({ ...lineJson(ctx, line), invoice_id: line.invoice_id, invoice_item_id: line.invoice_item_id })),
    adjustment: money(ctx, creditNote.adjustment),
    adjustment_description: creditNote.adjustment_description,
    sub_total: money(ctx, creditNote.sub_total),
    tax_total: money(ctx, creditNote.tax_total),
    total: money(ctx, creditNote.total),
    taxes: creditNote.taxes.map((t) => ({ tax_name: t.tax_name, tax_amount: money(ctx, t.tax_amount) })),
    total_credits_used: money(ctx, creditsUsed(creditNote)),
    total_refunded_amount: money(ctx, refundedAmount(creditNote)),
    balance: money(ctx, creditNoteBalance(creditNote)),
    price_precision: ctx.org.precision,
    invoices_credited: creditNote.invoices_credited.map((application) => ({
      creditnote_invoice_id: application.creditnote_invoice_id,
      creditnote_id: creditNote.creditnote_id,
      invoice_id: application.invoice_id,
      invoice_number: invoiceNumber(ctx.org, application.invoice_id),
      date: application.date,
      amount_applied: money(ctx, application.amount_applied),
    })),
    notes: creditNote.notes,
    terms: creditNote.terms,
    billing_address: { ...creditNote.billing_address },
    shipping_address: { ...creditNote.shipping_address },
    created_time: timestamp(ctx, creditNote.created_at),
    last_modified_time: timestamp(ctx, creditNote.modified_at),
  };
}

export function creditNoteRowJson(ctx: { org: ZohoOrganization }, creditNote: CreditNoteRecord): Record<string, unknown> {
  return {
    creditnote_id: creditNote.creditnote_id,
    creditnote_number: creditNote.creditnote_number,
    status: creditNoteStatus(creditNote),
    reference_number: creditNote.reference_number,
    date: creditNote.date,
    customer_id: creditNote.customer_id,
    customer_name: ctx.org.contacts.get(creditNote.customer_id)?.contact_name ?? '',
    invoice_id: creditNote.invoice_id,
    invoice_number: invoiceNumber(ctx.org, creditNote.invoice_id),
    currency_id: creditNote.currency_id,
    currency_code: currencyInfo(ctx.org.currencyCodeOf(creditNote.currency_id)).code,
    total: money(ctx, creditNote.total),
    balance: money(ctx, creditNoteBalance(creditNote)),
    created_time: timestamp(ctx, creditNote.created_at),
    last_modified_time: timestamp(ctx, creditNote.modified_at),
  };
}
