import { Decimal } from '../money/decimal';

/*
 * The rate and discount of a Zoho line, chosen so that Zoho's item total
 * (round(rate × quantity − discount), zoho-invoice-model.ts) is what WooCommerce charges for the
 * line, and Zoho's tax, computed on that item total, is WooCommerce's.
 *
 * - Plainly: rate = the undiscounted unit price at the price precision, discount = what coupons
 *   took off (undiscounted − net).
 * - When that misses the line's amount because the unit price has no exact value at the price
 *   precision (10.00 for 3; 0.125 at 2 decimals, where 1000 × 0.13 = 130.00 for WooCommerce's
 *   125.00, and Zoho would tax the 5.00 too), the rate is rounded up instead and the discount
 *   takes off everything above the line's amount, coupons included: 3 × 3.34 less 0.02 = 10.00.
 * - Inclusive lines: WooCommerce's amount is total + total_tax, two printed amounts, so it can be
 *   a minor unit off the shelf price × quantity (3 × 3.33 incl. 20% prints as 8.33 + 1.67 =
 *   10.00). A plain rate within `slack` of it is kept, the customer's price: the tax it moves is
 *   less than a unit, and the adjustment takes the cent.
 * - Negative lines (a deposit returned, a trade-in) keep the plain rate: no discount is sent on them.
 */

export interface LinePriceInput {
  /** WooCommerce's amount for the line before coupons (tax included on inclusive lines). */
  undiscounted: Decimal;
  /** What WooCommerce charges for the line (tax included on inclusive lines). */
  net: Decimal;
  /** Positive. */
  quantity: Decimal;
  pricePrecision: number;
  /** How far Zoho's item total may stay from `net` with the plain rate (0: not at all). */
  slack: Decimal;
}

export interface LinePrice {
  rate: Decimal;
  /** Absolute, at the price precision; zero when nothing is taken off. */
  discount: Decimal;
  /** undiscounted − rate × quantity when the plain rate is kept (see PlannedLine.rateRounding); else zero. */
  rateRounding: Decimal;
}

function priced(rate: Decimal, quantity: Decimal, wantedDiscount: Decimal, precision: number) {
  const gross = rate.mul(quantity);
  // Zoho takes no discount below zero or above the line, and none on a negative line.
  const discount = gross.isPositive() ? Decimal.min(Decimal.max(wantedDiscount, 0), gross) : Decimal.ZERO;
  return { rate, gross, discount, itemTotal: gross.sub(discount).roundHalfAwayFromZero(precision) };
}

export function linePrice(input: LinePriceInput): LinePrice {
  const { undiscounted, net, quantity, pricePrecision: precision } = input;
  const coupons = undiscounted.sub(net).roundHalfAwayFromZero(precision);
  const plain = priced(undiscounted.div(quantity, precision, 'half-away-from-zero'), quantity, coupons, precision);
  const target = net.roundHalfAwayFromZero(precision);
  if (!undiscounted.isPositive() || plain.itemTotal.sub(target).abs().lte(input.slack)) {
    return { rate: plain.rate, discount: plain.discount, rateRounding: undiscounted.sub(plain.gross) };
  }
  const rate = undiscounted.div(quantity, precision, 'away-from-zero');
  // Rounding the surplus half up keeps round(gross − discount) on the target when a fractional
  // quantity gives the gross more decimals than the precision.
  const surplus = rate.mul(quantity).sub(target).roundHalfAwayFromZero(precision);
  const raised = priced(rate, quantity, surplus, precision);
  return { rate: raised.rate, discount: raised.discount, rateRounding: Decimal.ZERO };
}
