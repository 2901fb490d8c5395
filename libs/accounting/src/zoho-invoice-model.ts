import { Decimal, type DecimalSource } from './money/decimal';

/**
 * The total Zoho Books will compute for an invoice payload: the model this library reconciles
 * against. The fake Zoho server implements the same model independently, so both must follow this
 * text exactly.
 *
 *   p = the organisation's `price_precision`; round(x) = round half away from zero to p decimals.
 *
 *   For each line item:
 *     gross      = rate × quantity                                      (exact)
 *     discount   = the line's `discount`, if given: a string ending in '%' is that percentage of
 *                  gross; anything else (number or numeric string) is an absolute amount
 *     item_total = round(gross − discount)
 *     tax        = 0 when the line has no tax_id; otherwise, with pct = the tax's percentage
 *                  (a tax group applies the sum of its member percentages):
 *                    exclusive invoice (is_inclusive_tax false): round(item_total × pct / 100)
 *                    inclusive invoice:  round(item_total × pct / (100 + pct)); item_total stays
 *                    tax-inclusive
 *
 *   sub_total = Σ item_total
 *   tax_total = Σ tax                     (rounded per line, never on the sum)
 *   total     = sub_total + (exclusive ? tax_total : 0) + shipping_charge + adjustment
 *
 *   shipping_charge is untaxed in this model; adjustment may be negative; both are added as given.
 *
 * Zoho's own documentation does not state its rounding; this model is the contract between the
 * connector and its fake, and the adjustment absorbs whatever differs from the store.
 */

export interface ZohoModelLineItem {
  rate: DecimalSource;
  quantity: DecimalSource;
  discount?: DecimalSource;
  tax_id?: string;
}

export interface ZohoModelInvoice {
  is_inclusive_tax?: boolean;
  line_items: readonly ZohoModelLineItem[];
  shipping_charge?: DecimalSource;
  adjustment?: DecimalSource;
}

/** The percentage a tax id applies (for a tax group: the sum of its members), or undefined if unknown. */
export type TaxPercentageLookup = (taxId: string) => DecimalSource | undefined;

export interface ZohoLinePrediction {
  gross: Decimal;
  discount: Decimal;
  itemTotal: Decimal;
  tax: Decimal;
  taxPercentage?: Decimal;
}

export interface ZohoInvoicePrediction {
  lines: ZohoLinePrediction[];
  subTotal: Decimal;
  taxTotal: Decimal;
  shippingCharge: Decimal;
  adjustment: Decimal;
  total: Decimal;
}

export interface ZohoModelSettings {
  pricePrecision: number;
  taxPercentage: TaxPercentageLookup;
}

/** The percentage a Zoho tax group applies: the sum of its members' percentages. */
export function taxGroupPercentage(memberPercentages: Iterable<DecimalSource>): Decimal {
  return Decimal.sum(memberPercentages);
}

function lineDiscount(discount: DecimalSource | undefined, gross: Decimal): Decimal {
  if (discount === undefined || discount === '') return Decimal.ZERO;
  if (typeof discount === 'string' && discount.trim().endsWith('%')) {
    const percentage = Decimal.parse(discount.trim().slice(0, -1).trim());
    return gross.mul(percentage).div(100, gross.scale + percentage.scale + 2, 'half-away-from-zero');
  }
  return Decimal.from(discount);
}

function lineTax(itemTotal: Decimal, percentage: Decimal, inclusive: boolean, precision: number): Decimal {
  const divisor = inclusive ? Decimal.HUNDRED.add(percentage) : Decimal.HUNDRED;
  return itemTotal.mul(percentage).div(divisor, precision, 'half-away-from-zero');
}

function percentageOf(taxId: string, lookup: TaxPercentageLookup): Decimal {
  const percentage = lookup(taxId);
  if (percentage === undefined) throw new RangeError(`unknown Zoho tax id ${taxId}`);
  return Decimal.from(percentage);
}

/** Applies the model above to an invoice payload. Throws on a tax id the lookup does not know. */
export function predictZohoInvoice(invoice: ZohoModelInvoice, settings: ZohoModelSettings): ZohoInvoicePrediction {
  const precision = settings.pricePrecision;
  const inclusive = invoice.is_inclusive_tax === true;
  const lines = invoice.line_items.map((line): ZohoLinePrediction => {
    const gross = Decimal.from(line.rate).mul(line.quantity);
    const discount = lineDiscount(line.discount, gross);
    const itemTotal = gross.sub(discount).roundHalfAwayFromZero(precision);
    if (!line.tax_id) return { gross, discount, itemTotal, tax: Decimal.ZERO.round(precision, 'half-away-from-zero') };
    const taxPercentage = percentageOf(line.tax_id, settings.taxPercentage);
    return { gross, discount, itemTotal, tax: lineTax(itemTotal, taxPercentage, inclusive, precision), taxPercentage };
  });
  const subTotal = Decimal.sum(lines.map((line) => line.itemTotal));
  const taxTotal = Decimal.sum(lines.map((line) => line.tax));
  const shippingCharge = Decimal.from(invoice.shipping_charge ?? 0);
  const adjustment = Decimal.from(invoice.adjustment ?? 0);
  const total = subTotal.add(inclusive ? Decimal.ZERO : taxTotal).add(shippingCharge).add(adjustment);
  return { lines, subTotal, taxTotal, shippingCharge, adjustment, total };
}
