import type { WooLineTax, WooOrder, WooTaxLine } from '@connector/contracts';
import { Decimal } from '../money/decimal';

/*
 * The tax rates of a WooCommerce order and their percentages. Newer WooCommerce states the
 * percentage (`rate_percent`); 3.x payloads do not, and then it is derived from the line taxes:
 * each line bounds it to an interval, and the intervals are intersected.
 */

/** Where the true percentage of a WooCommerce rate lies. `low === high` when it is known exactly. */
export interface PercentageBounds {
  low: Decimal;
  high: Decimal;
  /** The best single estimate (exact when known). */
  estimate: Decimal;
  exact: boolean;
}

export interface WooTaxRate {
  rateId: number;
  label: string;
  rateCode: string;
  compound: boolean;
  /** Undefined when the order neither states nor allows deriving it. */
  percentage?: PercentageBounds;
}

/** Rate ids actually applied on a line: entries with an amount (even 0), not the `""` placeholders. */
export function appliedRateIds(taxes: readonly WooLineTax[]): number[] {
  const ids = taxes.filter((tax) => tax.total !== '' || (tax.subtotal ?? '') !== '').map((tax) => tax.id);
  return [...new Set(ids)].sort((a, b) => a - b);
}

interface TaxedLine {
  base: Decimal;
  taxes: readonly WooLineTax[];
}

function taxedLinesOf(order: WooOrder): TaxedLine[] {
  return [
    ...order.line_items.map((line) => ({ base: Decimal.parse(line.total), taxes: line.taxes })),
    ...order.shipping_lines.map((line) => ({ base: Decimal.parse(line.total), taxes: line.taxes })),
    ...order.fee_lines.map((line) => ({ base: Decimal.parse(line.total), taxes: line.taxes })),
  ];
}

function rawAmount(text: string): Decimal | undefined {
  return text === '' ? undefined : Decimal.parse(text);
}

/**
 * Bounds a rate's percentage from one line. Both numbers may have been rounded at their last
 * printed digit (line totals are printed at the store's decimals; older stores print taxes that
 * way too), so each lies within half a unit of that digit of its unrounded value:
 *   (tax − δtax) / (base + δbase) ≤ rate ≤ (tax + δtax) / (base − δbase).
 * The bounds are widened outward by one unit of the 12th decimal so the division never narrows them.
 */
function boundsFromLine(tax: Decimal, base: Decimal): { low: Decimal; high: Decimal; estimate: Decimal } | undefined {
  const halfUnit = (value: Decimal) => Decimal.of(5n, value.scale + 1);
  const absBase = base.abs();
  const absTax = tax.abs();
  const lowBase = absBase.sub(halfUnit(base));
  if (!lowBase.isPositive()) return undefined;
  const scale = 12;
  const ulp = Decimal.of(1n, scale);
  return {
    low: Decimal.max(Decimal.max(absTax.sub(halfUnit(tax)), 0).mul(100).div(absBase.add(halfUnit(base)), scale, 'toward-zero').sub(ulp), 0),
    high: absTax.add(halfUnit(tax)).mul(100).div(lowBase, scale, 'toward-zero').add(ulp),
    estimate: absTax.mul(100).div(absBase, scale, 'half-away-from-zero'),
  };
}

function derivePercentage(rate: WooTaxLine, order: WooOrder, compoundRateIds: ReadonlySet<number>): PercentageBounds | undefined {
  let bounds: PercentageBounds | undefined;
  let largestBase = Decimal.ZERO;
  for (const line of taxedLinesOf(order)) {
    const entry = line.taxes.find((tax) => tax.id === rate.rate_id);
    const amount = entry && rawAmount(entry.total);
    if (!amount) continue;
    // A compound rate is charged on the price plus the other (simple) taxes of the line.
    const base = rate.compound
      ? line.base.add(
          Decimal.sum(line.taxes.filter((tax) => tax.id !== rate.rate_id && !compoundRateIds.has(tax.id)).map((tax) => rawAmount(tax.total) ?? 0)),
        )
      : line.base;
    const lineBounds = boundsFromLine(amount, base);
    if (!lineBounds) continue;
    const betterEstimate = base.abs().gt(largestBase);
    if (betterEstimate) largestBase = base.abs();
    bounds = bounds
      ? {
          low: Decimal.max(bounds.low, lineBounds.low),
          high: Decimal.min(bounds.high, lineBounds.high),
          estimate: betterEstimate ? lineBounds.estimate : bounds.estimate,
          exact: false,
        }
      : { ...lineBounds, exact: false };
  }
  return bounds;
}

/** The order's tax rates with their percentages, stated (`rate_percent`) or derived from the lines. */
export function wooTaxRatesOf(order: WooOrder): WooTaxRate[] {
  const compoundRateIds = new Set(order.tax_lines.filter((line) => line.compound).map((line) => line.rate_id));
  return order.tax_lines.map((line) => {
    const stated = line.rate_percent === undefined ? undefined : Decimal.fromNumber(line.rate_percent);
    return {
      rateId: line.rate_id,
      label: line.label,
      rateCode: line.rate_code,
      compound: line.compound,
      percentage: stated
        ? { low: stated, high: stated, estimate: stated, exact: true }
        : derivePercentage(line, order, compoundRateIds),
    };
  });
}
