import type { WooLineTax, WooOrder, WooTaxLine } from '@connector/contracts';
import { rawLineGoesToAdjustment } from '../invoice/adjustment-lines';
import { Decimal } from '../money/decimal';

/*
 * The tax rates of a WooCommerce order and their percentages. Newer WooCommerce states the
 * percentage (`rate_percent`); 3.x payloads do not, and then it is derived from the line taxes:
 * each line bounds it to an interval, and the intervals are intersected. An order made before
 * WooCommerce 3.7 has no stored percentage either, but today's WooCommerce reads the missing
 * value as 0: a stated 0 for a rate the lines charge is derived too.
 *
 * Lines that go into the invoice adjustment (invoice/adjustment-lines.ts) take no part: a negative
 * fee's tax is split over the cart's rates, at amounts no percentage can be derived from.
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

function isNonZeroAmount(text: string | undefined): boolean {
  if (text === undefined || text === '') return false;
  try {
    return !Decimal.parse(text).isZero();
  } catch {
    return true; // unreadable: kept, so the invoice names the field rather than dropping the rate
  }
}

/**
 * Rate ids actually applied on a line: entries with an amount, not the `""` placeholders. A 0 counts
 * (a line a coupon took to zero still has its rates), except beside a rate that charges something:
 * WooCommerce 3.9 back-end orders (woocommerce#25463) and some plugins list every rate of the cart
 * on each line, the unused ones at "0", which would ask for a tax group of rates the line never had.
 */
export function appliedRateIds(taxes: readonly WooLineTax[]): number[] {
  const given = taxes.filter((tax) => tax.total !== '' || (tax.subtotal ?? '') !== '');
  const charging = given.filter((tax) => isNonZeroAmount(tax.total) || isNonZeroAmount(tax.subtotal));
  const ids = (charging.length > 0 ? charging : given).map((tax) => tax.id);
  return [...new Set(ids)].sort((a, b) => a - b);
}

interface TaxedLine {
  base: Decimal;
  taxes: readonly WooLineTax[];
}

/** The lines invoiced as lines, with the rates applied on each (appliedRateIds). */
function taxedLinesOf(order: WooOrder): TaxedLine[] {
  return [...order.line_items, ...order.shipping_lines, ...order.fee_lines]
    .filter((line) => !rawLineGoesToAdjustment(line))
    .map((line) => {
      const applied = new Set(appliedRateIds(line.taxes));
      return { base: Decimal.parse(line.total), taxes: line.taxes.filter((tax) => applied.has(tax.id)) };
    });
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

function derivePercentage(rate: WooTaxLine, lines: readonly TaxedLine[], compoundRateIds: ReadonlySet<number>): PercentageBounds | undefined {
  let bounds: PercentageBounds | undefined;
  let largestBase = Decimal.ZERO;
  for (const line of lines) {
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

/** Rate ids some invoiced line charges a non-zero amount of. */
function chargedRateIds(lines: readonly TaxedLine[]): Set<number> {
  return new Set(lines.flatMap((line) => line.taxes.filter((tax) => isNonZeroAmount(tax.total)).map((tax) => tax.id)));
}

/** `rate_percent`, unless it is the 0 WooCommerce reads for an order made before 3.7 (the lines charge the rate). */
function statedPercentage(line: WooTaxLine, lines: () => readonly TaxedLine[]): Decimal | undefined {
  if (line.rate_percent === undefined) return undefined;
  const stated = Decimal.fromNumber(line.rate_percent);
  return stated.isZero() && chargedRateIds(lines()).has(line.rate_id) ? undefined : stated;
}

/** The order's tax rates with their percentages, stated (`rate_percent`) or derived from the lines. */
export function wooTaxRatesOf(order: WooOrder): WooTaxRate[] {
  const compoundRateIds = new Set(order.tax_lines.filter((line) => line.compound).map((line) => line.rate_id));
  // Read only when a percentage must be derived or checked, as the line amounts may not be readable.
  let invoiced: TaxedLine[] | undefined;
  const lines = () => (invoiced ??= taxedLinesOf(order));
  return order.tax_lines.map((line) => {
    const stated = statedPercentage(line, lines);
    return {
      rateId: line.rate_id,
      label: line.label,
      rateCode: line.rate_code,
      compound: line.compound,
      percentage: stated
        ? { low: stated, high: stated, estimate: stated, exact: true }
        : derivePercentage(line, lines(), compoundRateIds),
    };
  });
}
