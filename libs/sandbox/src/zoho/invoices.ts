import { Decimal } from '../decimal/decimal';
import { invalidValue, notAllowed, notFound } from './books-errors';
import type { InvoiceRecord } from './books-records';
import { money, paginate, queryFlag, readArray, readString, sortOrder, success, textFilterMatches, type BooksContext, type BooksResult } from './books-request';
import { paymentTermsLabel } from './contacts';
import { applyHeaderFields, assertInvoiceNumber, lineFromInput, nextAutoNumber, recompute, requestedNumber, settleExchangeRate } from './invoice-input';
import { invoiceJson, invoiceRowJson, today } from './invoice-json';
import { displayStatus, invoiceBalance } from './invoice-status';
import { emptyAddress } from './addresses';
import { releaseInvoiceCredits } from './credit-applications';

/*
 * Invoices (specs/zoho-books.md §5). Totals follow invoice-math.ts exactly. Numbering: without
 * `ignore_auto_number_generation=true` Zoho assigns INV-000001, INV-000002, … and refuses a
 * supplied invoice_number; with it, the supplied number is required and must be unique.
 */

function findInvoice(ctx: BooksContext): InvoiceRecord {
  const invoice = ctx.org.invoices.get(ctx.params.invoiceId ?? '');
  if (!invoice) throw notFound('Invoice');
  return invoice;
}

export function createInvoiceHandlers(portalBase: () => string) {
  const render = (ctx: BooksContext, invoice: InvoiceRecord) => invoiceJson(ctx, invoice, portalBase());
  return {
    create(ctx: BooksContext): BooksResult {
      if (!readString(ctx.body, 'customer_id')) throw invalidValue('customer_id', 'customer_id is required.');
      const lines = readArray(ctx.body, 'line_items');
      if (!lines || lines.length === 0) throw invalidValue('line_items', 'An invoice needs at least one line item.');
      const invoice: InvoiceRecord = {
        invoice_id: ctx.ids.next(),
        invoice_number: '',
        customer_id: '',
        contact_persons: [],
        date: today(ctx),
        due_date: today(ctx),
        payment_terms: 0,
        payment_terms_label: paymentTermsLabel(0),
        reference_number: '',
        base_status: 'draft',
        is_emailed: false,
        currency_id: ctx.org.info.currency_id,
        exchange_rate: Decimal.ONE,
        discount: Decimal.ZERO,
        is_discount_before_tax: true,
        discount_type: 'item_level',
        is_inclusive_tax: false,
        line_items: [],
        shipping_charge: Decimal.ZERO,
        adjustment: Decimal.ZERO,
        adjustment_description: '',
        sub_total: Decimal.ZERO,
        tax_total: Decimal.ZERO,
        total: Decimal.ZERO,
        taxes: [],
        payment_made: Decimal.ZERO,
        credits_applied: Decimal.ZERO,
        write_off_amount: Decimal.ZERO,
        allow_partial_payments: false,
        notes: '',
        terms: '',
        salesperson_name: '',
        custom_fields: [],
        billing_address: emptyAddress(),
        shipping_address: emptyAddress(),
        created_at: ctx.now,
        modified_at: ctx.now,
      };
      applyHeaderFields(ctx, invoice, ctx.body, true);
      settleExchangeRate(ctx, invoice);
      invoice.line_items = lines.map((line, i) => lineFromInput(ctx, line, i, []));
      const custom = requestedNumber(ctx, undefined);
      if (custom !== undefined) assertInvoiceNumber(ctx, invoice, custom);
      invoice.invoice_number = custom ?? nextAutoNumber(ctx.org);
      if (queryFlag(ctx.query, 'send')) {
        invoice.base_status = 'sent';
        invoice.is_emailed = true;
      }
      recompute(ctx.org, invoice);
      ctx.org.invoices.set(invoice.invoice_id, invoice);
      return success('The invoice has been created.', { invoice: render(ctx, invoice) }, 201);
    },

    list(ctx: BooksContext): BooksResult {
      const q = ctx.query;
      const day = today(ctx);
      const status = q.get('status');
      const filterBy = q.get('filter_by') ?? 'Status.All';
      const search = q.get('search_text')?.toLowerCase();
      const customerId = q.get('customer_id');
      const itemId = q.get('item_id');
      const dateStart = q.get('date_start') ?? q.get('date_after');
      const dateEnd = q.get('date_end') ?? q.get('date_before');
      const date = q.get('date');
      const statusFilter = status ?? filterStatus(filterBy);
      let rows = [...ctx.org.invoices.values()].filter((invoice) => {
        const shown = displayStatus(invoice, day);
        const customerName = ctx.org.contacts.get(invoice.customer_id)?.contact_name ?? '';
        if (statusFilter) {
          if (statusFilter === 'unpaid') {
            if (!['sent', 'overdue', 'partially_paid'].includes(shown)) return false;
          } else if (shown !== statusFilter && !(statusFilter === 'sent' && shown === 'overdue')) {
            return false;
          }
        }
        if (customerId && invoice.customer_id !== customerId) return false;
        if (itemId && !invoice.line_items.some((l) => l.item_id === itemId)) return false;
        if (!textFilterMatches(q, 'invoice_number', invoice.invoice_number)) return false;
        if (!textFilterMatches(q, 'reference_number', invoice.reference_number)) return false;
        if (!textFilterMatches(q, 'customer_name', customerName)) return false;
        if (date && invoice.date !== date) return false;
        if (dateStart && invoice.date < dateStart) return false;
        if (dateEnd && invoice.date > dateEnd) return false;
        if (
          search &&
          !invoice.invoice_number.toLowerCase().includes(search) &&
          !invoice.reference_number.toLowerCase().includes(search) &&
          !customerName.toLowerCase().includes(search)
        ) {
          return false;
        }
        return true;
      });
      const sortColumn = q.get('sort_column') ?? 'created_time';
      const direction = sortOrder(q, 'D');
      const key = (i: InvoiceRecord): string | number | Decimal => {
        switch (sortColumn) {
          case 'invoice_number':
            return i.invoice_number;
          case 'date':
            return i.date;
          case 'due_date':
            return i.due_date;
          case 'total':
            return i.total;
          case 'balance':
            return invoiceBalance(i);
          case 'customer_name':
            return (ctx.org.contacts.get(i.customer_id)?.contact_name ?? '').toLowerCase();
          default:
            return i.created_at;
        }
      };
      rows = rows
        .map((invoice, position) => ({ invoice, position }))
        .sort((a, b) => {
          const ka = key(a.invoice);
          const kb = key(b.invoice);
          let order = ka instanceof Decimal ? ka.cmp(kb as Decimal) : ka < kb ? -1 : ka > kb ? 1 : 0;
          if (order === 0) order = a.position - b.position;
          return direction === 'A' ? order : -order;
        })
        .map((entry) => entry.invoice);
      const page = paginate(rows, q, { report_name: 'Invoices', applied_filter: filterBy, sort_column: sortColumn, sort_order: direction });
      return success('success', { invoices: page.rows.map((i) => invoiceRowJson(ctx, i)), page_context: page.page_context });
    },

    get(ctx: BooksContext): BooksResult {
      return success('success', { invoice: render(ctx, findInvoice(ctx)) });
    },

    update(ctx: BooksContext): BooksResult {
      const invoice = findInvoice(ctx);
      if (invoice.base_status === 'void') throw notAllowed('A void invoice cannot be edited. Mark it as draft first.');
      const draft: InvoiceRecord = {
        ...invoice,
        line_items: invoice.line_items.map((l) => ({ ...l })),
        contact_persons: [...invoice.contact_persons],
      };
      applyHeaderFields(ctx, draft, ctx.body, false);
      settleExchangeRate(ctx, draft, invoice.currency_id);
      const lines = readArray(ctx.body, 'line_items');
      if (lines !== undefined) {
        if (lines.length === 0) throw invalidValue('line_items', 'An invoice needs at least one line item.');
        draft.line_items = lines.map((line, i) => lineFromInput(ctx, line, i, invoice.line_items));
      }
      const custom = requestedNumber(ctx, invoice.invoice_number);
      if (custom !== undefined) {
        assertInvoiceNumber(ctx, draft, custom);
        draft.invoice_number = custom;
      }
      recompute(ctx.org, draft);
      if (draft.total.lt(draft.payment_made.add(draft.credits_applied))) {
        throw notAllowed('The invoice total cannot be less than the payments and credits already applied to it.');
      }
      draft.modified_at = ctx.now;
      ctx.org.invoices.set(invoice.invoice_id, draft);
      return success('Invoice information has been updated.', { invoice: render(ctx, draft) });
    },

    remove(ctx: BooksContext): BooksResult {
      const invoice = findInvoice(ctx);
      if (invoice.payment_made.sign() > 0 || invoice.credits_applied.sign() > 0) {
        throw notAllowed('Invoices which have payment or credits note applied cannot be deleted.');
      }
      ctx.org.invoices.delete(invoice.invoice_id);
      return success('The invoice has been deleted.');
    },

    markSent(ctx: BooksContext): BooksResult {
      const invoice = findInvoice(ctx);
      if (invoice.base_status === 'void') throw notAllowed('A void invoice cannot be marked as sent. Mark it as draft first.');
      invoice.base_status = 'sent';
      invoice.modified_at = ctx.now;
      return success('Invoice status has been changed to Sent.');
    },

    markVoid(ctx: BooksContext): BooksResult {
      const invoice = findInvoice(ctx);
      // Payments applied to a voided invoice are unassociated and become customer credits.
      for (const payment of ctx.org.payments.values()) {
        const applied = payment.invoices.find((entry) => entry.invoice_id === invoice.invoice_id);
        if (!applied) continue;
        payment.invoices = payment.invoices.filter((entry) => entry !== applied);
        const customer = ctx.org.contacts.get(payment.customer_id);
        if (customer) customer.unused_credits = customer.unused_credits.add(applied.amount_applied);
      }
      invoice.payment_made = Decimal.ZERO;
      // Credits applied to it go back to their credit notes, whose balance grows again.
      releaseInvoiceCredits(ctx, invoice);
      invoice.base_status = 'void';
      invoice.modified_at = ctx.now;
      return success('Invoice status has been changed to Void.');
    },

    markDraft(ctx: BooksContext): BooksResult {
      const invoice = findInvoice(ctx);
      if (invoice.base_status === 'sent') throw notAllowed('Only a void invoice can be marked as draft.');
      invoice.base_status = 'draft';
      invoice.modified_at = ctx.now;
      return success('Status of invoice changed from void to draft.');
    },

    listPayments(ctx: BooksContext): BooksResult {
      const invoice = findInvoice(ctx);
      const payments = [...ctx.org.payments.values()].flatMap((payment) =>
        payment.invoices
          .filter((entry) => entry.invoice_id === invoice.invoice_id)
          .map((entry) => ({
            payment_id: payment.payment_id,
            invoice_id: invoice.invoice_id,
            payment_mode: payment.payment_mode,
            date: payment.date,
            amount: money(ctx, entry.amount_applied),
            reference_number: payment.reference_number,
            description: payment.description,
          })),
      );
      return success('success', { payments });
    },
  };
}

function filterStatus(filterBy: string): string | undefined {
  switch (filterBy) {
    case 'Status.Draft':
      return 'draft';
    case 'Status.Sent':
      return 'sent';
    case 'Status.Paid':
      return 'paid';
    case 'Status.Void':
      return 'void';
    case 'Status.Unpaid':
      return 'unpaid';
    case 'Status.OverDue':
      return 'overdue';
    case 'Status.PartiallyPaid':
      return 'partially_paid';
    default:
      return undefined;
  }
}
