import type { WooLineTax, WooMetaData, WooOrder, WooTaxLine } from '@connector/contracts';
import { currencyDecimals } from '../money/currency';
import { Decimal } from '../money/decimal';

/*
 * Builds WooCommerce-like orders for tests from a compact description, doing the arithmetic the
 * way WooCommerce does: per-rate line taxes kept raw at 6 decimals, line amounts printed at the
 * currency's decimals, tax lines rounded per rate over the whole order, and
 * total = Σ line totals + Σ fees + shipping + Σ tax lines.
 */

export interface RateSpec {
  id: number;
  percent: string;
  label?: string;
  compound?: boolean;
  /** Leave `rate_percent` out, as WooCommerce 3.x payloads do. */
  omitPercent?: boolean;
}

export interface LineSpec {
  name: string;
  quantity: number;
  /** Unit price as the shop shows it: excluding tax, or including it on inclusive orders. */
  unitPrice: string;
  /** Coupon discount on the whole line, in the same tax basis as unitPrice. */
  discount?: string;
  rateIds?: number[];
  sku?: string | null;
  productId?: number;
  variationId?: number;
  parentName?: string | null;
  meta?: WooMetaData[];
}

export interface ChargeSpec {
  name: string;
  /** Excluding tax (WooCommerce enters shipping and fees without tax). May be negative for fees. */
  total: string;
  rateIds?: number[];
}

export interface OrderSpec {
  id?: number;
  currency?: string;
  inclusive?: boolean;
  status?: string;
  rates?: RateSpec[];
  lines: LineSpec[];
  shipping?: ChargeSpec[];
  fees?: ChargeSpec[];
  coupons?: Array<{ code: string; discount: string }>;
  customerId?: number;
  billing?: Partial<WooOrder['billing']>;
  customerNote?: string;
  dateCreatedGmt?: string;
  dateModifiedGmt?: string;
  /** Replace the computed total (to simulate a store whose total disagrees with its lines). */
  totalOverride?: string;
}

const RAW_DECIMALS = 6;

interface RawTaxes {
  byRate: Map<number, Decimal>;
}

function rateOf(spec: OrderSpec, id: number): RateSpec {
  const rate = spec.rates?.find((candidate) => candidate.id === id);
  if (!rate) throw new Error(`test order uses unknown rate ${id}`);
  return rate;
}

/** Raw per-rate taxes of an amount excluding tax: simple rates first, compound rates on top. */
function exclusiveTaxes(amount: Decimal, rates: RateSpec[]): RawTaxes {
  const byRate = new Map<number, Decimal>();
  let simpleTotal = Decimal.ZERO;
  for (const rate of rates.filter((candidate) => !candidate.compound)) {
    const tax = amount.mul(rate.percent).div(100, RAW_DECIMALS, 'half-away-from-zero');
    byRate.set(rate.id, tax);
    simpleTotal = simpleTotal.add(tax);
  }
  for (const rate of rates.filter((candidate) => candidate.compound)) {
    byRate.set(rate.id, amount.add(simpleTotal).mul(rate.percent).div(100, RAW_DECIMALS, 'half-away-from-zero'));
  }
  return { byRate };
}

/** Raw per-rate taxes contained in a tax-inclusive amount (simple rates only, as WooCommerce does). */
function inclusiveTaxes(amount: Decimal, rates: RateSpec[]): RawTaxes {
  const totalPercent = Decimal.sum(rates.map((rate) => rate.percent));
  const byRate = new Map<number, Decimal>();
  for (const rate of rates) {
    byRate.set(rate.id, amount.mul(rate.percent).div(Decimal.HUNDRED.add(totalPercent), RAW_DECIMALS, 'half-away-from-zero'));
  }
  return { byRate };
}

function sumRaw(taxes: RawTaxes): Decimal {
  return Decimal.sum(taxes.byRate.values());
}

function rawString(value: Decimal): string {
  return value.normalize().toString();
}

function lineTaxes(total: RawTaxes, subtotal?: RawTaxes): WooLineTax[] {
  return [...total.byRate.entries()].map(([id, tax]) => ({
    id,
    total: rawString(tax),
    subtotal: subtotal ? rawString(subtotal.byRate.get(id) ?? Decimal.ZERO) : '',
  }));
}

export function buildTestOrder(spec: OrderSpec): WooOrder {
  const dp = currencyDecimals(spec.currency ?? 'USD');
  const money = (value: Decimal) => value.toFixed(dp);
  const inclusive = spec.inclusive ?? false;
  const itemTaxByRate = new Map<number, Decimal>();
  const shippingTaxByRate = new Map<number, Decimal>();
  const collect = (target: Map<number, Decimal>, taxes: RawTaxes) => {
    for (const [id, tax] of taxes.byRate) target.set(id, (target.get(id) ?? Decimal.ZERO).add(tax));
  };

  let nextId = 1000;
  const lineItems = spec.lines.map((line) => {
    const rates = (line.rateIds ?? []).map((id) => rateOf(spec, id));
    const gross = Decimal.parse(line.unitPrice).mul(line.quantity);
    const net = gross.sub(line.discount ?? '0');
    let subtotal: Decimal;
    let total: Decimal;
    let subtotalTaxes: RawTaxes;
    let totalTaxes: RawTaxes;
    if (inclusive) {
      subtotalTaxes = inclusiveTaxes(gross, rates);
      totalTaxes = inclusiveTaxes(net, rates);
      subtotal = gross.sub(sumRaw(subtotalTaxes)).roundHalfAwayFromZero(dp);
      total = net.sub(sumRaw(totalTaxes)).roundHalfAwayFromZero(dp);
    } else {
      subtotal = gross.roundHalfAwayFromZero(dp);
      total = net.roundHalfAwayFromZero(dp);
      subtotalTaxes = exclusiveTaxes(subtotal, rates);
      totalTaxes = exclusiveTaxes(total, rates);
    }
    collect(itemTaxByRate, totalTaxes);
    return {
      id: nextId++,
      name: line.name,
      product_id: line.productId ?? 10 + nextId,
      variation_id: line.variationId ?? 0,
      quantity: line.quantity,
      tax_class: '',
      subtotal: money(subtotal),
      subtotal_tax: money(sumRaw(subtotalTaxes)),
      total: money(total),
      total_tax: money(sumRaw(totalTaxes)),
      taxes: lineTaxes(totalTaxes, subtotalTaxes),
      meta_data: line.meta ?? [],
      sku: line.sku === undefined ? '' : line.sku,
      price: Number(total.div(line.quantity || 1, 6, 'half-away-from-zero').normalize().toString()),
      parent_name: line.parentName ?? null,
    };
  });

  const charge = (entry: ChargeSpec, target: Map<number, Decimal>) => {
    const total = Decimal.parse(entry.total);
    const taxes = exclusiveTaxes(total, (entry.rateIds ?? []).map((id) => rateOf(spec, id)));
    collect(target, taxes);
    return { total, taxes };
  };
  const shippingLines = (spec.shipping ?? []).map((entry) => {
    const { total, taxes } = charge(entry, shippingTaxByRate);
    return {
      id: nextId++,
      method_title: entry.name,
      method_id: 'flat_rate',
      instance_id: '1',
      total: money(total),
      total_tax: money(sumRaw(taxes)),
      taxes: lineTaxes(taxes),
      meta_data: [],
    };
  });
  const feeLines = (spec.fees ?? []).map((entry) => {
    const { total, taxes } = charge(entry, itemTaxByRate);
    return {
      id: nextId++,
      name: entry.name,
      tax_class: '',
      tax_status: entry.rateIds?.length ? 'taxable' : 'none',
      amount: money(total),
      total: money(total),
      total_tax: money(sumRaw(taxes)),
      taxes: lineTaxes(taxes),
      meta_data: [],
    };
  });

  const taxLines: WooTaxLine[] = (spec.rates ?? []).map((rate) => ({
    id: nextId++,
    rate_code: `TEST-${rate.label ?? rate.id}`,
    rate_id: rate.id,
    label: rate.label ?? `Tax ${rate.percent}%`,
    compound: rate.compound ?? false,
    tax_total: money(itemTaxByRate.get(rate.id) ?? Decimal.ZERO),
    shipping_tax_total: money(shippingTaxByRate.get(rate.id) ?? Decimal.ZERO),
    ...(rate.omitPercent ? {} : { rate_percent: Number(rate.percent) }),
    meta_data: [],
  }));

  const cartTax = Decimal.sum(taxLines.map((line) => line.tax_total));
  const shippingTax = Decimal.sum(taxLines.map((line) => line.shipping_tax_total));
  const linesTotal = Decimal.sum(lineItems.map((line) => line.total));
  const feesTotal = Decimal.sum(feeLines.map((line) => line.total));
  const shippingTotal = Decimal.sum(shippingLines.map((line) => line.total));
  const total = linesTotal.add(feesTotal).add(shippingTotal).add(cartTax).add(shippingTax);
  const discountTotal = Decimal.sum(lineItems.map((line) => Decimal.parse(line.subtotal).sub(line.total)));
  const id = spec.id ?? 5000;

  return {
    id,
    parent_id: 0,
    number: String(id),
    order_key: `wc_order_test${id}`,
    created_via: 'checkout',
    version: '9.0.0',
    status: spec.status ?? 'processing',
    currency: spec.currency ?? 'USD',
    date_created: '2025-01-15T10:00:00',
    date_created_gmt: spec.dateCreatedGmt ?? '2025-01-15T09:00:00',
    date_modified: '2025-01-15T10:05:00',
    date_modified_gmt: spec.dateModifiedGmt ?? '2025-01-15T09:05:00',
    date_completed: null,
    date_completed_gmt: null,
    date_paid: '2025-01-15T10:05:00',
    date_paid_gmt: '2025-01-15T09:05:00',
    discount_total: money(discountTotal),
    discount_tax: money(Decimal.ZERO),
    shipping_total: money(shippingTotal),
    shipping_tax: money(shippingTax),
    cart_tax: money(cartTax),
    total: spec.totalOverride ?? money(total),
    total_tax: money(cartTax.add(shippingTax)),
    prices_include_tax: inclusive,
    customer_id: spec.customerId ?? 0,
    customer_ip_address: '',
    customer_user_agent: '',
    customer_note: spec.customerNote ?? '',
    billing: {
      first_name: 'Jane',
      last_name: 'Doe',
      company: '',
      address_1: '1 High Street',
      address_2: '',
      city: 'Bristol',
      state: '',
      postcode: 'BS1 1AA',
      country: 'GB',
      email: 'jane.doe@example.test',
      phone: '',
      ...spec.billing,
    },
    shipping: {
      first_name: '',
      last_name: '',
      company: '',
      address_1: '',
      address_2: '',
      city: '',
      state: '',
      postcode: '',
      country: '',
    },
    payment_method: 'stripe',
    payment_method_title: 'Credit card',
    transaction_id: 'ch_test',
    cart_hash: '',
    meta_data: [],
    line_items: lineItems,
    tax_lines: taxLines,
    shipping_lines: shippingLines,
    fee_lines: feeLines,
    coupon_lines: (spec.coupons ?? []).map((coupon) => ({
      id: nextId++,
      code: coupon.code,
      discount: coupon.discount,
      discount_tax: money(Decimal.ZERO),
      meta_data: [],
    })),
    refunds: [],
  };
}
