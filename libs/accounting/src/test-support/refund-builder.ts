import type { WooLineTax, WooOrder, WooRefund, WooRefundLineItem, WooShippingLine } from '@connector/contracts';
import { REFUNDED_ITEM_META_KEY } from '@connector/contracts';
import { currencyDecimals } from '../money/currency';
import { Decimal } from '../money/decimal';

/*
 * Builds the refund WooCommerce records when the admin refunds lines of an order: each refunded
 * line keeps the order line's shape with negative amounts, its ex-tax total and per-rate taxes
 * are the line's per-unit share times the quantity, rounded to the currency's decimals, and
 * `amount` is their sum unless given (WooCommerce lets the amount differ from the lines).
 */

export interface RefundSpec {
  id?: number;
  /** Order line index → quantity refunded (0: by amount, with `lineAmounts`). */
  lines?: Array<{ index: number; quantity: number; total?: string }>;
  /** Refund the order's shipping lines in full. */
  shipping?: boolean;
  amount?: string;
  reason?: string;
  /** Leave `_refunded_item_id` out of the line meta. */
  withoutItemMeta?: boolean;
  dateCreatedGmt?: string;
}

function negative(value: Decimal, dp: number): string {
  return value.roundHalfAwayFromZero(dp).neg().toFixed(dp);
}

function shareOf(amount: string, part: Decimal, dp: number): Decimal {
  return Decimal.from(amount).mul(part).roundHalfAwayFromZero(dp);
}

function refundTaxes(taxes: readonly WooLineTax[], part: Decimal, dp: number): WooLineTax[] {
  return taxes.map((tax) => {
    const amount = negative(shareOf(tax.total, part, dp), dp);
    return { id: tax.id, total: amount, subtotal: amount };
  });
}

export function buildTestRefund(order: WooOrder, spec: RefundSpec): WooRefund {
  const dp = currencyDecimals(order.currency);
  const id = spec.id ?? order.id + 100;
  const meta = (lineId: number) => (spec.withoutItemMeta ? [] : [{ id: lineId + 1000, key: REFUNDED_ITEM_META_KEY, value: String(lineId) }]);
  const lineItems: WooRefundLineItem[] = (spec.lines ?? []).map((entry, position) => {
    const line = order.line_items[entry.index];
    const part = entry.quantity === 0 ? Decimal.ZERO : Decimal.from(entry.quantity).div(line.quantity, 12, 'half-away-from-zero');
    const total = entry.total !== undefined ? Decimal.from(entry.total) : shareOf(line.total, part, dp);
    const taxes = entry.total !== undefined
      ? refundTaxes(line.taxes, Decimal.from(entry.total).div(Decimal.from(line.total), 12, 'half-away-from-zero'), dp)
      : refundTaxes(line.taxes, part, dp);
    const totalTax = Decimal.sum(taxes.map((tax) => tax.total));
    return {
      ...line,
      id: id + position + 1,
      quantity: -entry.quantity,
      subtotal: negative(total, dp),
      subtotal_tax: totalTax.toFixed(dp),
      total: negative(total, dp),
      total_tax: totalTax.toFixed(dp),
      taxes,
      meta_data: meta(line.id),
      price: -total.toNumber() / Math.max(entry.quantity, 1),
      refund_total: total.toNumber(),
    };
  });
  const shippingLines: WooShippingLine[] = spec.shipping
    ? order.shipping_lines.map((line, position) => ({
        ...line,
        id: id + 50 + position,
        total: negative(Decimal.from(line.total), dp),
        total_tax: negative(Decimal.from(line.total_tax), dp),
        taxes: refundTaxes(line.taxes, Decimal.ONE, dp),
        meta_data: meta(line.id),
      }))
    : [];
  const linesSum = Decimal.sum([...lineItems, ...shippingLines].map((line) => Decimal.from(line.total).add(line.total_tax))).neg();
  return {
    id,
    date_created: '2025-02-01T10:00:00',
    date_created_gmt: spec.dateCreatedGmt ?? '2025-02-01T09:00:00',
    amount: spec.amount ?? linesSum.toFixed(dp),
    reason: spec.reason ?? '',
    refunded_by: 1,
    refunded_payment: false,
    meta_data: [],
    line_items: lineItems,
    shipping_lines: shippingLines,
    tax_lines: [],
    fee_lines: [],
  };
}
