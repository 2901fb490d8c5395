import { Decimal } from '../decimal/decimal';
import { isIsoDate, localDate } from '../time/zoned-time';
import { assertCustomerCurrency, settleExchangeRate } from './invoice-input';
import { invalidValue, notFound } from './books-errors';
import type { ZohoPayment } from './books-json-types';
import type { PaymentRecord } from './books-records';
import { primaryPerson } from './contact-json';
import { money, paginate, readArray, readDecimal, readString, success, textFilterMatches, type BooksContext, type BooksResult } from './books-request';
import { invoiceBalance } from './invoice-status';
import type { ZohoOrganization } from './organization';

/*
 * Customer payments (specs/zoho-books.md §5.7): applying a payment lowers the invoices'
 * balance, which turns them `partially_paid` or `paid`. A payment applied to a draft invoice
 * marks it sent, as recording a payment in Books does. Any amount not applied becomes the
 * customer's unused credit. Deleting a payment restores the balances.
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
  };
}

function findPayment(ctx: BooksContext): PaymentRecord {
  const payment = ctx.org.payments.get(ctx.params.paymentId ?? '');
  if (!payment) throw notFound('Payment');
  return payment;
}

export const customerPaymentHandlers = {
  create(ctx: BooksContext): BooksResult {
    const customerId = readString(ctx.body, 'customer_id');
    const customer = customerId ? ctx.org.contacts.get(customerId) : undefined;
    if (!customer) throw invalidValue('customer_id', customerId ? `Customer ${customerId} does not exist.` : 'customer_id is required.');
    const mode = readString(ctx.body, 'payment_mode') ?? '';
    if (!PAYMENT_MODES.has(mode)) throw invalidValue('payment_mode', `Use one of ${[...PAYMENT_MODES].join(', ')}.`);
    const amount = readDecimal(ctx.body, 'amount');
    if (!amount || amount.sign() <= 0) throw invalidValue('amount', 'The amount must be greater than zero.');
    const date = readString(ctx.body, 'date') ?? localDate(ctx.now, ctx.org.timeZone);
    if (!isIsoDate(date)) throw invalidValue('date', 'Use the format yyyy-mm-dd.');
    const entries = (readArray(ctx.body, 'invoices') ?? []).map((raw, index) => {
      if (typeof raw !== 'object' || raw === null) throw invalidValue(`invoices[${index}]`);
      const entry = raw as Record<string, unknown>;
      const invoiceId = readString(entry, 'invoice_id') ?? '';
      const invoice = ctx.org.invoices.get(invoiceId);
      if (!invoice || invoice.customer_id !== customer.contact_id) {
        throw invalidValue(`invoices[${index}].invoice_id`, `Invoice ${invoiceId} does not exist for this customer.`);
      }
      if (invoice.base_status === 'void') throw invalidValue(`invoices[${index}].invoice_id`, 'Payments cannot be applied to a void invoice.');
      const applied = readDecimal(entry, 'amount_applied', `invoices[${index}].amount_applied`);
      if (!applied || applied.sign() <= 0) throw invalidValue(`invoices[${index}].amount_applied`);
      if (applied.gt(invoiceBalance(invoice))) {
        throw invalidValue(`invoices[${index}].amount_applied`, 'The amount applied exceeds the balance due of the invoice.');
      }
      return { invoice, applied };
    });
    const totalApplied = Decimal.sum(entries.map((e) => e.applied));
    if (totalApplied.gt(amount)) throw invalidValue('amount', 'The amount applied to invoices exceeds the payment amount.');
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
    for (const { invoice, applied } of entries) {
      invoice.payment_made = invoice.payment_made.add(applied);
      if (invoice.base_status === 'draft') invoice.base_status = 'sent';
      invoice.modified_at = ctx.now;
    }
    customer.unused_credits = customer.unused_credits.add(amount.sub(totalApplied));
    ctx.org.payments.set(payment.payment_id, payment);
    return success('The payment has been created.', { payment: paymentJson(ctx, payment) }, 201);
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
    for (const entry of payment.invoices) {
      const invoice = ctx.org.invoices.get(entry.invoice_id);
      if (invoice) {
        invoice.payment_made = invoice.payment_made.sub(entry.amount_applied);
        invoice.modified_at = ctx.now;
      }
    }
    const customer = ctx.org.contacts.get(payment.customer_id);
    if (customer) {
      const unapplied = payment.amount.sub(Decimal.sum(payment.invoices.map((e) => e.amount_applied)));
      customer.unused_credits = Decimal.max(0, customer.unused_credits.sub(unapplied));
    }
    ctx.org.payments.delete(payment.payment_id);
    return success('The payment has been deleted.');
  },
};
