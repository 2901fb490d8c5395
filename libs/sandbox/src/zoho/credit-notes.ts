import { Decimal } from '../decimal/decimal';
import { BooksError, invalidValue, notAllowed, notFound } from './books-errors';
import type { CreditNoteLineRecord, CreditNoteRecord, InvoiceRecord } from './books-records';
import {
  paginate,
  queryFlag,
  readArray,
  readBoolean,
  readDecimal,
  readString,
  sortOrder,
  success,
  textFilterMatches,
  type BooksContext,
  type BooksResult,
} from './books-request';
import { applyCredit, takeBackCredits } from './credit-applications';
import { creditNoteJson, creditNoteRowJson } from './credit-note-json';
import { creditNoteBalance, creditNoteStatus } from './credit-note-status';
import { nextSeriesNumber, numberTaken } from './document-numbers';
import { applySharedHeaderFields, assertCustomerCurrency, customerFor, lineFromInput, recompute, settleExchangeRate } from './invoice-input';
import { today } from './invoice-json';
import { invoiceBalance } from './invoice-status';

/*
 * Credit notes (specs/zoho-books.md §5.8). Lines, header fields and totals are read and computed
 * exactly as an invoice's (invoice-input.ts, invoice-math.ts); unlike invoice lines, a credit note
 * line may go without item_id (a name and a rate). A new credit note is `open` (`draft` with
 * `is_draft: true`); its credit is applied to open invoices of the same customer with
 * POST /creditnotes/{id}/invoices, or refunded to the customer with POST /creditnotes/{id}/refunds
 * (credit-note-refunds.ts), and it reads `closed` once nothing is left. Voiding it takes its
 * credits back off the invoices (credit-applications.ts); while refunds are recorded on it, it
 * cannot be voided or deleted.
 */

const AUTO_NUMBER_PREFIX = 'CN-';
const AUTO_NUMBER_DIGITS = 5;
const STATUSES = new Set(['draft', 'open', 'closed', 'void']);

/** The credit note named by the `creditNoteId` path parameter; 404 code 1002 when there is none. */
export function findCreditNote(ctx: BooksContext): CreditNoteRecord {
  const creditNote = ctx.org.creditNotes.get(ctx.params.creditNoteId ?? '');
  if (!creditNote) throw notFound('Credit Note');
  return creditNote;
}

/** The invoice named by the `invoice_id` query of a create: the customer's, and not void. */
function creditedInvoice(ctx: BooksContext, customerId: string): InvoiceRecord | undefined {
  const invoiceId = ctx.query.get('invoice_id');
  if (invoiceId === null || invoiceId === '') return undefined;
  const invoice = ctx.org.invoices.get(invoiceId);
  if (!invoice || invoice.customer_id !== customerId) throw invalidValue('invoice_id', `Invoice ${invoiceId} does not exist for this customer.`);
  if (invoice.base_status === 'void') throw invalidValue('invoice_id', 'A credit note cannot be raised against a void invoice.');
  return invoice;
}

/** A body line: an invoice line (lineFromInput) plus the invoice line it credits, if named. */
function lineOf(ctx: BooksContext, input: unknown, index: number, creditNote: CreditNoteRecord): CreditNoteLineRecord {
  const line = lineFromInput(ctx, input, index, [], { itemOptional: true });
  const body = input as Record<string, unknown>;
  const field = (name: string) => `line_items[${index}].${name}`;
  const invoiceId = readString(body, 'invoice_id', { label: field('invoice_id') }) ?? '';
  const invoiceItemId = readString(body, 'invoice_item_id', { label: field('invoice_item_id') }) ?? '';
  if (invoiceId !== '' && ctx.org.invoices.get(invoiceId)?.customer_id !== creditNote.customer_id) {
    throw invalidValue(field('invoice_id'), `Invoice ${invoiceId} does not exist for this customer.`);
  }
  if (invoiceItemId !== '') {
    const invoice = ctx.org.invoices.get(invoiceId || creditNote.invoice_id);
    if (!invoice?.line_items.some((l) => l.line_item_id === invoiceItemId)) {
      throw invalidValue(field('invoice_item_id'), `Line item ${invoiceItemId} is not a line of the credited invoice.`);
    }
  }
  return { ...line, invoice_id: invoiceId, invoice_item_id: invoiceItemId };
}

/**
 * The number of a new credit note. Zoho numbers them CN-00001, CN-00002, …; a creditnote_number
 * in the body counts only with ignore_auto_number_generation=true, and is then required and
 * unique. Without the flag it is ignored rather than refused (unlike invoice_number), because the
 * OAS lists creditnote_number as required even where auto-numbering is on.
 */
function creditNoteNumber(ctx: BooksContext): string {
  const taken = [...ctx.org.creditNotes.values()].map((c) => c.creditnote_number);
  if (!queryFlag(ctx.query, 'ignore_auto_number_generation')) {
    const next = nextSeriesNumber(AUTO_NUMBER_PREFIX, AUTO_NUMBER_DIGITS, ctx.org.nextCreditNoteNumber, taken);
    ctx.org.nextCreditNoteNumber = next.counter;
    return next.number;
  }
  const number = readString(ctx.body, 'creditnote_number', { max: 100 }) ?? '';
  if (number.trim() === '') throw invalidValue('creditnote_number', 'A credit note number is required when ignore_auto_number_generation is true.');
  if (numberTaken(number, taken)) {
    throw new BooksError(
      400,
      ctx.codes.duplicateCreditNoteNumber,
      `The credit note number "${number}" already exists. Please specify a different credit note number.`,
    );
  }
  return number;
}

export const creditNoteHandlers = {
  create(ctx: BooksContext): BooksResult {
    const customerId = readString(ctx.body, 'customer_id');
    if (!customerId) throw invalidValue('customer_id', 'customer_id is required.');
    const customer = customerFor(ctx, customerId);
    const lines = readArray(ctx.body, 'line_items');
    if (!lines || lines.length === 0) throw invalidValue('line_items', 'A credit note needs at least one line item.');
    const creditNote: CreditNoteRecord = {
      creditnote_id: ctx.ids.next(),
      creditnote_number: '',
      customer_id: customer.contact_id,
      date: today(ctx),
      reference_number: '',
      base_status: readBoolean(ctx.body, 'is_draft') ? 'draft' : 'open',
      currency_id: customer.currency_id,
      exchange_rate: Decimal.ONE,
      is_discount_before_tax: true,
      discount_type: 'item_level',
      is_inclusive_tax: false,
      invoice_id: creditedInvoice(ctx, customer.contact_id)?.invoice_id ?? '',
      line_items: [],
      adjustment: Decimal.ZERO,
      adjustment_description: '',
      sub_total: Decimal.ZERO,
      tax_total: Decimal.ZERO,
      total: Decimal.ZERO,
      taxes: [],
      invoices_credited: [],
      refunds: [],
      notes: '',
      terms: '',
      billing_address: { ...customer.billing_address },
      shipping_address: { ...customer.shipping_address },
      created_at: ctx.now,
      modified_at: ctx.now,
    };
    applySharedHeaderFields(creditNote, ctx.body);
    // In the customer's currency, as an invoice; the rate as sent, else the one of its date.
    assertCustomerCurrency(ctx, customer);
    settleExchangeRate(ctx, creditNote);
    creditNote.line_items = lines.map((line, i) => lineOf(ctx, line, i, creditNote));
    recompute(ctx.org, creditNote);
    if (creditNote.total.sign() < 0) throw invalidValue('adjustment', 'The total of a credit note cannot be negative.');
    // Numbered last, so a refused request does not use up a number of the series.
    creditNote.creditnote_number = creditNoteNumber(ctx);
    ctx.org.creditNotes.set(creditNote.creditnote_id, creditNote);
    return success('The credit note has been created.', { creditnote: creditNoteJson(ctx, creditNote) }, 201);
  },

  list(ctx: BooksContext): BooksResult {
    const q = ctx.query;
    const status = q.get('status');
    if (status && !STATUSES.has(status)) throw invalidValue('status', `Use one of ${[...STATUSES].join(', ')}.`);
    const customerId = q.get('customer_id');
    const rows = [...ctx.org.creditNotes.values()].filter((creditNote) => {
      if (status && creditNoteStatus(creditNote) !== status) return false;
      if (customerId && creditNote.customer_id !== customerId) return false;
      if (!textFilterMatches(q, 'creditnote_number', creditNote.creditnote_number)) return false;
      if (!textFilterMatches(q, 'reference_number', creditNote.reference_number)) return false;
      return true;
    });
    // Rows are kept in creation order; the fake sorts by created_time only (newest first by default).
    const direction = sortOrder(q, 'D');
    if (direction === 'D') rows.reverse();
    const page = paginate(rows, q, { report_name: 'Credit Notes', applied_filter: 'Status.All', sort_column: 'created_time', sort_order: direction });
    return success('success', { creditnotes: page.rows.map((c) => creditNoteRowJson(ctx, c)), page_context: page.page_context });
  },

  get(ctx: BooksContext): BooksResult {
    return success('success', { creditnote: creditNoteJson(ctx, findCreditNote(ctx)) });
  },

  /** Body `{"invoices":[{"invoice_id","amount_applied"}]}` (fixtures/zoho/creditnote-apply-to-invoice-request.json). */
  applyToInvoices(ctx: BooksContext): BooksResult {
    const creditNote = findCreditNote(ctx);
    if (creditNote.base_status === 'draft') throw notAllowed('Credits cannot be applied from a credit note in the draft status.');
    if (creditNote.base_status === 'void') throw notAllowed('Credit notes that are in void status cannot be applied to invoices.');
    const available = creditNoteBalance(creditNote);
    if (available.sign() <= 0) throw notAllowed('Credit notes that are in closed status cannot be applied to invoices.');
    const entries = readArray(ctx.body, 'invoices');
    if (!entries || entries.length === 0) throw invalidValue('invoices', 'Name at least one invoice and the amount to apply to it.');
    // Summed per invoice, so two entries for one invoice cannot together exceed its balance.
    const perInvoice = new Map<string, Decimal>();
    const plan = entries.map((raw, index) => {
      const field = (name: string) => `invoices[${index}].${name}`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidValue(`invoices[${index}]`, 'Expected an object.');
      const entry = raw as Record<string, unknown>;
      const invoiceId = readString(entry, 'invoice_id', { label: field('invoice_id') }) ?? '';
      const invoice = ctx.org.invoices.get(invoiceId);
      if (!invoice || invoice.customer_id !== creditNote.customer_id) {
        throw invalidValue(field('invoice_id'), `Invoice ${invoiceId} does not exist for this customer.`);
      }
      if (invoice.base_status === 'void') throw invalidValue(field('invoice_id'), 'Credits cannot be applied to invoices in the void status.');
      if (invoice.base_status === 'draft') {
        throw invalidValue(field('invoice_id'), 'Credits cannot be applied to invoices in the draft status. Mark the invoice as sent first.');
      }
      const amount = readDecimal(entry, 'amount_applied', field('amount_applied'));
      if (!amount || amount.sign() <= 0) throw invalidValue(field('amount_applied'), 'The amount applied must be greater than zero.');
      const onInvoice = (perInvoice.get(invoice.invoice_id) ?? Decimal.ZERO).add(amount);
      if (onInvoice.gt(invoiceBalance(invoice))) throw invalidValue(field('amount_applied'), 'The amount applied exceeds the balance due of the invoice.');
      perInvoice.set(invoice.invoice_id, onInvoice);
      return { invoice, amount };
    });
    if (Decimal.sum(plan.map((p) => p.amount)).gt(available)) {
      throw invalidValue('amount_applied', 'The amounts applied exceed the balance of the credit note.');
    }
    for (const { invoice, amount } of plan) applyCredit(ctx, creditNote, invoice, amount);
    return success('Credits have been applied to the invoice(s).');
  },

  markVoid(ctx: BooksContext): BooksResult {
    const creditNote = findCreditNote(ctx);
    if (creditNote.refunds.length > 0) {
      throw notAllowed('The credit note cannot be voided as refunds are recorded for it. Delete the refunds and try again.');
    }
    // Voiding a void credit note changes nothing and succeeds.
    if (creditNote.base_status !== 'void') {
      takeBackCredits(ctx, creditNote);
      creditNote.base_status = 'void';
      creditNote.modified_at = ctx.now;
    }
    return success('The credit note has been voided.');
  },

  remove(ctx: BooksContext): BooksResult {
    const creditNote = findCreditNote(ctx);
    if (creditNote.invoices_credited.length > 0) {
      throw notAllowed('Credit notes which have credits applied to invoices cannot be deleted. Void the credit note instead.');
    }
    if (creditNote.refunds.length > 0) {
      throw notAllowed('Credit notes which have refunds recorded cannot be deleted. Delete the refunds and try again.');
    }
    ctx.org.creditNotes.delete(creditNote.creditnote_id);
    return success('The credit note has been deleted.');
  },
};
