import { Decimal } from '../decimal/decimal';
import { ratesForClass, type WooTaxRate } from './tax-rates';

/*
 * How the fake WooCommerce computes an order, following WooCommerce's default settings
 * ("round tax at subtotal level" off, discounts not sequential). d = the store's decimals.
 *
 * Lines. base = round_d(unit price × quantity); unit prices are as entered, i.e. including tax
 * when prices include tax. Coupons reduce `base` (see below) to `after`.
 *
 * Taxes, per line and per rate (rates of the line's tax class, by priority, compound last):
 *   exclusive:  raw = amount × rate / 100; a compound rate applies to amount + the taxes before it
 *   inclusive:  raw = amount × rate / (100 + Σ regular rates); compound rates are taken out first
 *               as amount × rate / (100 + rate)
 *   raw values are kept to 6 decimals (the unrounded `taxes[].total` strings); each is rounded
 *   to d on its own ("tax rounded per line"): line total_tax = Σ round_d(raw).
 *   subtotal taxes come from `base`, total taxes from `after`.
 *   exclusive: subtotal = base, total = after
 *   inclusive: subtotal = base − subtotal_tax, total = after − total_tax, so that
 *              total + total_tax is exactly what the customer pays for the line.
 *
 * Coupons, applied in order; "remaining" is what is left of each line after earlier coupons:
 *   percent:       each line gets floor_d(base × pct / 100), at most its remaining amount; the
 *                  coupon's total is round_d(Σ base × pct / 100) and the remainder goes to the
 *                  last line that still has room.
 *   fixed_cart:    min(amount, Σ remaining) split over the lines in proportion to their
 *                  remaining amounts, floor_d each, the remainder to the last line with room.
 *   fixed_product: min(remaining, amount × quantity) per line.
 *   A coupon line's `discount` (ex tax) and `discount_tax` are its share of each line's
 *   subtotal − total and subtotal_tax − total_tax, split over coupons in proportion to what each
 *   took from the line (floor_d, remainder to the last coupon), so they add up exactly.
 *
 * Shipping and fees are always ex tax. Shipping is taxed (if taxable) with the standard-class
 * rates that apply to shipping. A fee is taxed (if taxable) with its class's rates; a negative
 * fee is capped at the ex-tax order value so far (items + earlier fees + shipping), and a
 * negative taxable fee is split over the items' tax classes in proportion to their totals and
 * taxed per class, like WooCommerce.
 *
 * Order:
 *   tax_lines[r].tax_total          = Σ over lines and fees of round_d(raw_r)
 *   tax_lines[r].shipping_tax_total = Σ over shipping lines of round_d(raw_r)
 *   cart_tax = Σ tax_total; shipping_tax = Σ shipping_tax_total; total_tax = cart_tax + shipping_tax
 *   discount_total = Σ (line subtotal − line total); discount_tax = Σ (subtotal_tax − total_tax)
 *   total = Σ line total + Σ fee total + shipping_total + total_tax
 */

export const RAW_TAX_DECIMALS = 6;
const WORK_DECIMALS = 12;

export type CouponType = 'percent' | 'fixed_cart' | 'fixed_product';

export interface OrderMathInput {
  decimals: number;
  pricesIncludeTax: boolean;
  rates: readonly WooTaxRate[];
  lines: ReadonlyArray<{ unitPrice: Decimal; quantity: number; taxable: boolean; taxClass: string }>;
  coupons: ReadonlyArray<{ type: CouponType; amount: Decimal }>;
  fees: ReadonlyArray<{ amount: Decimal; taxable: boolean; taxClass: string }>;
  shipping: ReadonlyArray<{ cost: Decimal; taxable: boolean }>;
}

export interface RawTax {
  rateId: number;
  /** Unrounded (6 decimals). */
  total: Decimal;
  /** Unrounded; lines only (shipping and fees carry no subtotal). */
  subtotal?: Decimal;
}

export interface LineTotals {
  subtotal: Decimal;
  subtotalTax: Decimal;
  total: Decimal;
  totalTax: Decimal;
  taxes: RawTax[];
}

export interface ChargeTotals {
  total: Decimal;
  totalTax: Decimal;
  taxes: RawTax[];
}

export interface OrderTotals {
  lines: LineTotals[];
  coupons: Array<{ discount: Decimal; discountTax: Decimal }>;
  fees: ChargeTotals[];
  shipping: ChargeTotals[];
  taxLines: Array<{ rateId: number; taxTotal: Decimal; shippingTaxTotal: Decimal }>;
  discountTotal: Decimal;
  discountTax: Decimal;
  shippingTotal: Decimal;
  shippingTax: Decimal;
  cartTax: Decimal;
  totalTax: Decimal;
  total: Decimal;
}

/** WC_Tax::calc_exclusive_tax, unrounded to 6 decimals. */
export function exclusiveTaxes(amount: Decimal, rates: readonly WooTaxRate[]): Map<number, Decimal> {
  const taxes = new Map<number, Decimal>();
  for (const rate of rates.filter((r) => !r.compound)) taxes.set(rate.id, amount.mul(rate.rate).div(100, WORK_DECIMALS));
  for (const rate of rates.filter((r) => r.compound)) {
    const base = amount.add(Decimal.sum(taxes.values()));
    taxes.set(rate.id, base.mul(rate.rate).div(100, WORK_DECIMALS));
  }
  return roundRaw(taxes);
}

/** WC_Tax::calc_inclusive_tax, unrounded to 6 decimals. */
export function inclusiveTaxes(amount: Decimal, rates: readonly WooTaxRate[]): Map<number, Decimal> {
  const taxes = new Map<number, Decimal>();
  let nonCompound = amount;
  for (const rate of [...rates.filter((r) => r.compound)].reverse()) {
    const tax = nonCompound.mul(rate.rate).div(Decimal.HUNDRED.add(rate.rate), WORK_DECIMALS);
    taxes.set(rate.id, tax);
    nonCompound = nonCompound.sub(tax);
  }
  const regular = rates.filter((r) => !r.compound);
  const regularSum = Decimal.sum(regular.map((r) => r.rate));
  for (const rate of regular) taxes.set(rate.id, nonCompound.mul(rate.rate).div(Decimal.HUNDRED.add(regularSum), WORK_DECIMALS));
  // Keep WooCommerce's rate order (regular first) in the result.
  const ordered = new Map<number, Decimal>();
  for (const rate of rates) ordered.set(rate.id, taxes.get(rate.id)!);
  return roundRaw(ordered);
}

function roundRaw(taxes: Map<number, Decimal>): Map<number, Decimal> {
  return new Map([...taxes].map(([id, value]) => [id, value.round(RAW_TAX_DECIMALS)]));
}

function roundedSum(taxes: Map<number, Decimal>, d: number): Decimal {
  return Decimal.sum([...taxes.values()].map((t) => t.round(d))).round(d);
}

/** Gives `extra` (may be zero) to the last index with room left, walking backwards. */
function placeRemainder(shares: Decimal[], room: Decimal[], extra: Decimal, d: number): void {
  let left = extra;
  for (let i = shares.length - 1; i >= 0 && left.sign() > 0; i--) {
    const space = room[i]!.sub(shares[i]!);
    if (space.sign() <= 0) continue;
    const take = Decimal.min(space, left);
    shares[i] = shares[i]!.add(take).round(d);
    left = left.sub(take);
  }
}

/** Splits `amount` over `weights` in proportion: floor_d each, remainder to the last index. */
export function proportionalSplit(amount: Decimal, weights: readonly Decimal[], d: number): Decimal[] {
  const total = Decimal.sum(weights);
  if (weights.length === 0) return [];
  if (total.isZero()) return weights.map((_, i) => (i === weights.length - 1 ? amount.round(d) : Decimal.ZERO.round(d)));
  const shares = weights.map((w) => amount.mul(w).div(total, d, 'floor'));
  const last = weights.length - 1;
  shares[last] = amount.sub(Decimal.sum(shares.slice(0, last))).round(d);
  return shares;
}

function applyCoupons(input: OrderMathInput, bases: Decimal[]): { after: Decimal[]; perCoupon: Decimal[][] } {
  const d = input.decimals;
  const remaining = [...bases];
  const perCoupon: Decimal[][] = [];
  for (const coupon of input.coupons) {
    let shares: Decimal[];
    if (coupon.type === 'fixed_product') {
      shares = remaining.map((room, i) => Decimal.min(room, coupon.amount.mul(input.lines[i]!.quantity).round(d)));
    } else if (coupon.type === 'percent') {
      shares = bases.map((base, i) => Decimal.min(remaining[i]!, base.mul(coupon.amount).div(100, d, 'floor')));
      const target = Decimal.min(Decimal.sum(bases).mul(coupon.amount).div(100, d), Decimal.sum(remaining));
      const extra = target.sub(Decimal.sum(shares));
      if (extra.sign() > 0) placeRemainder(shares, remaining, extra, d);
    } else {
      const room = Decimal.sum(remaining);
      const amount = Decimal.min(coupon.amount.round(d), room);
      shares = remaining.map((r) => (room.isZero() ? Decimal.ZERO : amount.mul(r).div(room, d, 'floor')));
      if (shares.length > 0) {
        const last = shares.length - 1;
        shares[last] = Decimal.ZERO;
        placeRemainder(shares, remaining, amount.sub(Decimal.sum(shares)), d);
      }
    }
    shares = shares.map((s) => s.round(d));
    shares.forEach((s, i) => (remaining[i] = remaining[i]!.sub(s)));
    perCoupon.push(shares);
  }
  return { after: remaining, perCoupon };
}

/**
 * Taxes of a fee. A positive fee is taxed with its own class's rates. A negative fee acts as a
 * discount: WooCommerce splits it over the taxable items' tax classes in proportion to their
 * totals and taxes each part with that class's rates, so it reduces the taxes the items carry.
 */
function feeTaxes(input: OrderMathInput, lines: readonly LineTotals[], total: Decimal, taxClass: string): Map<number, Decimal> {
  if (total.sign() >= 0) return exclusiveTaxes(total, ratesForClass(input.rates, taxClass));
  const byClass = new Map<string, Decimal>();
  input.lines.forEach((line, i) => {
    if (!line.taxable) return;
    byClass.set(line.taxClass, (byClass.get(line.taxClass) ?? Decimal.ZERO).add(lines[i]!.total));
  });
  const classes = [...byClass.keys()];
  const parts = proportionalSplit(total, classes.map((c) => byClass.get(c)!), input.decimals);
  const merged = new Map<number, Decimal>();
  classes.forEach((cls, i) => {
    for (const [rateId, raw] of exclusiveTaxes(parts[i]!, ratesForClass(input.rates, cls))) merged.set(rateId, (merged.get(rateId) ?? Decimal.ZERO).add(raw));
  });
  return merged;
}

export function computeOrderTotals(input: OrderMathInput): OrderTotals {
  const d = input.decimals;
  const taxLineTotals = new Map<number, { taxTotal: Decimal; shippingTaxTotal: Decimal }>();
  const touchRate = (rateId: number) => {
    let entry = taxLineTotals.get(rateId);
    if (!entry) {
      entry = { taxTotal: Decimal.ZERO.round(d), shippingTaxTotal: Decimal.ZERO.round(d) };
      taxLineTotals.set(rateId, entry);
    }
    return entry;
  };
  const calc = (amount: Decimal, rates: readonly WooTaxRate[], inclusive: boolean) =>
    rates.length === 0 ? new Map<number, Decimal>() : inclusive ? inclusiveTaxes(amount, rates) : exclusiveTaxes(amount, rates);

  // Line items.
  const bases = input.lines.map((line) => line.unitPrice.mul(line.quantity).round(d));
  const { after, perCoupon } = applyCoupons(input, bases);
  const lines: LineTotals[] = input.lines.map((line, i) => {
    const rates = line.taxable ? ratesForClass(input.rates, line.taxClass) : [];
    const subtotalTaxes = calc(bases[i]!, rates, input.pricesIncludeTax);
    const totalTaxes = calc(after[i]!, rates, input.pricesIncludeTax);
    const subtotalTax = roundedSum(subtotalTaxes, d);
    const totalTax = roundedSum(totalTaxes, d);
    for (const [rateId, raw] of totalTaxes) {
      const entry = touchRate(rateId);
      entry.taxTotal = entry.taxTotal.add(raw.round(d));
    }
    return {
      subtotal: input.pricesIncludeTax ? bases[i]!.sub(subtotalTax) : bases[i]!,
      subtotalTax,
      total: input.pricesIncludeTax ? after[i]!.sub(totalTax) : after[i]!,
      totalTax,
      taxes: rates.map((rate) => ({ rateId: rate.id, total: totalTaxes.get(rate.id)!, subtotal: subtotalTaxes.get(rate.id)! })),
    };
  });

  // Coupon lines: each line's ex-tax discount and discount tax split over the coupons.
  const coupons = input.coupons.map(() => ({ discount: Decimal.ZERO.round(d), discountTax: Decimal.ZERO.round(d) }));
  lines.forEach((line, i) => {
    const weights = perCoupon.map((shares) => shares[i]!);
    if (weights.every((w) => w.isZero())) return;
    const lastTaking = weights.map((w) => !w.isZero()).lastIndexOf(true);
    const splitOver = (amount: Decimal) => {
      const used = weights.slice(0, lastTaking + 1);
      return proportionalSplit(amount, used, d);
    };
    splitOver(line.subtotal.sub(line.total)).forEach((share, c) => (coupons[c]!.discount = coupons[c]!.discount.add(share)));
    splitOver(line.subtotalTax.sub(line.totalTax)).forEach((share, c) => (coupons[c]!.discountTax = coupons[c]!.discountTax.add(share)));
  });

  // Shipping (always ex tax; standard-class rates that apply to shipping).
  const shippingRates = ratesForClass(input.rates, '').filter((r) => r.shipping);
  const shipping: ChargeTotals[] = input.shipping.map((s) => {
    const total = s.cost.round(d);
    const taxes = s.taxable ? calc(total, shippingRates, false) : new Map<number, Decimal>();
    for (const [rateId, raw] of taxes) {
      const entry = touchRate(rateId);
      entry.shippingTaxTotal = entry.shippingTaxTotal.add(raw.round(d));
    }
    return { total, totalTax: roundedSum(taxes, d), taxes: [...taxes].map(([rateId, raw]) => ({ rateId, total: raw })) };
  });
  const shippingTotal = Decimal.sum(shipping.map((s) => s.total)).round(d);

  // Fees (always ex tax); a negative fee cannot take the order below zero.
  const itemsTotal = Decimal.sum(lines.map((l) => l.total));
  let feeRunning = Decimal.ZERO;
  const fees: ChargeTotals[] = input.fees.map((fee) => {
    let total = fee.amount.round(d);
    const floor = itemsTotal.add(feeRunning).add(shippingTotal).neg();
    if (total.sign() < 0 && total.lt(floor)) total = floor.round(d);
    feeRunning = feeRunning.add(total);
    const taxes = fee.taxable ? feeTaxes(input, lines, total, fee.taxClass) : new Map<number, Decimal>();
    for (const [rateId, raw] of taxes) {
      const entry = touchRate(rateId);
      entry.taxTotal = entry.taxTotal.add(raw.round(d));
    }
    return { total, totalTax: roundedSum(taxes, d), taxes: [...taxes].map(([rateId, raw]) => ({ rateId, total: raw })) };
  });

  const taxLines = [...taxLineTotals].map(([rateId, t]) => ({ rateId, taxTotal: t.taxTotal, shippingTaxTotal: t.shippingTaxTotal }));
  const cartTax = Decimal.sum(taxLines.map((t) => t.taxTotal)).round(d);
  const shippingTax = Decimal.sum(taxLines.map((t) => t.shippingTaxTotal)).round(d);
  const totalTax = cartTax.add(shippingTax);
  const discountTotal = Decimal.sum(lines.map((l) => l.subtotal.sub(l.total))).round(d);
  const discountTax = Decimal.sum(lines.map((l) => l.subtotalTax.sub(l.totalTax))).round(d);
  const total = itemsTotal.add(Decimal.sum(fees.map((f) => f.total))).add(shippingTotal).add(totalTax).round(d);
  return { lines, coupons, fees, shipping, taxLines, discountTotal, discountTax, shippingTotal, shippingTax, cartTax, totalTax, total };
}
