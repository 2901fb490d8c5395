import type { WooOrder } from '@connector/contracts';
import { rawLineGoesToAdjustment } from './invoice/adjustment-lines';
import { Decimal } from './money/decimal';
import { appliedRateIds, wooTaxRatesOf, type PercentageBounds, type WooTaxRate } from './tax/woo-tax-rates';
import type { ZohoTaxCatalogue } from './tax/zoho-tax-catalogue';
import { TaxMappingError, type UnmappedTaxRate } from './tax-mapping-error';

export * from './tax/woo-tax-rates';
export * from './tax/zoho-tax-catalogue';

/*
 * Maps the WooCommerce tax rates on an order to Zoho Books taxes.
 *
 * - One rate on a line maps to a Zoho tax with the same percentage (exact decimal comparison).
 * - Several rates on one line (state + county, GST + PST) map to a Zoho tax group whose members
 *   have exactly those percentages: one tax per rate, so each lands in its own tax account.
 * - When several Zoho taxes share the percentage, the one whose name matches the WooCommerce label
 *   (or rate code) wins; if none does, the first is taken and the match is flagged `ambiguous`.
 * - With `rate_percent` stated the comparison is exact; for 3.x payloads without it, a Zoho tax
 *   matches when its percentage lies within the bounds derived from the lines (tax/woo-tax-rates.ts).
 * - Only lines invoiced as lines need a Zoho tax: those carried in the adjustment (a negative fee,
 *   whose tax WooCommerce splits over the cart's rates) are left out (invoice/adjustment-lines.ts).
 */

export type TaxedLineKind = 'item' | 'shipping' | 'fee';

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

function rateSetKey(rateIds: readonly number[]): string {
  return [...new Set(rateIds)].sort((a, b) => a - b).join('+');
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

/** The rate sets of the lines invoiced as lines: those carried in the adjustment book no tax (invoice/adjustment-lines.ts). */
function rateSetsOf(order: WooOrder): number[][] {
  const sets = new Map<string, number[]>();
  const lines = [...order.line_items, ...order.shipping_lines, ...order.fee_lines].filter((line) => !rawLineGoesToAdjustment(line));
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

/** How an error names each rate of the order: label and percentage as the mapping sees them (derived ones as ≈). */
export function describeOrderRates(order: WooOrder): (rateId: number) => UnmappedTaxRate {
  // Only an error needs them, and the line amounts they may be derived from are checked first.
  let rates: WooTaxRate[] | undefined;
  return (rateId) => unmapped(rateById((rates ??= wooTaxRatesOf(order)), rateId));
}

/** Why rates a line charges but `tax_lines` does not list cannot be matched: nothing names or states them. */
function unlistedReason(rateIds: readonly number[]): string {
  const [noun, verb] = rateIds.length === 1 ? ['rate id', 'is'] : ['rate ids', 'are'];
  return `${noun} ${rateIds.join(', ')} ${verb} on the order's lines but not in its tax_lines, so the order states no percentage for ${rateIds.length === 1 ? 'it' : 'them'}`;
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
    const unlisted = ids.filter((id) => !rates.some((rate) => rate.rateId === id));
    const result =
      unlisted.length > 0 ? unlistedReason(unlisted) : setRates.length === 1 ? matchSingleRate(setRates[0], catalogue) : matchRateSet(setRates, catalogue);
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
