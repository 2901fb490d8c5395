import { Decimal } from '../decimal/decimal';
import { isIsoDate, localDate } from '../time/zoned-time';
import { assertCustomerCurrency, settleExchangeRate } from './invoice-input';
import { invalidValue, notFound } from './books-errors';
import type { ZohoPayment } from './books-json-types';
import type { InvoiceRecord, PaymentRecord } from './books-records';
import { primaryPerson } from './contact-json';
import { money, paginate, timestamp, readArray, readDecimal, readString, success, textFilterMatches, type BooksContext, type BooksResult } from './books-request';
import { invoiceBalance } from './invoice-status';
import type { ZohoOrganization } from './organization';

/*
 * Customer payments (specs/zoho-books.md §5.7): applying a payment lowers the invoices'
 * balance, which turns them `partially_paid` or `paid`. A payment applied to a draft invoice
 * marks it sent, as recording a payment in Books does. Any amount not applied becomes the
 * customer's unused credit. Updating a payment applies it anew; deleting it restores the balances.
 */

const PAYMENT_MODES = new Set(['check', 'cash', 'creditcard', 'banktransfer', 'bankremittance', 'autotransaction', 'others']);

export function paymentJson(ctx: { org: ZohoOrganization }, payment: PaymentRecord): ZohoPayment {
  const customer = ctx.org.contacts.get(payment.customer_id);
  const currency = ctx.org.currency(payment.currency_id) ?? ctx.org.currencies()[0];
  return {
    payment_id: payment.payment_id,
    payment_mode: payment.payment_mode,
    amount: money(ctx, payment.amount),
    amount_refunded: 0,
    bank_charges: money(ctx, payment.bank_charges),
    date: payment.date,
    status: 'success',
    reference_number: payment.reference_number,
    description: payment.description,
    customer_id: payment.customer_id,
    customer_name: customer?.contact_name ?? '',
    email: customer ? (primaryPerson(customer)?.email ?? '') : '',
    invoices: payment.invoices.map((entry) => {
      const invoice = ctx.org.invoices.get(entry.invoice_id);
      return {
        invoice_id: entry.invoice_id,
        invoice_number: invoice?.invoice_number ?? '',
        date: invoice?.date ?? '',
        invoice_amount: invoice ? money(ctx, invoice.total) : 0,
        amount_applied: money(ctx, entry.amount_applied),
        balance_amount: invoice ? money(ctx, invoiceBalance(invoice)) : 0,
      };
    }),
    currency_id: currency.currency_id,
    currency_code: currency.currency_code,
    currency_symbol: currency.currency_symbol,
    exchange_rate: payment.exchange_rate.toNumber(),
    custom_fields: [],
    created_time: timestamp(ctx, payment.created_at),
  };
}

function findPayment(ctx: BooksContext): PaymentRecord {
  const payment = ctx.org.payments.get(ctx.params.paymentId ?? '');
  if (!payment) throw notFound('Payment');
  return payment;
}

/** A body's `invoices[]`: each an invoice of the customer that is not void, applied at most its balance due. */
function readApplications(ctx: BooksContext, customerId: string, current?: PaymentRecord): Array<{ invoice: InvoiceRecord; applied: Decimal }> {
  return (readArray(ctx.body, 'invoices') ?? []).map((raw, index) => {
    if (typeof raw !== 'object' || raw === null) throw invalidValue(`invoices[${index}]`);
    const entry = raw as Record<string, unknown>;
    const invoiceId = readString(entry, 'invoice_id') ?? '';
    const invoice = ctx.org.invoices.get(invoiceId);
    if (!invoice || invoice.customer_id !== customerId) {
      throw invalidValue(`invoices[${index}].invoice_id`, `Invoice ${invoiceId} does not exist for this customer.`);
    }
    if (invoice.base_status === 'void') throw invalidValue(`invoices[${index}].invoice_id`, 'Payments cannot be applied to a void invoice.');
    const applied = readDecimal(entry, 'amount_applied', `invoices[${index}].amount_applied`);
    if (!applied || applied.sign() <= 0) throw invalidValue(`invoices[${index}].amount_applied`);
    // An update re-applies the payment: what it already applies to this invoice is available again.
    const already = current?.invoices.find((e) => e.invoice_id === invoiceId)?.amount_applied ?? Decimal.ZERO;
    if (applied.gt(invoiceBalance(invoice).add(already))) {
      throw invalidValue(`invoices[${index}].amount_applied`, 'The amount applied exceeds the balance due of the invoice.');
    }
    return { invoice, applied };
  });
}

function readMode(ctx: BooksContext): string {
  const mode = readString(ctx.body, 'payment_mode') ?? '';
  if (!PAYMENT_MODES.has(mode)) throw invalidValue('payment_mode', `Use one of ${[...PAYMENT_MODES].join(', ')}.`);
  return mode;
}

function readAmount(ctx: BooksContext): Decimal {
  const amount = readDecimal(ctx.body, 'amount');
  if (!amount || amount.sign() <= 0) throw invalidValue('amount', 'The amount must be greater than zero.');
  return amount;
}

function readDate(ctx: BooksContext, fallback: string): string {
  const date = readString(ctx.body, 'date') ?? fallback;
  if (!isIsoDate(date)) throw invalidValue('date', 'Use the format yyyy-mm-dd.');
  return date;
}

function assertCovers(amount: Decimal, entries: Array<{ applied: Decimal }>): Decimal {
  const totalApplied = Decimal.sum(entries.map((e) => e.applied));
  if (totalApplied.gt(amount)) throw invalidValue('amount', 'The amount applied to invoices exceeds the payment amount.');
  return totalApplied;
}

/** Applies (sign 1) or takes back (sign -1) a payment's applications and its unapplied rest, the customer's credit. */
function book(ctx: BooksContext, payment: PaymentRecord, sign: 1 | -1): void {
  for (const entry of payment.invoices) {
    const invoice = ctx.org.invoices.get(entry.invoice_id);
    if (!invoice) continue;
    invoice.payment_made = sign > 0 ? invoice.payment_made.add(entry.amount_applied) : invoice.payment_made.sub(entry.amount_applied);
    if (sign > 0 && invoice.base_status === 'draft') invoice.base_status = 'sent';
    invoice.modified_at = ctx.now;
  }
  const customer = ctx.org.contacts.get(payment.customer_id);
  if (!customer) return;
  const unapplied = payment.amount.sub(Decimal.sum(payment.invoices.map((e) => e.amount_applied)));
  customer.unused_credits = sign > 0 ? customer.unused_credits.add(unapplied) : Decimal.max(0, customer.unused_credits.sub(unapplied));
}

export const customerPaymentHandlers = {
  create(ctx: BooksContext): BooksResult {
    const customerId = readString(ctx.body, 'customer_id');
    const customer = customerId ? ctx.org.contacts.get(customerId) : undefined;
    if (!customer) throw invalidValue('customer_id', customerId ? `Customer ${customerId} does not exist.` : 'customer_id is required.');
    const mode = readMode(ctx);
    const amount = readAmount(ctx);
    const date = readDate(ctx, localDate(ctx.now, ctx.org.timeZone));
    const entries = readApplications(ctx, customer.contact_id);
    assertCovers(amount, entries);
    const payment: PaymentRecord = {
      payment_id: ctx.ids.next(),
      payment_mode: mode,
      amount,
      bank_charges: readDecimal(ctx.body, 'bank_charges') ?? Decimal.ZERO,
      date,
      reference_number: readString(ctx.body, 'reference_number', { max: 100 }) ?? '',
      description: readString(ctx.body, 'description', { max: 2000 }) ?? '',
      customer_id: customer.contact_id,
      currency_id: customer.currency_id,
      exchange_rate: Decimal.ONE,
      account_id: readString(ctx.body, 'account_id') ?? '',
      invoices: entries.map(({ invoice, applied }) => ({ invoice_id: invoice.invoice_id, amount_applied: applied })),
      created_at: ctx.now,
    };
    // In the customer's currency; the rate as sent, else the one of its date (settleExchangeRate).
    assertCustomerCurrency(ctx, customer);
    settleExchangeRate(ctx, payment);
    // Checked all through: only now are the invoices and the customer's credit touched.
    book(ctx, payment, 1);
    ctx.org.payments.set(payment.payment_id, payment);
    return success('The payment has been created.', { payment: paymentJson(ctx, payment) }, 201);
  },

  /**
   * `PUT /customerpayments/{id}` (§5.7): the same body as a create, required fields included; its
   * `invoices[]` replace the payment's applications (an invoice left out owes its share again, an
   * empty list leaves the whole amount as the customer's credit). The customer stays: a payment
   * moves to another customer by being deleted and recorded again.
   */
  update(ctx: BooksContext): BooksResult {
    const payment = findPayment(ctx);
    const customerId = readString(ctx.body, 'customer_id');
    if (!customerId) throw invalidValue('customer_id', 'customer_id is required.');
    if (customerId !== payment.customer_id) throw invalidValue('customer_id', 'The customer of a payment cannot be changed.');
    const mode = readMode(ctx);
    const amount = readAmount(ctx);
    const date = readDate(ctx, payment.date);
    const entries = readApplications(ctx, payment.customer_id, payment);
    assertCovers(amount, entries);
    const updated: PaymentRecord = {
      ...payment,
      payment_mode: mode,
      amount,
      date,
      bank_charges: readDecimal(ctx.body, 'bank_charges') ?? payment.bank_charges,
      reference_number: readString(ctx.body, 'reference_number', { max: 100 }) ?? payment.reference_number,
      description: readString(ctx.body, 'description', { max: 2000 }) ?? payment.description,
      account_id: readString(ctx.body, 'account_id') ?? payment.account_id,
      invoices: entries.map(({ invoice, applied }) => ({ invoice_id: invoice.invoice_id, amount_applied: applied })),
    };
    settleExchangeRate(ctx, updated, payment.currency_id);
    // Checked all through: the old applications are taken back and the new ones made together.
    book(ctx, payment, -1);
    book(ctx, updated, 1);
    ctx.org.payments.set(payment.payment_id, updated);
    return success('The payment has been updated.', { payment: paymentJson(ctx, updated) });
  },

  /**
   * Filters as Zoho documents them (OAS customer-payments.yml): `reference_number` (+ variants),
   * `customer_id`, `payment_mode`, `date`; others are ignored. A retried create finds its payment
   * by reference here.
   */
  list(ctx: BooksContext): BooksResult {
    const q = ctx.query;
    const customerId = q.get('customer_id');
    const mode = q.get('payment_mode');
    const date = q.get('date');
    const rows = [...ctx.org.payments.values()].filter((payment) => {
      if (customerId && payment.customer_id !== customerId) return false;
      if (mode && payment.payment_mode !== mode) return false;
      if (date && payment.date !== date) return false;
      if (!textFilterMatches(q, 'reference_number', payment.reference_number)) return false;
      return true;
    });
    // Rows are kept in creation order; newest first, as Zoho lists them.
    rows.reverse();
    const page = paginate(rows, q, { report_name: 'Payments Received', sort_column: 'created_time', sort_order: 'D' });
    return success('success', { customerpayments: page.rows.map((p) => paymentJson(ctx, p)), page_context: page.page_context });
  },

  get(ctx: BooksContext): BooksResult {
    return success('success', { payment: paymentJson(ctx, findPayment(ctx)) });
  },

  remove(ctx: BooksContext): BooksResult {
    const payment = findPayment(ctx);
    book(ctx, payment, -1);
    ctx.org.payments.delete(payment.payment_id);
    return success('The payment has been deleted.');
  },
};
