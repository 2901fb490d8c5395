import type { WooLineTax, WooOrder, WooTaxLine } from '@connector/contracts';
import { Decimal, type DecimalSource } from './money/decimal';
import { TaxMappingError, type UnmappedTaxRate } from './tax-mapping-error';

/*
 * Maps the WooCommerce tax rates on an order to Zoho Books taxes.
 *
 * - One rate on a line maps to a Zoho tax with the same percentage (exact decimal comparison).
 * - Several rates on one line (state + county, GST + PST) map to a Zoho tax group whose members
 *   have exactly those percentages: one tax per rate, so each lands in its own tax account.
 * - When several Zoho taxes share the percentage, the one whose name matches the WooCommerce label
 *   (or rate code) wins; if none does, the first is taken and the match is flagged `ambiguous`.
 * - WooCommerce 3.x payloads carry no `rate_percent`. The percentage is then derived from the
 *   line taxes: each line bounds it to an interval (its tax was rounded to the digits it was
 *   printed with), the intervals are intersected, and a Zoho tax matches when its percentage lies
 *   inside. With `rate_percent` present, the comparison is exact.
 */

export type TaxedLineKind = 'item' | 'shipping' | 'fee';

export interface ZohoTax {
  taxId: string;
  name: string;
  percentage: DecimalSource;
  /** Zoho `tax_type: "compound_tax"`. */
  compound?: boolean;
}

export interface ZohoTaxGroup {
  taxId: string;
  name: string;
  members: ReadonlyArray<{ name?: string; percentage: DecimalSource }>;
}

export interface ZohoTaxCatalogue {
  taxes: readonly ZohoTax[];
  groups?: readonly ZohoTaxGroup[];
}

/** A row of GET /settings/taxes as Zoho returns it. */
export interface ZohoTaxListRow {
  tax_id: string;
  tax_name: string;
  tax_percentage: number | string;
  tax_type?: string;
}

/** Converts the Zoho taxes list to catalogue taxes. Tax groups need their members and are added separately. */
export function zohoTaxesFromList(rows: readonly ZohoTaxListRow[]): ZohoTax[] {
  return rows
    .filter((row) => row.tax_type === undefined || row.tax_type === 'tax' || row.tax_type === 'compound_tax')
    .map((row) => ({
      taxId: row.tax_id,
      name: row.tax_name,
      percentage: Decimal.from(row.tax_percentage),
      compound: row.tax_type === 'compound_tax',
    }));
}

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

export interface TaxMatch {
  taxId: string;
  name: string;
  /** The Zoho percentage (for a group, the sum of its members). */
  percentage: Decimal;
  isGroup: boolean;
  matchedByName: boolean;
  /** Several Zoho taxes fitted equally well; the first was taken. */
  ambiguous: boolean;
}

export interface UnmatchedTaxRates {
  rateIds: number[];
  rates: UnmappedTaxRate[];
  reason: string;
}

export interface OrderTaxMapping {
  /**
   * The Zoho tax for the WooCommerce rates on one line: undefined when there are none (an untaxed
   * line); throws TaxMappingError when they have no Zoho counterpart.
   */
  taxFor(rateIds: readonly number[], lineKind?: TaxedLineKind): { taxId: string; percentage: string } | undefined;
  rates: WooTaxRate[];
  matches: Array<{ rateIds: number[]; match: TaxMatch }>;
  unmatched: UnmatchedTaxRates[];
  /** Throws one TaxMappingError naming every unmatched rate, so they can all be fixed at once. */
  assertComplete(): void;
}

/** Rate ids actually applied on a line: entries with an amount (even 0), not the `""` placeholders. */
export function appliedRateIds(taxes: readonly WooLineTax[]): number[] {
  const ids = taxes.filter((tax) => tax.total !== '' || (tax.subtotal ?? '') !== '').map((tax) => tax.id);
  return [...new Set(ids)].sort((a, b) => a - b);
}

function rateSetKey(rateIds: readonly number[]): string {
  return [...new Set(rateIds)].sort((a, b) => a - b).join('+');
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

function fits(percentage: Decimal, bounds: PercentageBounds): boolean {
  return bounds.exact ? percentage.eq(bounds.estimate) : percentage.gte(bounds.low) && percentage.lte(bounds.high);
}

function comparableName(name: string | undefined): string {
  return (name ?? '').normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function namesMatch(zohoName: string | undefined, rate: WooTaxRate): boolean {
  const zoho = comparableName(zohoName);
  if (zoho === '') return false;
  const label = comparableName(rate.label);
  const code = comparableName(rate.rateCode);
  return zoho === label || zoho === code || (label !== '' && zoho.includes(label));
}

function describePercentage(bounds: PercentageBounds | undefined): string | undefined {
  if (!bounds) return undefined;
  return bounds.exact ? bounds.estimate.normalize().toString() : `≈${bounds.estimate.toFixed(4).replace(/\.?0+$/, '')}`;
}

function unmapped(rate: WooTaxRate): UnmappedTaxRate {
  return { rateId: rate.rateId, label: rate.label, percent: describePercentage(rate.percentage) };
}

function pickBest<T>(candidates: Array<{ value: T; score: number }>): { value: T; score: number; ambiguous: boolean } | undefined {
  if (candidates.length === 0) return undefined;
  const best = Math.max(...candidates.map((candidate) => candidate.score));
  const top = candidates.filter((candidate) => candidate.score === best);
  return { ...top[0], ambiguous: top.length > 1 };
}

function matchSingleRate(rate: WooTaxRate, catalogue: ZohoTaxCatalogue): TaxMatch | string {
  const bounds = rate.percentage;
  if (!bounds) return 'the order states no percentage for it and no line shows an amount to derive one from';
  const candidates = catalogue.taxes
    .map((tax) => ({ tax, percentage: Decimal.from(tax.percentage) }))
    .filter(({ percentage }) => fits(percentage, bounds))
    .map(({ tax, percentage }) => ({
      value: { tax, percentage },
      // A name match decides first; agreeing on "compound" breaks remaining ties.
      score: (namesMatch(tax.name, rate) ? 2 : 0) + ((tax.compound ?? false) === rate.compound ? 1 : 0),
    }));
  const best = pickBest(candidates);
  if (!best) return `no Zoho tax has the percentage ${describePercentage(bounds)}%`;
  return {
    taxId: best.value.tax.taxId,
    name: best.value.tax.name,
    percentage: best.value.percentage,
    isGroup: false,
    matchedByName: best.score >= 2,
    ambiguous: best.ambiguous,
  };
}

/** Pairs every rate with a distinct group member of a fitting percentage (tiny sets: plain backtracking). */
function membersCoverRates(members: readonly Decimal[], rates: readonly WooTaxRate[]): boolean {
  if (members.length !== rates.length) return false;
  const used = new Array<boolean>(members.length).fill(false);
  const assign = (index: number): boolean => {
    if (index === rates.length) return true;
    const bounds = rates[index].percentage as PercentageBounds;
    for (let member = 0; member < members.length; member++) {
      if (used[member] || !fits(members[member], bounds)) continue;
      used[member] = true;
      if (assign(index + 1)) return true;
      used[member] = false;
    }
    return false;
  };
  return assign(0);
}

function matchRateSet(rates: readonly WooTaxRate[], catalogue: ZohoTaxCatalogue): TaxMatch | string {
  const unknown = rates.filter((rate) => !rate.percentage);
  if (unknown.length > 0) return `the percentage of ${unknown.map((rate) => `"${rate.label}"`).join(', ')} is unknown`;
  const candidates = (catalogue.groups ?? [])
    .map((group) => ({ group, members: group.members.map((member) => Decimal.from(member.percentage)) }))
    .filter(({ members }) => membersCoverRates(members, rates))
    .map(({ group, members }) => ({
      value: { group, percentage: Decimal.sum(members) },
      score: rates.filter((rate) => namesMatch(group.name, rate) || group.members.some((member) => namesMatch(member.name, rate))).length,
    }));
  const best = pickBest(candidates);
  if (!best) {
    const parts = rates.map((rate) => `${describePercentage(rate.percentage)}%`).join(' + ');
    return `no Zoho tax group combines exactly ${parts}`;
  }
  return {
    taxId: best.value.group.taxId,
    name: best.value.group.name,
    percentage: best.value.percentage,
    isGroup: true,
    matchedByName: best.score > 0,
    ambiguous: best.ambiguous,
  };
}

function rateSetsOf(order: WooOrder): number[][] {
  const sets = new Map<string, number[]>();
  const lines = [...order.line_items, ...order.shipping_lines, ...order.fee_lines];
  for (const line of lines) {
    const ids = appliedRateIds(line.taxes);
    if (ids.length > 0) sets.set(rateSetKey(ids), ids);
  }
  return [...sets.values()];
}

/** Rates a line refers to but `tax_lines` does not describe still need a name in error messages. */
function rateById(rates: readonly WooTaxRate[], rateId: number): WooTaxRate {
  return rates.find((rate) => rate.rateId === rateId) ?? { rateId, label: '', rateCode: '', compound: false };
}

/** Maps every set of WooCommerce rates used on the order's lines to a Zoho tax or tax group. */
export function mapOrderTaxes(order: WooOrder, catalogue: ZohoTaxCatalogue): OrderTaxMapping {
  const rates = wooTaxRatesOf(order);
  const byKey = new Map<string, TaxMatch | UnmatchedTaxRates>();
  const matches: OrderTaxMapping['matches'] = [];
  const unmatched: UnmatchedTaxRates[] = [];

  const resolve = (rateIds: readonly number[]): TaxMatch | UnmatchedTaxRates => {
    const key = rateSetKey(rateIds);
    const known = byKey.get(key);
    if (known) return known;
    const ids = key.split('+').map(Number);
    const setRates = ids.map((id) => rateById(rates, id));
    const result = setRates.length === 1 ? matchSingleRate(setRates[0], catalogue) : matchRateSet(setRates, catalogue);
    const outcome: TaxMatch | UnmatchedTaxRates =
      typeof result === 'string' ? { rateIds: ids, rates: setRates.map(unmapped), reason: result } : result;
    byKey.set(key, outcome);
    if ('taxId' in outcome) matches.push({ rateIds: ids, match: outcome });
    else unmatched.push(outcome);
    return outcome;
  };

  for (const rateIds of rateSetsOf(order)) resolve(rateIds);

  return {
    rates,
    matches,
    unmatched,
    taxFor(rateIds) {
      if (rateIds.length === 0) return undefined;
      const outcome = resolve(rateIds);
      if (!('taxId' in outcome)) throw new TaxMappingError(outcome.rates, outcome.reason);
      return { taxId: outcome.taxId, percentage: outcome.percentage.toString() };
    },
    assertComplete() {
      if (unmatched.length === 0) return;
      const reasons = unmatched.map((entry) => entry.reason).join('; ');
      throw new TaxMappingError(unmatched.flatMap((entry) => entry.rates), reasons);
    },
  };
}
