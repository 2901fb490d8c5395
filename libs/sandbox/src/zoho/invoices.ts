import { Decimal } from '../decimal/decimal';
import { addDays, isIsoDate, localDate } from '../time/zoned-time';
import { currencyInfo } from './currencies';
import { BooksError, invalidValue, notAllowed, notFound } from './books-errors';
import type { ZohoInvoice, ZohoInvoiceLine } from './books-json-types';
import type { InvoiceLineRecord, InvoiceRecord } from './books-records';
import {
  money,
  paginate,
  queryFlag,
  readArray,
  readBoolean,
  readDecimal,
  readInteger,
  readString,
  sortOrder,
  success,
  textFilterMatches,
  timestamp,
  type BooksContext,
  type BooksResult,
} from './books-request';
import { paymentTermsLabel } from './contacts';
import { computeInvoiceTotals, isPercentDiscount, lineDiscount, splitTaxOverMembers } from './invoice-math';
import { displayStatus, invoiceBalance } from './invoice-status';
import type { ZohoOrganization } from './organization';

/*
 * Invoices (specs/zoho-books.md §5). Totals follow invoice-math.ts exactly. Numbering: without
 * `ignore_auto_number_generation=true` Zoho assigns INV-000001, INV-000002, … and refuses a
 * supplied invoice_number; with it, the supplied number is required and must be unique.
 */

const AUTO_NUMBER_PREFIX = 'INV-';

function today(ctx: { org: ZohoOrganization; now: number }): string {
  return localDate(ctx.now, ctx.org.timeZone);
}

// ---- rendering ----------------------------------------------------------------------------

function lineJson(ctx: { org: ZohoOrganization }, line: InvoiceLineRecord): ZohoInvoiceLine {
  const tax = line.tax_id ? ctx.org.resolveTax(line.tax_id) : undefined;
  let discount: number | string = 0;
  if (isPercentDiscount(line.discount)) discount = `${Decimal.parse(line.discount.trim().slice(0, -1)).toString()}%`;
  else if (line.discount !== undefined) discount = Decimal.from(line.discount).toNumber();
  return {
    line_item_id: line.line_item_id,
    item_id: line.item_id,
    name: line.name,
    description: line.description,
    item_order: line.item_order,
    bcy_rate: line.rate.toNumber(),
    rate: line.rate.toNumber(),
    quantity: line.quantity.toNumber(),
    unit: line.unit,
    discount_amount: money(ctx, line.discount_amount),
    discount,
    tax_id: line.tax_id,
    tax_name: tax?.name ?? '',
    tax_type: tax?.type ?? '',
    tax_percentage: tax ? tax.percentage.toNumber() : 0,
    item_total: money(ctx, line.item_total),
    product_type: line.product_type,
  };
}

export function invoiceJson(ctx: { org: ZohoOrganization; now: number }, invoice: InvoiceRecord, portalBase: string): ZohoInvoice {
  const customer = ctx.org.contacts.get(invoice.customer_id);
  const currency = currencyInfo(ctx.org.info.currency_code);
  return {
    invoice_id: invoice.invoice_id,
    invoice_number: invoice.invoice_number,
    date: invoice.date,
    due_date: invoice.due_date,
    status: displayStatus(invoice, today(ctx)),
    payment_terms: invoice.payment_terms,
    payment_terms_label: invoice.payment_terms_label,
    reference_number: invoice.reference_number,
    customer_id: invoice.customer_id,
    customer_name: customer?.contact_name ?? '',
    contact_persons: [...invoice.contact_persons],
    currency_id: invoice.currency_id,
    currency_code: currency.code,
    exchange_rate: invoice.exchange_rate.toNumber(),
    discount: invoice.discount.toNumber(),
    is_discount_before_tax: invoice.is_discount_before_tax,
    discount_type: invoice.discount_type,
    is_inclusive_tax: invoice.is_inclusive_tax,
    line_items: invoice.line_items.map((line) => lineJson(ctx, line)),
    shipping_charge: money(ctx, invoice.shipping_charge),
    adjustment: money(ctx, invoice.adjustment),
    adjustment_description: invoice.adjustment_description,
    sub_total: money(ctx, invoice.sub_total),
    tax_total: money(ctx, invoice.tax_total),
    total: money(ctx, invoice.total),
    taxes: invoice.taxes.map((t) => ({ tax_name: t.tax_name, tax_amount: money(ctx, t.tax_amount) })),
    payment_made: money(ctx, invoice.payment_made),
    credits_applied: money(ctx, invoice.credits_applied),
    balance: money(ctx, invoiceBalance(invoice)),
    write_off_amount: money(ctx, invoice.write_off_amount),
    allow_partial_payments: invoice.allow_partial_payments,
    price_precision: ctx.org.precision,
    is_emailed: invoice.is_emailed,
    notes: invoice.notes,
    terms: invoice.terms,
    salesperson_name: invoice.salesperson_name,
    billing_address: { ...invoice.billing_address },
    shipping_address: { ...invoice.shipping_address },
    custom_fields: invoice.custom_fields,
    invoice_url: `${portalBase}/portal/invoices/${invoice.invoice_id}`,
    created_time: timestamp(ctx, invoice.created_at),
    last_modified_time: timestamp(ctx, invoice.modified_at),
  };
}

function invoiceRowJson(ctx: BooksContext, invoice: InvoiceRecord): Record<string, unknown> {
  return {
    invoice_id: invoice.invoice_id,
    customer_name: ctx.org.contacts.get(invoice.customer_id)?.contact_name ?? '',
    customer_id: invoice.customer_id,
    status: displayStatus(invoice, today(ctx)),
    invoice_number: invoice.invoice_number,
    reference_number: invoice.reference_number,
    date: invoice.date,
    due_date: invoice.due_date,
    currency_id: invoice.currency_id,
    currency_code: currencyInfo(ctx.org.info.currency_code).code,
    total: money(ctx, invoice.total),
    balance: money(ctx, invoiceBalance(invoice)),
    created_time: timestamp(ctx, invoice.created_at),
    last_modified_time: timestamp(ctx, invoice.modified_at),
    is_emailed: invoice.is_emailed,
    shipping_charge: money(ctx, invoice.shipping_charge),
    adjustment: money(ctx, invoice.adjustment),
    exchange_rate: invoice.exchange_rate.toNumber(),
  };
}

// ---- input ----------------------------------------------------------------------------------

/**
 * One line of a create/update body. On update a `line_item_id` of an existing line keeps that
 * id; otherwise the line is taken as sent (missing fields default from the item, a missing
 * tax_id means untaxed), which is what the shared invoice model predicts from the payload.
 */
function lineFromInput(ctx: BooksContext, input: unknown, index: number, previous: readonly InvoiceLineRecord[]): InvoiceLineRecord {
  const label = (field: string) => `line_items[${index}].${field}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidValue(`line_items[${index}]`, 'Expected an object.');
  const body = input as Record<string, unknown>;
  const lineItemId = readString(body, 'line_item_id');
  const existing = lineItemId ? previous.find((l) => l.line_item_id === lineItemId) : undefined;
  if (lineItemId && !existing) throw invalidValue(label('line_item_id'), `Line item ${lineItemId} does not belong to this invoice.`);

  const itemId = readString(body, 'item_id') ?? existing?.item_id;
  if (!itemId) throw invalidValue(label('item_id'), `Line ${index + 1} has no item_id; every line item must refer to an item.`);
  const item = ctx.org.items.get(itemId);
  if (!item) throw invalidValue(label('item_id'), `Item ${itemId} in line ${index + 1} does not exist.`);

  const quantity = readDecimal(body, 'quantity', label('quantity')) ?? Decimal.ONE;
  if (quantity.sign() <= 0) throw invalidValue(label('quantity'), `Quantity in line ${index + 1} must be greater than zero.`);
  const rate = readDecimal(body, 'rate', label('rate')) ?? item.rate;

  const taxId = readString(body, 'tax_id') ?? '';
  if (taxId !== '' && !ctx.org.resolveTax(taxId)) throw invalidValue(label('tax_id'), `Tax ${taxId} in line ${index + 1} does not exist.`);

  let discount: string | number | undefined;
  if (Object.prototype.hasOwnProperty.call(body, 'discount') && body.discount !== null && body.discount !== '') {
    const raw = body.discount;
    if (isPercentDiscount(raw)) {
      if (Decimal.tryFrom(raw.trim().slice(0, -1)) === undefined) throw invalidValue(label('discount'));
      discount = raw.trim();
    } else if (Decimal.tryFrom(raw) !== undefined) {
      discount = typeof raw === 'number' ? raw : String(raw);
    } else {
      throw invalidValue(label('discount'), 'Expected an amount or a percentage such as "10%".');
    }
  }
  const discountAmountInput = readDecimal(body, 'discount_amount', label('discount_amount'));
  const gross = rate.mul(quantity);
  const absoluteDiscount = lineDiscount({ discount, discountAmount: discountAmountInput }, gross);
  if (absoluteDiscount.sign() < 0) throw invalidValue(label('discount'), 'A discount cannot be negative.');
  if (gross.sign() >= 0 && absoluteDiscount.gt(gross)) throw invalidValue(label('discount'), `The discount in line ${index + 1} exceeds the line amount.`);

  return {
    line_item_id: existing?.line_item_id ?? ctx.ids.next(),
    item_id: itemId,
    name: readString(body, 'name', { max: 100, label: label('name') }) ?? item.name,
    description: readString(body, 'description', { max: 2000, label: label('description') }) ?? item.description,
    item_order: readInteger(body, 'item_order') ?? index + 1,
    rate,
    quantity,
    unit: readString(body, 'unit', { max: 100 }) ?? item.unit,
    discount,
    discount_amount_input: discountAmountInput,
    tax_id: taxId,
    product_type: readString(body, 'product_type') ?? item.product_type,
    item_total: Decimal.ZERO,
    discount_amount: absoluteDiscount,
    tax_amount: Decimal.ZERO,
  };
}

/** Recomputes every derived amount of an invoice with invoice-math.ts. */
function recompute(org: ZohoOrganization, invoice: InvoiceRecord): void {
  const p = org.precision;
  const taxes = invoice.line_items.map((line) => (line.tax_id ? org.resolveTax(line.tax_id) : undefined));
  const result = computeInvoiceTotals({
    precision: p,
    isInclusiveTax: invoice.is_inclusive_tax,
    lines: invoice.line_items.map((line, i) => ({
      rate: line.rate,
      quantity: line.quantity,
      discount: line.discount,
      discountAmount: line.discount_amount_input,
      taxPercentage: taxes[i]?.percentage,
    })),
    shippingCharge: invoice.shipping_charge,
    adjustment: invoice.adjustment,
  });
  const summary = new Map<string, { tax_id: string; tax_name: string; tax_amount: Decimal }>();
  invoice.line_items.forEach((line, i) => {
    const lineResult = result.lines[i]!;
    line.item_total = lineResult.itemTotal;
    line.discount_amount = lineResult.discount;
    line.tax_amount = lineResult.tax;
    const tax = taxes[i];
    if (!tax) return;
    const shares = splitTaxOverMembers(lineResult.tax, tax.members.map((m) => m.tax_percentage), p);
    tax.members.forEach((member, m) => {
      const entry = summary.get(member.tax_id) ?? {
        tax_id: member.tax_id,
        tax_name: `${member.tax_name} (${member.tax_percentage.toString()}%)`,
        tax_amount: Decimal.ZERO.round(p),
      };
      entry.tax_amount = entry.tax_amount.add(shares[m]!);
      summary.set(member.tax_id, entry);
    });
  });
  invoice.sub_total = result.subTotal;
  invoice.tax_total = result.taxTotal;
  invoice.total = result.total;
  invoice.taxes = [...summary.values()];
}

function assertInvoiceNumber(ctx: BooksContext, invoice: InvoiceRecord, number: string): void {
  if (number.trim() === '') throw invalidValue('invoice_number', 'The invoice number cannot be empty.');
  for (const other of ctx.org.invoices.values()) {
    if (other.invoice_id !== invoice.invoice_id && other.invoice_number.toLowerCase() === number.toLowerCase()) {
      throw new BooksError(400, ctx.codes.duplicateInvoiceNumber, `The invoice number "${number}" already exists. Please specify a different invoice number.`);
    }
  }
}

function nextAutoNumber(org: ZohoOrganization): string {
  const taken = new Set([...org.invoices.values()].map((i) => i.invoice_number.toLowerCase()));
  for (;;) {
    const candidate = `${AUTO_NUMBER_PREFIX}${String(org.nextInvoiceNumber).padStart(6, '0')}`;
    org.nextInvoiceNumber += 1;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** Applies the header fields of a create/update body. Lines are handled by the caller. */
function applyHeaderFields(ctx: BooksContext, invoice: InvoiceRecord, body: Record<string, unknown>, creating: boolean): void {
  const customerId = readString(body, 'customer_id');
  if (customerId !== undefined && customerId !== invoice.customer_id) {
    const customer = ctx.org.contacts.get(customerId);
    if (!customer || customer.contact_type !== 'customer') throw invalidValue('customer_id', `Customer ${customerId} does not exist.`);
    if (!creating && invoice.payment_made.sign() > 0) throw notAllowed('The customer of an invoice with payments cannot be changed.');
    invoice.customer_id = customerId;
    invoice.currency_id = customer.currency_id;
    invoice.billing_address = { ...customer.billing_address };
    invoice.shipping_address = { ...customer.shipping_address };
    if (creating) {
      invoice.payment_terms = customer.payment_terms;
      invoice.payment_terms_label = customer.payment_terms_label;
    }
  }
  const contactPersons = readArray(body, 'contact_persons');
  if (contactPersons !== undefined) {
    const customer = ctx.org.contacts.get(invoice.customer_id)!;
    invoice.contact_persons = contactPersons.map((id, i) => {
      if (!customer.contact_persons.some((p) => p.contact_person_id === String(id))) {
        throw invalidValue(`contact_persons[${i}]`, `Contact person ${String(id)} does not belong to the customer.`);
      }
      return String(id);
    });
  }
  const reference = readString(body, 'reference_number', { max: 100 });
  if (reference !== undefined) invoice.reference_number = reference;
  const date = readString(body, 'date');
  if (date !== undefined && date !== '') {
    if (!isIsoDate(date)) throw invalidValue('date', 'Use the format yyyy-mm-dd.');
    invoice.date = date;
  }
  const terms = readInteger(body, 'payment_terms');
  if (terms !== undefined) {
    if (terms < 0) throw invalidValue('payment_terms');
    invoice.payment_terms = terms;
    invoice.payment_terms_label = paymentTermsLabel(terms);
  }
  const termsLabel = readString(body, 'payment_terms_label', { max: 100 });
  if (termsLabel !== undefined && termsLabel !== '') invoice.payment_terms_label = termsLabel;
  const dueDate = readString(body, 'due_date');
  if (dueDate !== undefined && dueDate !== '') {
    if (!isIsoDate(dueDate)) throw invalidValue('due_date', 'Use the format yyyy-mm-dd.');
    invoice.due_date = dueDate;
  } else if (creating || date !== undefined || terms !== undefined) {
    invoice.due_date = addDays(invoice.date, invoice.payment_terms);
  }
  const discount = readDecimal(body, 'discount');
  if (discount !== undefined && !discount.isZero()) {
    throw invalidValue(
      'discount',
      'Entity-level discounts are not part of the invoice model this fake implements; give discounts per line item (discount_type item_level).',
    );
  }
  const beforeTax = readBoolean(body, 'is_discount_before_tax');
  if (beforeTax !== undefined) invoice.is_discount_before_tax = beforeTax;
  const discountType = readString(body, 'discount_type');
  if (discountType !== undefined) {
    if (discountType !== 'item_level' && discountType !== 'entity_level') throw invalidValue('discount_type');
    invoice.discount_type = discountType;
  }
  const inclusive = readBoolean(body, 'is_inclusive_tax');
  if (inclusive !== undefined) invoice.is_inclusive_tax = inclusive;
  const shipping = readDecimal(body, 'shipping_charge');
  if (shipping !== undefined) {
    if (shipping.sign() < 0) throw invalidValue('shipping_charge', 'The shipping charge cannot be negative.');
    invoice.shipping_charge = shipping;
  }
  const adjustment = readDecimal(body, 'adjustment');
  if (adjustment !== undefined) invoice.adjustment = adjustment;
  const adjustmentDescription = readString(body, 'adjustment_description', { max: 100 });
  if (adjustmentDescription !== undefined) invoice.adjustment_description = adjustmentDescription;
  const exchangeRate = readDecimal(body, 'exchange_rate');
  if (exchangeRate !== undefined) {
    if (exchangeRate.sign() <= 0) throw invalidValue('exchange_rate');
    invoice.exchange_rate = exchangeRate;
  }
  const notes = readString(body, 'notes', { max: 5000 });
  if (notes !== undefined) invoice.notes = notes;
  const termsText = readString(body, 'terms', { max: 10000 });
  if (termsText !== undefined) invoice.terms = termsText;
  const salesperson = readString(body, 'salesperson_name', { max: 200 });
  if (salesperson !== undefined) invoice.salesperson_name = salesperson;
  const partial = readBoolean(body, 'allow_partial_payments');
  if (partial !== undefined) invoice.allow_partial_payments = partial;
  const customFields = readArray(body, 'custom_fields');
  if (customFields !== undefined) invoice.custom_fields = customFields;
}

function findInvoice(ctx: BooksContext): InvoiceRecord {
  const invoice = ctx.org.invoices.get(ctx.params.invoiceId ?? '');
  if (!invoice) throw notFound('Invoice');
  return invoice;
}

/** The body's `invoice_number` under Zoho's auto-numbering rule, or undefined to keep/auto-assign. */
function requestedNumber(ctx: BooksContext, current: string | undefined): string | undefined {
  const ignoreAuto = queryFlag(ctx.query, 'ignore_auto_number_generation');
  const number = readString(ctx.body, 'invoice_number', { max: 100 });
  if (number === undefined || number === '' || number === current) {
    if (ignoreAuto && current === undefined) throw invalidValue('invoice_number', 'An invoice number is required when ignore_auto_number_generation is true.');
    return undefined;
  }
  if (!ignoreAuto) {
    throw invalidValue(
      'invoice_number',
      'Invoice numbers are generated automatically in this organization; pass ignore_auto_number_generation=true to use your own number.',
    );
  }
  return number;
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
        billing_address: { attention: '', address: '', street2: '', state_code: '', city: '', state: '', zip: '', country: '', fax: '', phone: '' },
        shipping_address: { attention: '', address: '', street2: '', state_code: '', city: '', state: '', zip: '', country: '', fax: '', phone: '' },
        created_at: ctx.now,
        modified_at: ctx.now,
      };
      applyHeaderFields(ctx, invoice, ctx.body, true);
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
