import { Decimal } from '../decimal/decimal';
import { localDate } from '../time/zoned-time';
import { currencyInfo } from './currencies';
import type { ZohoInvoice, ZohoInvoiceLine } from './books-json-types';
import type { InvoiceLineRecord, InvoiceRecord } from './books-records';
import { money, timestamp, type BooksContext } from './books-request';
import { isPercentDiscount } from './invoice-math';
import { displayStatus, invoiceBalance } from './invoice-status';
import type { ZohoOrganization } from './organization';

/** The invoice JSON of GET/POST/PUT /invoices (fixtures/zoho/invoice-create-response.json) and the list rows; credit notes render their lines with `lineJson` too. */

export function today(ctx: { org: ZohoOrganization; now: number }): string {
  return localDate(ctx.now, ctx.org.timeZone);
}

export function lineJson(ctx: { org: ZohoOrganization }, line: InvoiceLineRecord): ZohoInvoiceLine {
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
  const currency = currencyInfo(ctx.org.currencyCodeOf(invoice.currency_id));
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

export function invoiceRowJson(ctx: BooksContext, invoice: InvoiceRecord): Record<string, unknown> {
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
    currency_code: currencyInfo(ctx.org.currencyCodeOf(invoice.currency_id)).code,
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

