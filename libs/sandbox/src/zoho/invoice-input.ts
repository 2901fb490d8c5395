import { Decimal } from '../decimal/decimal';
import { addDays, isIsoDate } from '../time/zoned-time';
import { BooksError, invalidValue, notAllowed } from './books-errors';
import type { ContactRecord, InvoiceLineRecord, InvoiceRecord, ItemRecord } from './books-records';
import { queryFlag, readArray, readBoolean, readDecimal, readInteger, readString, type BooksContext } from './books-request';
import { paymentTermsLabel } from './contacts';
import { nextSeriesNumber, numberTaken } from './document-numbers';
import { computeInvoiceTotals, isPercentDiscount, lineDiscount, splitTaxOverMembers } from './invoice-math';
import type { ZohoOrganization } from './organization';

/*
 * Reading invoice create/update bodies: header fields, line items (validated like Zoho: an
 * existing customer, an existing item on every line, quantity > 0, existing taxes), Zoho's
 * numbering rule, and the recomputation of all amounts with invoice-math.ts. Credit notes are
 * read with the same line, header and totals code (credit-notes.ts).
 */

const AUTO_NUMBER_PREFIX = 'INV-';

export interface LineInputOptions {
  /**
   * Accept a line without `item_id` (then `name` and `rate` are required). Credit notes take
   * such lines; invoices do not, since the OAS marks an invoice line's item_id required.
   */
  itemOptional?: boolean;
}

/**
 * One line of a create/update body. On update a `line_item_id` of an existing line keeps that
 * id; otherwise the line is taken as sent (missing fields default from the item, a missing
 * tax_id means untaxed), which is what the shared invoice model predicts from the payload.
 */
export function lineFromInput(
  ctx: BooksContext,
  input: unknown,
  index: number,
  previous: readonly InvoiceLineRecord[],
  options: LineInputOptions = {},
): InvoiceLineRecord {
  const label = (field: string) => `line_items[${index}].${field}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidValue(`line_items[${index}]`, 'Expected an object.');
  const body = input as Record<string, unknown>;
  const lineItemId = readString(body, 'line_item_id');
  const existing = lineItemId ? previous.find((l) => l.line_item_id === lineItemId) : undefined;
  if (lineItemId && !existing) throw invalidValue(label('line_item_id'), `Line item ${lineItemId} does not belong to this invoice.`);

  const itemId = readString(body, 'item_id') ?? existing?.item_id;
  let item: ItemRecord | undefined;
  if (itemId) {
    item = ctx.org.items.get(itemId);
    if (!item) throw invalidValue(label('item_id'), `Item ${itemId} in line ${index + 1} does not exist.`);
  } else if (!options.itemOptional) {
    throw invalidValue(label('item_id'), `Line ${index + 1} has no item_id; every line item must refer to an item.`);
  }
  const name = readString(body, 'name', { max: 100, label: label('name') }) ?? item?.name;
  if (!item && !name?.trim()) throw invalidValue(label('name'), `Line ${index + 1} needs a name when it has no item_id.`);

  const quantity = readDecimal(body, 'quantity', label('quantity')) ?? Decimal.ONE;
  if (quantity.sign() <= 0) throw invalidValue(label('quantity'), `Quantity in line ${index + 1} must be greater than zero.`);
  const rate = readDecimal(body, 'rate', label('rate')) ?? item?.rate;
  if (rate === undefined) throw invalidValue(label('rate'), `Line ${index + 1} needs a rate when it has no item_id.`);

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
    item_id: itemId ?? '',
    name: name ?? '',
    description: readString(body, 'description', { max: 2000, label: label('description') }) ?? item?.description ?? '',
    item_order: readInteger(body, 'item_order') ?? index + 1,
    rate,
    quantity,
    unit: readString(body, 'unit', { max: 100 }) ?? item?.unit ?? '',
    discount,
    discount_amount_input: discountAmountInput,
    tax_id: taxId,
    product_type: readString(body, 'product_type') ?? item?.product_type ?? '',
    item_total: Decimal.ZERO,
    discount_amount: absoluteDiscount,
    tax_amount: Decimal.ZERO,
  };
}

/** The part of an invoice or credit note that recompute reads and writes (credit notes have no shipping charge). */
export type ComputedDocument = Pick<InvoiceRecord, 'line_items' | 'is_inclusive_tax' | 'adjustment' | 'sub_total' | 'tax_total' | 'total' | 'taxes'> & {
  shipping_charge?: Decimal;
};

/** Recomputes every derived amount of an invoice (or credit note) with invoice-math.ts. */
export function recompute(org: ZohoOrganization, invoice: ComputedDocument): void {
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

export function assertInvoiceNumber(ctx: BooksContext, invoice: InvoiceRecord, number: string): void {
  if (number.trim() === '') throw invalidValue('invoice_number', 'The invoice number cannot be empty.');
  const others = [...ctx.org.invoices.values()].filter((other) => other.invoice_id !== invoice.invoice_id).map((other) => other.invoice_number);
  if (numberTaken(number, others)) {
    throw new BooksError(400, ctx.codes.duplicateInvoiceNumber, `The invoice number "${number}" already exists. Please specify a different invoice number.`);
  }
}

export function nextAutoNumber(org: ZohoOrganization): string {
  const next = nextSeriesNumber(AUTO_NUMBER_PREFIX, 6, org.nextInvoiceNumber, [...org.invoices.values()].map((i) => i.invoice_number));
  org.nextInvoiceNumber = next.counter;
  return next.number;
}

/** The customer a document is written for: an existing contact of type customer. */
export function customerFor(ctx: BooksContext, customerId: string): ContactRecord {
  const customer = ctx.org.contacts.get(customerId);
  if (!customer || customer.contact_type !== 'customer') throw invalidValue('customer_id', `Customer ${customerId} does not exist.`);
  return customer;
}

/** The header fields invoices and credit notes share. */
export type SharedHeader = Pick<
  InvoiceRecord,
  | 'reference_number'
  | 'date'
  | 'is_discount_before_tax'
  | 'discount_type'
  | 'is_inclusive_tax'
  | 'adjustment'
  | 'adjustment_description'
  | 'exchange_rate'
  | 'notes'
  | 'terms'
>;

/**
 * Applies the header fields invoices and credit notes share: reference, date, discount and tax
 * mode, adjustment, exchange rate, notes and terms. Says whether the body carried `date`.
 */
export function applySharedHeaderFields(doc: SharedHeader, body: Record<string, unknown>): { dateGiven: boolean } {
  const reference = readString(body, 'reference_number', { max: 100 });
  if (reference !== undefined) doc.reference_number = reference;
  const date = readString(body, 'date');
  if (date !== undefined && date !== '') {
    if (!isIsoDate(date)) throw invalidValue('date', 'Use the format yyyy-mm-dd.');
    doc.date = date;
  }
  const discount = readDecimal(body, 'discount');
  if (discount !== undefined && !discount.isZero()) {
    throw invalidValue(
      'discount',
      'Entity-level discounts are not part of the invoice model this fake implements; give discounts per line item (discount_type item_level).',
    );
  }
  const beforeTax = readBoolean(body, 'is_discount_before_tax');
  if (beforeTax !== undefined) doc.is_discount_before_tax = beforeTax;
  const discountType = readString(body, 'discount_type');
  if (discountType !== undefined) {
    if (discountType !== 'item_level' && discountType !== 'entity_level') throw invalidValue('discount_type');
    doc.discount_type = discountType;
  }
  const inclusive = readBoolean(body, 'is_inclusive_tax');
  if (inclusive !== undefined) doc.is_inclusive_tax = inclusive;
  const adjustment = readDecimal(body, 'adjustment');
  if (adjustment !== undefined) doc.adjustment = adjustment;
  const adjustmentDescription = readString(body, 'adjustment_description', { max: 100 });
  if (adjustmentDescription !== undefined) doc.adjustment_description = adjustmentDescription;
  const exchangeRate = readDecimal(body, 'exchange_rate');
  if (exchangeRate !== undefined) {
    if (exchangeRate.sign() <= 0) throw invalidValue('exchange_rate');
    doc.exchange_rate = exchangeRate;
  }
  const notes = readString(body, 'notes', { max: 5000 });
  if (notes !== undefined) doc.notes = notes;
  const termsText = readString(body, 'terms', { max: 10000 });
  if (termsText !== undefined) doc.terms = termsText;
  return { dateGiven: date !== undefined };
}

/**
 * A document is in its customer's currency: Books keeps one currency per contact and books the
 * contact's invoices, credit notes and payments in it. A `currency_id` in the body must name an
 * enabled currency and that one; [assumed] another is refused rather than ignored, since Zoho's
 * answer to it is not documented and a silent switch would hide a mix-up in the caller.
 */
export function assertCustomerCurrency(ctx: BooksContext, customer: ContactRecord): void {
  const sent = readString(ctx.body, 'currency_id');
  if (sent === undefined || sent === '') return;
  if (!ctx.org.currency(sent)) throw invalidValue('currency_id', `Currency ${sent} is not enabled in this organization.`);
  if (sent !== customer.currency_id) {
    throw invalidValue('currency_id', `The customer's currency is ${ctx.org.currencyCodeOf(customer.currency_id)}; its documents are in it.`);
  }
}

/**
 * A document's exchange rate (base-currency units per unit of its currency), once its currency
 * and date are known:
 * - in the base currency always 1. A rate sent for it is ignored rather than refused: there is
 *   nothing to convert, and Zoho's reaction to one is not documented;
 * - else the rate the body sends (> 0);
 * - else, on create or when an update moves it to another currency, the rate of that currency
 *   in effect on its date, else 1 (ZohoOrganization.defaultExchangeRate). [assumed] The spec says
 *   exchange_rate is "required when not in base currency"; Books' own form pre-fills the rate of
 *   the day, which the fake does instead of refusing;
 * - else (an update that sends none) the rate it has: a rate filed later does not rebook it.
 */
export function settleExchangeRate(
  ctx: BooksContext,
  doc: { currency_id: string; date: string; exchange_rate: Decimal },
  previousCurrencyId?: string,
): void {
  const sent = readDecimal(ctx.body, 'exchange_rate');
  if (sent !== undefined && sent.sign() <= 0) throw invalidValue('exchange_rate', 'The exchange rate must be greater than zero.');
  if (doc.currency_id === ctx.org.info.currency_id) doc.exchange_rate = Decimal.ONE;
  else if (sent !== undefined) doc.exchange_rate = sent;
  else if (previousCurrencyId !== doc.currency_id) doc.exchange_rate = ctx.org.defaultExchangeRate(doc.currency_id, doc.date);
}

/** Applies the header fields of a create/update body. Lines are handled by the caller. */
export function applyHeaderFields(ctx: BooksContext, invoice: InvoiceRecord, body: Record<string, unknown>, creating: boolean): void {
  const customerId = readString(body, 'customer_id');
  if (customerId !== undefined && customerId !== invoice.customer_id) {
    const customer = customerFor(ctx, customerId);
    if (!creating && invoice.payment_made.sign() > 0) throw notAllowed('The customer of an invoice with payments cannot be changed.');
    // Credit notes belong to one customer, so credits pin the invoice's customer as payments do.
    if (!creating && invoice.credits_applied.sign() > 0) throw notAllowed('The customer of an invoice with credits applied cannot be changed.');
    invoice.customer_id = customerId;
    invoice.currency_id = customer.currency_id;
    invoice.billing_address = { ...customer.billing_address };
    invoice.shipping_address = { ...customer.shipping_address };
    if (creating) {
      invoice.payment_terms = customer.payment_terms;
      invoice.payment_terms_label = customer.payment_terms_label;
    }
  }
  const owner = ctx.org.contacts.get(invoice.customer_id);
  if (owner) assertCustomerCurrency(ctx, owner);
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
  const { dateGiven } = applySharedHeaderFields(invoice, body);
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
  } else if (creating || dateGiven || terms !== undefined) {
    invoice.due_date = addDays(invoice.date, invoice.payment_terms);
  }
  const shipping = readDecimal(body, 'shipping_charge');
  if (shipping !== undefined) {
    if (shipping.sign() < 0) throw invalidValue('shipping_charge', 'The shipping charge cannot be negative.');
    invoice.shipping_charge = shipping;
  }
  const salesperson = readString(body, 'salesperson_name', { max: 200 });
  if (salesperson !== undefined) invoice.salesperson_name = salesperson;
  const partial = readBoolean(body, 'allow_partial_payments');
  if (partial !== undefined) invoice.allow_partial_payments = partial;
  const customFields = readArray(body, 'custom_fields');
  if (customFields !== undefined) invoice.custom_fields = customFields;
}

/** The body's `invoice_number` under Zoho's auto-numbering rule, or undefined to keep/auto-assign. */
export function requestedNumber(ctx: BooksContext, current: string | undefined): string | undefined {
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

