import { Decimal, type DecimalInput } from '../decimal/decimal';

/*
 * How the fake Zoho Books computes invoice totals. This is a contract: the accounting library
 * implements the same model independently (libs/accounting/src/zoho-invoice-model.ts) to predict
 * what Zoho will print, so both must follow this text exactly.
 *
 *   p = the organisation's price_precision (2 by default; 0 for JPY, 3 for KWD/BHD/OMR);
 *   round(x) = round half away from zero to p decimals. Everything else is exact.
 *
 *   For each line item:
 *     gross      = rate × quantity
 *     discount   = the line's `discount` if given: a string ending in '%' is that percentage of
 *                  gross; any other value is an absolute amount. Without `discount`, a
 *                  `discount_amount` is taken as an absolute amount. Otherwise 0.
 *     item_total = round(gross − discount)
 *     tax        = 0 without tax_id; otherwise with pct = the tax's percentage (a tax group
 *                  applies the sum of its members' percentages):
 *                    exclusive invoice (is_inclusive_tax false/absent): round(item_total × pct / 100)
 *                    inclusive invoice:                                round(item_total × pct / (100 + pct))
 *                  and item_total stays tax-inclusive on inclusive invoices.
 *
 *   sub_total = Σ item_total
 *   tax_total = Σ tax                         (rounded per line, never on the sum)
 *   total     = sub_total + (exclusive ? tax_total : 0) + shipping_charge + adjustment
 *
 *   shipping_charge is untaxed in this model; adjustment may be negative; both are added exactly
 *   as given. Amounts in responses are printed rounded to p decimals.
 *
 * The per-tax summary (`taxes[]`) splits each line's tax over a group's members in proportion to
 * their percentages, rounding each share and giving the remainder to the last member, so the
 * summary always adds up to tax_total.
 */

export interface InvoiceMathLine {
  rate: DecimalInput;
  quantity: DecimalInput;
  /** `"10%"` (percentage of gross) or an absolute amount. */
  discount?: DecimalInput | null;
  /** Absolute discount, used only when `discount` is absent. */
  discountAmount?: DecimalInput | null;
  /** Percentage of the line's tax (sum of members for a group); undefined = untaxed. */
  taxPercentage?: DecimalInput;
}

export interface InvoiceMathInput {
  precision: number;
  isInclusiveTax: boolean;
  lines: readonly InvoiceMathLine[];
  shippingCharge?: DecimalInput | null;
  adjustment?: DecimalInput | null;
}

export interface InvoiceMathLineResult {
  gross: Decimal;
  discount: Decimal;
  itemTotal: Decimal;
  tax: Decimal;
}

export interface InvoiceMathResult {
  lines: InvoiceMathLineResult[];
  subTotal: Decimal;
  taxTotal: Decimal;
  shippingCharge: Decimal;
  adjustment: Decimal;
  total: Decimal;
}

/** True for a `discount` given as a percentage string such as `"12.5%"`. */
export function isPercentDiscount(discount: unknown): discount is string {
  return typeof discount === 'string' && discount.trim().endsWith('%');
}

function isGiven(value: DecimalInput | null | undefined): value is DecimalInput {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

/** The line discount as an absolute amount (exact). Throws RangeError on malformed input. */
export function lineDiscount(line: Pick<InvoiceMathLine, 'discount' | 'discountAmount'>, gross: Decimal): Decimal {
  if (isGiven(line.discount)) {
    if (isPercentDiscount(line.discount)) {
      const percentage = Decimal.parse(line.discount.trim().slice(0, -1));
      // Dividing by 100 is exact with two more decimal places.
      return gross.mul(percentage).div(100, gross.scale + percentage.scale + 2);
    }
    return Decimal.from(line.discount);
  }
  if (isGiven(line.discountAmount)) return Decimal.from(line.discountAmount);
  return Decimal.ZERO;
}

export function lineTax(itemTotal: Decimal, percentage: DecimalInput, inclusive: boolean, precision: number): Decimal {
  const pct = Decimal.from(percentage);
  const divisor = inclusive ? Decimal.HUNDRED.add(pct) : Decimal.HUNDRED;
  return itemTotal.mul(pct).div(divisor, precision);
}

export function computeInvoiceTotals(input: InvoiceMathInput): InvoiceMathResult {
  const p = input.precision;
  const lines = input.lines.map((line): InvoiceMathLineResult => {
    const gross = Decimal.from(line.rate).mul(line.quantity);
    const discount = lineDiscount(line, gross);
    const itemTotal = gross.sub(discount).round(p);
    const tax = line.taxPercentage === undefined ? Decimal.ZERO.round(p) : lineTax(itemTotal, line.taxPercentage, input.isInclusiveTax, p);
    return { gross, discount, itemTotal, tax };
  });
  const subTotal = Decimal.sum(lines.map((l) => l.itemTotal)).round(p);
  const taxTotal = Decimal.sum(lines.map((l) => l.tax)).round(p);
  const shippingCharge = isGiven(input.shippingCharge) ? Decimal.from(input.shippingCharge) : Decimal.ZERO;
  const adjustment = isGiven(input.adjustment) ? Decimal.from(input.adjustment) : Decimal.ZERO;
  const total = subTotal.add(input.isInclusiveTax ? Decimal.ZERO : taxTotal).add(shippingCharge).add(adjustment);
  return { lines, subTotal, taxTotal, shippingCharge, adjustment, total };
}

/**
 * Splits one line's tax over the member taxes of a group in proportion to their percentages:
 * each share rounded to p, the last member takes the remainder. A single tax gets it all.
 */
export function splitTaxOverMembers(tax: Decimal, memberPercentages: readonly Decimal[], precision: number): Decimal[] {
  if (memberPercentages.length <= 1) return [tax];
  const totalPct = Decimal.sum(memberPercentages);
  if (totalPct.isZero()) return memberPercentages.map((_, i) => (i === memberPercentages.length - 1 ? tax : Decimal.ZERO.round(precision)));
  const shares: Decimal[] = [];
  let assigned = Decimal.ZERO;
  memberPercentages.forEach((pct, index) => {
    if (index === memberPercentages.length - 1) {
      shares.push(tax.sub(assigned).round(precision));
    } else {
      const share = tax.mul(pct).div(totalPct, precision);
      assigned = assigned.add(share);
      shares.push(share);
    }
  });
  return shares;
}
