import { createHash, randomBytes } from 'node:crypto';
import { Decimal } from '../decimal/decimal';
import { randomAlnum } from '../http/random-tokens';
import { attributeKey } from './attribute-key';
import { computeOrderTotals } from './order-totals';
import { activePrice } from './product-json';
import type { FakeOrderInput, FakeOrderLineInput } from './store-inputs';
import type {
  CustomerRecord,
  LineItemRecord,
  OrderComposition,
  OrderRecord,
  ProductRecord,
  WooAddressRecord,
  WooBillingRecord,
} from './store-records';
import type { WooStoreState } from './store-state';
import { normalizeTaxRate } from './tax-rates';

/*
 * Builds complete, internally consistent v3 orders from a FakeOrderInput: resolves products and
 * the customer, runs order-totals.ts, and lays the results out as WooCommerce stores them
 * (item ids in checkout order: line items, fees, shipping, taxes, coupons).
 */

/** Statuses after payment: the order gets `date_paid` when it reaches one of them. */
export const PAID_STATUSES = new Set(['processing', 'completed']);

export const ORDER_STATUSES = [
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'trash',
  'checkout-draft',
  'auto-draft',
] as const;

export function emptyAddress(): WooAddressRecord {
  return { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '', phone: '' };
}

/** A billing address in WooCommerce's key order (email before phone). */
export function billingFrom(input: Partial<WooBillingRecord> = {}): WooBillingRecord {
  const v = { ...emptyAddress(), email: '', ...stringFields(input) };
  return {
    first_name: v.first_name,
    last_name: v.last_name,
    company: v.company,
    address_1: v.address_1,
    address_2: v.address_2,
    city: v.city,
    state: v.state,
    postcode: v.postcode,
    country: v.country,
    email: v.email,
    phone: v.phone,
  };
}

export function shippingFrom(input: Partial<WooAddressRecord> = {}): WooAddressRecord {
  const v = { ...emptyAddress(), ...stringFields(input) };
  return {
    first_name: v.first_name,
    last_name: v.last_name,
    company: v.company,
    address_1: v.address_1,
    address_2: v.address_2,
    city: v.city,
    state: v.state,
    postcode: v.postcode,
    country: v.country,
    phone: v.phone,
  };
}

function stringFields<T extends object>(input: T): Partial<Record<keyof T, string>> {
  const out: Partial<Record<keyof T, string>> = {};
  for (const [key, value] of Object.entries(input)) if (value !== undefined && value !== null) out[key as keyof T] = String(value);
  return out;
}

const GUEST_BILLING: Partial<WooBillingRecord> = {
  first_name: 'Guest',
  last_name: 'Buyer',
  address_1: '1 Example Street',
  city: 'Springfield',
  postcode: '12345',
  country: 'US',
  email: 'guest.buyer@example.test',
};

export function toEpochMs(value: Date | string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`invalid date: ${String(value)}`);
  return Math.floor(ms / 1000) * 1000;
}

interface ResolvedLine {
  product: ProductRecord;
  variation?: ProductRecord;
  input: FakeOrderLineInput;
  unitPrice: Decimal;
  taxable: boolean;
  taxClass: string;
}

function resolveLine(state: WooStoreState, input: FakeOrderLineInput, index: number): ResolvedLine {
  const product = state.product(input.productId);
  if (!product || product.type === 'variation') throw new Error(`line ${index + 1}: no product ${input.productId}`);
  if (!Number.isInteger(input.quantity) || input.quantity <= 0) throw new Error(`line ${index + 1}: quantity must be a positive integer`);
  let variation: ProductRecord | undefined;
  if (input.variationId) {
    variation = state.product(input.variationId);
    if (!variation || variation.parentId !== product.id) throw new Error(`line ${index + 1}: ${input.variationId} is not a variation of ${product.id}`);
  } else if (product.type === 'variable') {
    throw new Error(`line ${index + 1}: product ${product.id} is variable; give a variationId`);
  }
  const priced = variation ?? product;
  const price = input.price !== undefined ? String(input.price) : activePrice(priced);
  if (price === '') throw new Error(`line ${index + 1}: product ${priced.id} has no price`);
  // Variations inherit the parent's tax status; tax class 'parent' means the parent's class.
  const taxClass = variation && variation.taxClass !== 'parent' ? variation.taxClass : product.taxClass;
  return { product, variation, input, unitPrice: Decimal.from(price), taxable: product.taxStatus === 'taxable', taxClass };
}

function lineName(line: ResolvedLine): string {
  if (line.input.name) return line.input.name;
  // WooCommerce names the line after the product or variation as it is titled (see `variationTitle`).
  return (line.variation ?? line.product).name;
}

function resolveCustomer(
  state: WooStoreState,
  customer: FakeOrderInput['customer'],
): { customerId: number; billing: WooBillingRecord; shipping: WooAddressRecord; record?: CustomerRecord } {
  if (customer === undefined) {
    const billing = billingFrom(GUEST_BILLING);
    return { customerId: 0, billing, shipping: shippingFrom({ ...billing, phone: '' }) };
  }
  if (typeof customer === 'number' || 'id' in customer) {
    const id = typeof customer === 'number' ? customer : customer.id;
    const record = state.customers.get(id);
    if (!record) throw new Error(`no customer ${id}`);
    return { customerId: id, billing: { ...record.billing }, shipping: { ...record.shipping }, record };
  }
  const billing = billingFrom(customer.billing);
  return { customerId: 0, billing, shipping: shippingFrom(customer.shipping ?? { ...billing, phone: '' }) };
}

function composition(input: FakeOrderInput, state: WooStoreState): OrderComposition {
  return {
    lineItems: input.lineItems.map((l) => ({ ...l })),
    coupons: (input.coupons ?? []).map((c) => ({ ...c })),
    fees: (input.fees ?? []).map((f) => ({ ...f })),
    shippingLines: (input.shippingLines ?? []).map((s) => ({ ...s })),
    taxRates: (input.taxRates ?? state.settings.taxRates).map((r) => ({ ...r })),
    pricesIncludeTax: input.pricesIncludeTax ?? state.settings.pricesIncludeTax,
  };
}

/** Lays out items and totals for a composition; replaces all item lists of the order. */
export function applyComposition(state: WooStoreState, order: OrderRecord, comp: OrderComposition): void {
  if (comp.lineItems.length === 0) throw new Error('an order needs at least one line item');
  const d = state.settings.decimals;
  const rates = comp.taxRates.map(normalizeTaxRate);
  const lines = comp.lineItems.map((line, i) => resolveLine(state, line, i));
  const totals = computeOrderTotals({
    decimals: d,
    pricesIncludeTax: comp.pricesIncludeTax,
    rates,
    lines: lines.map((l) => ({ unitPrice: l.unitPrice, quantity: l.input.quantity, taxable: l.taxable, taxClass: l.taxClass })),
    coupons: comp.coupons.map((c) => ({ type: c.type, amount: Decimal.from(c.amount) })),
    fees: comp.fees.map((f) => ({ amount: Decimal.from(f.amount), taxable: f.taxable ?? false, taxClass: f.taxClass ?? '' })),
    shipping: comp.shippingLines.map((s) => ({ cost: Decimal.from(s.cost), taxable: s.taxable ?? true })),
  });

  order.pricesIncludeTax = comp.pricesIncludeTax;
  order.lineItems = lines.map((line, i): LineItemRecord => {
    const t = totals.lines[i]!;
    const priced = line.variation ?? line.product;
    const image = priced.images[0] ?? line.product.images[0];
    return {
      id: state.nextOrderItemId(),
      name: lineName(line),
      productId: line.product.id,
      variationId: line.variation?.id ?? 0,
      quantity: line.input.quantity,
      taxClass: line.taxClass,
      subtotal: t.subtotal,
      subtotalTax: t.subtotalTax,
      total: t.total,
      totalTax: t.totalTax,
      taxes: t.taxes.map((tax) => ({ id: tax.rateId, total: tax.total, subtotal: tax.subtotal ?? Decimal.ZERO })),
      meta: (line.variation?.variationAttributes ?? []).map((attribute) => ({
        id: state.nextMetaId(),
        key: attributeKey(attribute.name),
        value: attribute.option,
        display_key: attribute.name,
        display_value: attribute.option,
      })),
      sku: priced.sku || line.product.sku,
      image: image ? { id: image.id, src: image.src } : { id: '', src: '' },
      parentName: line.variation ? line.product.name : null,
    };
  });
  order.feeLines = comp.fees.map((fee, i) => ({
    id: state.nextOrderItemId(),
    name: fee.name,
    taxClass: fee.taxClass ?? '',
    taxStatus: fee.taxable ? 'taxable' : 'none',
    amount: Decimal.from(fee.amount),
    total: totals.fees[i]!.total,
    totalTax: totals.fees[i]!.totalTax,
    taxes: totals.fees[i]!.taxes.map((tax) => ({ id: tax.rateId, total: tax.total })),
  }));
  const itemsSummary = order.lineItems.map((l) => `${l.name} &times; ${l.quantity}`).join(', ');
  order.shippingLines = comp.shippingLines.map((line, i) => ({
    id: state.nextOrderItemId(),
    methodTitle: line.methodTitle ?? 'Flat rate',
    methodId: line.methodId ?? 'flat_rate',
    instanceId: line.instanceId ?? '1',
    total: totals.shipping[i]!.total,
    totalTax: totals.shipping[i]!.totalTax,
    taxes: totals.shipping[i]!.taxes.map((tax) => ({ id: tax.rateId, total: tax.total })),
    meta: [{ id: state.nextMetaId(), key: 'Items', value: itemsSummary, display_key: 'Items', display_value: itemsSummary }],
  }));
  order.taxLines = totals.taxLines.map((line) => {
    const rate = rates.find((r) => r.id === line.rateId)!;
    return {
      id: state.nextOrderItemId(),
      rateCode: rate.rateCode,
      rateId: rate.id,
      label: rate.label,
      compound: rate.compound,
      taxTotal: line.taxTotal,
      shippingTaxTotal: line.shippingTaxTotal,
      ratePercent: rate.rate,
    };
  });
  order.couponLines = comp.coupons.map((coupon, i) => ({
    id: state.nextOrderItemId(),
    code: coupon.code.toLowerCase(),
    discount: totals.coupons[i]!.discount,
    discountTax: totals.coupons[i]!.discountTax,
    discountType: coupon.type,
    nominalAmount: Decimal.from(coupon.amount),
    freeShipping: coupon.freeShipping ?? false,
  }));
  order.discountTotal = totals.discountTotal;
  order.discountTax = totals.discountTax;
  order.shippingTotal = totals.shippingTotal;
  order.shippingTax = totals.shippingTax;
  order.cartTax = totals.cartTax;
  order.totalTax = totals.totalTax;
  order.total = totals.total;
  order.needsShipping = lines.some((l) => !(l.variation ?? l.product).virtual);
  order.composition = comp;
}

export function buildOrder(state: WooStoreState, input: FakeOrderInput): OrderRecord {
  const id = state.nextPostId();
  const createdAt = toEpochMs(input.dateCreated, state.nowSeconds());
  const status = input.status ?? 'processing';
  const customer = resolveCustomer(state, input.customer);
  const createdVia = input.createdVia ?? 'checkout';
  const fromCheckout = createdVia === 'checkout' || createdVia === 'store-api';
  const order: OrderRecord = {
    id,
    parentId: 0,
    number: String(id),
    orderKey: `wc_order_${randomAlnum(13)}`,
    createdVia,
    version: state.settings.wooVersion,
    status,
    currency: state.settings.currency,
    pricesIncludeTax: false,
    customerId: customer.customerId,
    customerIpAddress: fromCheckout ? '203.0.113.10' : '',
    customerUserAgent: fromCheckout ? 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' : '',
    customerNote: input.customerNote ?? '',
    billing: customer.billing,
    shipping: customer.shipping,
    paymentMethod: input.paymentMethod ?? 'bacs',
    paymentMethodTitle: input.paymentMethodTitle ?? 'Direct bank transfer',
    transactionId: input.transactionId ?? '',
    cartHash: fromCheckout ? createHash('md5').update(randomBytes(16)).digest('hex') : '',
    meta: (input.metaData ?? []).map((m) => ({ id: state.nextMetaId(), key: m.key, value: m.value })),
    lineItems: [],
    taxLines: [],
    shippingLines: [],
    feeLines: [],
    couponLines: [],
    refunds: [],
    discountTotal: Decimal.ZERO,
    discountTax: Decimal.ZERO,
    shippingTotal: Decimal.ZERO,
    shippingTax: Decimal.ZERO,
    cartTax: Decimal.ZERO,
    total: Decimal.ZERO,
    totalTax: Decimal.ZERO,
    needsShipping: false,
    composition: composition(input, state),
    createdAt,
    modifiedAt: createdAt,
    paidAt: PAID_STATUSES.has(status) ? createdAt : null,
    completedAt: status === 'completed' ? createdAt : null,
  };
  applyComposition(state, order, order.composition);
  return order;
}
