import type { WooOrder, WooRefund } from '@connector/contracts';
import { InvalidOrderError } from './invoice-errors';
import { calendarDateIn } from './invoice/invoice-date';
import { Decimal } from './money/decimal';
import { asZohoPaymentMode } from './order-to-payment';
import { creditNoteReference } from './refund-to-credit-note';
import { cleanText } from './text/zoho-text';
import type { ZohoCreditNoteRefundPayload } from './zoho-payloads';

export interface CashOutContext {
  /** What is left open on the credit note after it went onto the invoice: the money to give back. */
  amount: Decimal;
  /** The account the order's payment went into, which the money leaves again. */
  accountId: string;
  /** The Zoho mode the order's payment was booked with (the refund goes back the same way). */
  paymentMode: string;
  storeTimeZone: string;
  /** The rate of the refund's day when the order is not in the base currency (see `refundDay`). */
  exchangeRate?: number;
}

/**
 * The refund of a credit note's open balance (WooCommerce refund → money back to the customer) for
 * an order whose payment was booked: without it the credit would sit on the customer as if the
 * shop still owed it, and the deposit account would show money the shop no longer has.
 */
export function buildCashRefund(order: WooOrder, refund: WooRefund, context: CashOutContext): ZohoCreditNoteRefundPayload {
  if (!context.amount.isPositive()) throw new InvalidOrderError(order.id, `refund ${refund.id} has nothing left to give back`);
  return {
    date: refundDay(order, refund, context.storeTimeZone),
    amount: context.amount.toNumber(),
    from_account_id: context.accountId,
    refund_mode: asZohoPaymentMode(context.paymentMode) ?? 'others',
    reference_number: creditNoteReference(order, refund.id),
    description: cleanText(`WooCommerce refund ${refund.id} of order #${order.number || order.id}${refund.reason ? `: ${refund.reason}` : ''}`, { maxLength: 500 }),
    ...(context.exchangeRate !== undefined ? { exchange_rate: context.exchangeRate } : {}),
  };
}

/** The day the money went back: the refund's moment in the store's time zone. */
export function refundDay(order: WooOrder, refund: WooRefund, storeTimeZone: string): string {
  const made = refund.date_created_gmt ? new Date(`${refund.date_created_gmt.slice(0, 19)}Z`) : undefined;
  if (!made || Number.isNaN(made.getTime())) throw new InvalidOrderError(order.id, `refund ${refund.id} has no date_created_gmt`);
  return calendarDateIn(made, storeTimeZone);
}
