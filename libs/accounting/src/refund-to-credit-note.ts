import type { WooOrder, WooRefund } from '@connector/contracts';
import { InvalidOrderError } from './invoice-errors';
import type { CarriedAmount, PlannedLine } from './invoice/invoice-lines';
import { wooAmount } from './invoice/woo-amount';
import { Decimal } from './money/decimal';
import { buildInvoice, type InvoiceContext, type InvoicePlan } from './order-to-invoice';
import { cleanText } from './text/zoho-text';
import { ZOHO_FIELD_LIMITS } from './text/zoho-field-limits';
import { refundedLines } from './refund/refunded-lines';
import type { ZohoCreditNotePayload } from './zoho-payloads';

/*
 * A WooCommerce refund → the Zoho Books credit note that books it, exact to the cent.
 *
 * WooCommerce stores a refund as a negative order: its lines are the order's lines with negative
 * quantities and amounts, and their taxes are the refunded share of each rate. Turned positive,
 * those lines are an order of their own, so the credit note is planned exactly as an invoice is
 * (same items, same tax mapping, same Zoho model and adjustment):
 *
 *     predictedZohoTotal + adjustment = refund.amount     (exactly)
 *
 * `amount` is what the customer got back and takes precedence over the lines (WooCommerce lets the
 * two differ). Whatever the lines do not explain is a line of its own on the refund item, untaxed,
 * because WooCommerce books an amount-only refund without tax too; a refund worth less than its
 * lines carries the difference in the adjustment.
 */

export interface CreditNoteContext extends Omit<InvoiceContext, 'options'> {
  /** The Zoho item the unexplained part of a refund is booked on (an amount-only refund, all of it). */
  refundItemId: string;
}

export interface CreditNotePlan extends Omit<InvoicePlan, 'payload' | 'ignoreAutoNumberGeneration' | 'orderTotal'> {
  payload: ZohoCreditNotePayload;
  /** `refund.amount`: the credit note's total. */
  refundTotal: string;
  /** Refunded amount, tax included, that no refund line explains (booked on the refund item). */
  unexplained: string;
}

/**
 * The refund's lines as a positive order: what is planned like an invoice, and whose items are
 * looked up. An amount that is not a number is an InvalidOrderError naming its field.
 */
export function refundAsOrder(order: WooOrder, refund: WooRefund): WooOrder {
  wooAmount(order.id, refund.amount, `refunds[${refund.id}].amount`);
  return {
    ...order,
    date_created: refund.date_created,
    date_created_gmt: refund.date_created_gmt,
    total: refund.amount,
    ...refundedLines(order.id, refund),
    coupon_lines: [],
    refunds: [],
    customer_note: '',
  };
}

/** The reference a credit note carries: order number and refund id, how it is found again after a lost response. */
export function creditNoteReference(order: WooOrder, refundId: number): string {
  return cleanText(`${order.number || order.id}-R${refundId}`, { maxLength: ZOHO_FIELD_LIMITS.referenceNumber });
}

export function buildCreditNote(order: WooOrder, refund: WooRefund, context: CreditNoteContext): CreditNotePlan {
  const amount = wooAmount(order.id, refund.amount, `refunds[${refund.id}].amount`);
  if (!amount.isPositive()) throw new InvalidOrderError(order.id, `refund ${refund.id} has amount ${refund.amount}; only positive refunds are credited`);
  const positive = refundAsOrder(order, refund);
  const explained = Decimal.sum([...positive.line_items, ...positive.shipping_lines, ...positive.fee_lines].map((line) => Decimal.from(line.total).add(line.total_tax)));
  const unexplained = amount.sub(explained);
  const name = cleanText(refund.reason ? `Refund: ${refund.reason}` : 'Refund', { maxLength: ZOHO_FIELD_LIMITS.lineName, html: true }) || 'Refund';

  const extraLines: PlannedLine[] = [];
  const extraCarried: CarriedAmount[] = [];
  if (unexplained.isPositive()) {
    const rate = unexplained.roundHalfAwayFromZero(context.pricePrecision);
    extraLines.push({
      kind: 'fee',
      wooLineId: refund.id,
      name,
      wooAmount: unexplained,
      rateRounding: unexplained.sub(rate),
      payload: { item_id: context.refundItemId, name, quantity: 1, rate: rate.toNumber() },
    });
  } else if (unexplained.isNegative()) {
    extraCarried.push({ kind: 'fee', wooLineId: refund.id, description: `refund ${refund.id} is less than its lines`, amount: unexplained });
  }

  const plan = buildInvoice(positive, { ...context, options: {} }, { lines: extraLines, carried: extraCarried });
  const { invoice_number: _number, shipping_charge: _shipping, notes: _notes, ...invoice } = plan.payload;
  return {
    payload: { ...invoice, reference_number: creditNoteReference(order, refund.id), notes: creditNoteNotes(order, refund) },
    refundTotal: plan.orderTotal,
    unexplained: unexplained.toString(),
    predictedZohoTotal: plan.predictedZohoTotal,
    adjustment: plan.adjustment,
    reconciliation: plan.reconciliation,
    warnings: plan.warnings,
  };
}

function creditNoteNotes(order: WooOrder, refund: WooRefund): string {
  const lines = [`Refund #${refund.id} of WooCommerce order #${cleanText(order.number, { maxLength: 100 }) || order.id}`];
  const reason = cleanText(refund.reason, { maxLength: 1000, multiline: true, html: true });
  if (reason) lines.push(`Reason: ${reason}`);
  lines.push(refund.refunded_payment ? 'Refunded through the payment gateway' : 'Refunded manually (not through the payment gateway)');
  return cleanText(lines.join('\n'), { maxLength: ZOHO_FIELD_LIMITS.invoiceNotes, multiline: true });
}
