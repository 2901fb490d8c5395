import type { WooOrder } from '@connector/contracts';
import { InvalidOrderError } from './invoice-errors';
import { calendarDateIn } from './invoice/invoice-date';
import { wooAmount } from './invoice/woo-amount';
import { Decimal } from './money/decimal';
import { cleanText } from './text/zoho-text';
import { ZOHO_FIELD_LIMITS } from './text/zoho-field-limits';
import type { ZohoCustomerPaymentPayload, ZohoPaymentMode } from './zoho-payloads';

/*
 * A paid WooCommerce order → the Zoho Books customer payment that books its money in, applied to
 * the order's invoice, exact to the cent: the payment's amount is the order's `total`, what the
 * customer was charged. Refunds are the credit notes' business (refund-to-credit-note.ts), not a
 * smaller payment: the books show what came in and what went back.
 */

export const ZOHO_PAYMENT_MODES: readonly ZohoPaymentMode[] = ['check', 'cash', 'creditcard', 'banktransfer', 'bankremittance', 'autotransaction', 'others'];

/**
 * WooCommerce's own gateways by id, and the card processors' id prefixes. Anything else is
 * `others` unless the connection maps it (settings.paymentModes): a wrong guess would put money
 * in the wrong account, `others` at least says nobody guessed.
 */
const KNOWN_METHODS: Record<string, ZohoPaymentMode> = { bacs: 'banktransfer', cheque: 'check', cod: 'cash' };
const CARD_METHOD = /^(stripe|woocommerce_payments|square|braintree|authorize_?net|ppcp-credit-card|payfast|mollie_wc_gateway_creditcard)/i;

export interface PaymentContext {
  customerId: string;
  invoiceId: string;
  /** What the invoice has left to pay in Zoho; the payment is applied up to it. */
  invoiceBalance: string;
  storeTimeZone: string;
  accountId?: string;
  /** WooCommerce payment method id → Zoho payment mode, over the built-in guesses. */
  modes?: Record<string, string>;
  /** Rate of the payment's date when the order is not in the base currency (see `paidOn`). */
  exchangeRate?: number;
}

export interface PaymentPlan {
  payload: ZohoCustomerPaymentPayload;
  /** The order's total as an exact decimal string: the payment's amount. */
  amount: string;
  /** How much of it goes to the invoice (its balance at most); the rest is the customer's credit. */
  applied: string;
}

/**
 * The moment the order was paid (UTC `YYYY-MM-DDTHH:MM:SS`), or null while it is not. WooCommerce
 * sets `date_paid` when the gateway confirms the payment, or when the owner moves a manual-payment
 * order (bank transfer, cheque) to processing or completed; a free order has nothing to book.
 */
export function paidAtGmt(order: WooOrder): string | null {
  const paid = order.date_paid_gmt ?? null;
  if (!paid || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(paid)) return null;
  if (!wooAmount(order.id, order.total, 'total').isPositive()) return null;
  return paid.slice(0, 19);
}

/**
 * Whether Connector books this order's payment: it is paid (paidAtGmt), at or after the
 * connection's `paymentsSince` (absent: no payment is booked).
 */
export function paymentIsBooked(order: WooOrder, paymentsSince: string | undefined): boolean {
  const paidAt = paymentsSince ? paidAtGmt(order) : null;
  return paidAt !== null && paidAt >= paymentsSince!;
}

/** The reference a payment carries: the order number and `-P`, how it is found again after a lost response. */
export function paymentReference(order: WooOrder): string {
  return cleanText(`${order.number || order.id}-P`, { maxLength: ZOHO_FIELD_LIMITS.referenceNumber });
}

/** The Zoho payment mode of a WooCommerce payment method: the connection's mapping, then the built-in one. */
export function zohoPaymentMode(method: string | undefined, modes: Record<string, string> = {}): ZohoPaymentMode {
  const id = (method ?? '').trim();
  return asZohoPaymentMode(modes[id]) ?? KNOWN_METHODS[id] ?? (CARD_METHOD.test(id) ? 'creditcard' : 'others');
}

/** `mode` when it is one of Zoho's payment modes. */
export function asZohoPaymentMode(mode: string | null | undefined): ZohoPaymentMode | undefined {
  return (ZOHO_PAYMENT_MODES as readonly (string | null | undefined)[]).includes(mode) ? (mode as ZohoPaymentMode) : undefined;
}

/** The payment's date: the day the order was paid, in the store's time zone. */
export function paidOn(order: WooOrder, storeTimeZone: string): string {
  const paidAt = paidAtGmt(order);
  if (!paidAt) throw new InvalidOrderError(order.id, 'it is not paid (no date_paid_gmt, or a total of zero)');
  return calendarDateIn(new Date(`${paidAt}Z`), storeTimeZone);
}

/** The payment of a paid order (see paidAtGmt), applied to its invoice up to the invoice's balance. */
export function buildPayment(order: WooOrder, context: PaymentContext): PaymentPlan {
  const date = paidOn(order, context.storeTimeZone); // refuses an order not paid
  const amount = wooAmount(order.id, order.total, 'total');
  const balance = Decimal.max(0, Decimal.from(context.invoiceBalance));
  const applied = Decimal.min(amount, balance);
  const method = cleanText(order.payment_method_title || order.payment_method, { maxLength: 100 });
  const transaction = cleanText(order.transaction_id, { maxLength: 200 });
  const description = cleanText(
    `WooCommerce order #${order.number || order.id}${method ? ` paid by ${method}` : ''}${transaction ? `, transaction ${transaction}` : ''}`,
    { maxLength: 500 },
  );
  return {
    amount: amount.toString(),
    applied: applied.toFixed(amount.scale),
    payload: {
      customer_id: context.customerId,
      payment_mode: zohoPaymentMode(order.payment_method, context.modes),
      amount: amount.toNumber(),
      date,
      reference_number: paymentReference(order),
      description,
      ...(context.accountId ? { account_id: context.accountId } : {}),
      invoices: applied.isPositive() ? [{ invoice_id: context.invoiceId, amount_applied: applied.toNumber() }] : [],
      ...(context.exchangeRate !== undefined ? { exchange_rate: context.exchangeRate } : {}),
    },
  };
}

/** An application of a payment to an invoice, as Zoho lists it (amounts exact, as decimal strings or numbers). */
export interface PaymentApplication {
  invoice_id: string;
  amount_applied: string | number;
}

/**
 * A booked payment applied anew, after its invoice's total changed (the order edited after it was
 * paid, or its invoice voided and reinstated): the money that came in does not change, the other
 * invoices the owner may have applied it to keep their share, and `invoiceId` takes what is left
 * of the amount, at most `room` (what the invoice can take). The rest is the customer's credit.
 */
export function reappliedPayment(
  payment: { amount: string | number; invoices: readonly PaymentApplication[] },
  invoiceId: string,
  room: string,
): { invoices: Array<{ invoice_id: string; amount_applied: number }>; applied: string } {
  const amount = Decimal.from(String(payment.amount));
  const others = payment.invoices.filter((entry) => entry.invoice_id !== invoiceId);
  const free = amount.sub(Decimal.sum(others.map((entry) => Decimal.from(String(entry.amount_applied)))));
  const applied = Decimal.max(0, Decimal.min(free, room));
  return {
    applied: applied.toFixed(amount.scale),
    invoices: [
      ...others.map((entry) => ({ invoice_id: entry.invoice_id, amount_applied: Decimal.from(String(entry.amount_applied)).toNumber() })),
      ...(applied.isPositive() ? [{ invoice_id: invoiceId, amount_applied: applied.toNumber() }] : []),
    ],
  };
}
