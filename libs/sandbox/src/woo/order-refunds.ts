import { Decimal } from '../decimal/decimal';
import { toEpochMs } from './order-builder';
import type { FakeRefundInput, FakeRefundTaxes, Money } from './store-inputs';
import type {
  FeeLineRecord,
  LineItemRecord,
  OrderRecord,
  RawTaxRecord,
  RefundFeeLineRecord,
  RefundProductLineRecord,
  RefundRecord,
  RefundShippingLineRecord,
  RefundTaxLineRecord,
  RefundTaxRecord,
  ShippingLineRecord,
} from './store-records';
import type { WooStoreState } from './store-state';
import { normalizeTaxRate } from './tax-rates';

/*
 * Refunds as WooCommerce's wc_create_refund() records them (plus the defaults the admin "Refund"
 * screen fills in), checked before anything is stored:
 * - each refunded line is a copy of the order line with the refunded quantity, ex-tax total and
 *   per-rate taxes (all rounded to the store's decimals; only non-zero taxes are kept, as
 *   WooCommerce's array_filter does); a line with nothing to refund is skipped, as WooCommerce does;
 * - the refund's tax lines hold, per rate, the refunded line and fee taxes (`tax_total`) and the
 *   refunded shipping taxes (`shipping_tax_total`), rates in order of first appearance;
 * - `amount` is Σ (line totals + taxes) unless given; a given amount takes precedence;
 * - the amount must be > 0 and at most what remains unrefunded of the order total
 *   ("Invalid refund amount." in WooCommerce);
 * - the order is fully refunded when nothing remains of its total (and, when it has a free item,
 *   every unit has been refunded).
 * Stricter than wc_create_refund(), which silently skips them and checks no quantity: an unknown
 * line id, a line given twice, and more units than remain unrefunded on a line are errors here
 * (the admin screen does not let you enter those either).
 */

/** The meta key on a refund line naming the order line it refunds (value: that line's id as a string). */
export const REFUNDED_ITEM_META_KEY = '_refunded_item_id';

interface Refunded {
  quantity: number;
  total: Decimal;
  taxes: Map<number, Decimal>;
}

/** What the order's existing refunds already took from one of its lines. */
function refundedSoFar(order: OrderRecord, kind: 'lineItems' | 'shippingLines' | 'feeLines', lineId: number): Refunded {
  const out: Refunded = { quantity: 0, total: Decimal.ZERO, taxes: new Map() };
  for (const refund of order.refunds) {
    for (const line of refund[kind]) {
      if (line.source.id !== lineId) continue;
      if ('quantity' in line) out.quantity += line.quantity;
      out.total = out.total.add(line.total);
      for (const tax of line.taxes) out.taxes.set(tax.id, (out.taxes.get(tax.id) ?? Decimal.ZERO).add(tax.total));
    }
  }
  return out;
}

function money(value: Money, what: string): Decimal {
  const parsed = Decimal.tryFrom(value);
  if (parsed === undefined) throw new Error(`${what}: ${JSON.stringify(value)} is not an amount`);
  return parsed;
}

function nonNegative(value: Decimal, what: string): Decimal {
  if (value.sign() < 0) throw new Error(`${what} must not be negative (got ${value.toString()})`);
  return value;
}

const atLeastZero = (value: Decimal, d: number) => Decimal.max(Decimal.ZERO, value).round(d);

/** Explicit per-rate taxes: only rates the line has, rounded to the store's decimals. */
function givenTaxes(taxes: FakeRefundTaxes, lineTaxes: readonly RawTaxRecord[], what: string, d: number): Map<number, Decimal> {
  const out = new Map<number, Decimal>();
  for (const [key, value] of Object.entries(taxes)) {
    const rateId = Number(key);
    if (!lineTaxes.some((t) => t.id === rateId)) {
      const known = lineTaxes.map((t) => t.id).join(', ');
      throw new Error(`${what}: it has no tax of rate ${key} (${known ? `its rates: ${known}` : 'it is not taxed'})`);
    }
    out.set(rateId, nonNegative(money(value as Money, `${what} tax ${key}`).round(d), `${what} tax ${key}`));
  }
  return out;
}

function taxList(lineTaxes: readonly RawTaxRecord[], amountOf: (tax: RawTaxRecord) => Decimal): Map<number, Decimal> {
  return new Map(lineTaxes.map((tax) => [tax.id, amountOf(tax)]));
}

/** Non-zero taxes in the line's rate order (WooCommerce drops zero refund taxes). */
function keptTaxes(taxes: Map<number, Decimal>): RefundTaxRecord[] {
  return [...taxes].filter(([, total]) => !total.isZero()).map(([id, total]) => ({ id, total }));
}

interface Draft<S> {
  source: S;
  quantity: number;
  total: Decimal;
  taxes: RefundTaxRecord[];
}

const isEmpty = (draft: Draft<unknown>) => draft.quantity === 0 && draft.total.isZero() && draft.taxes.length === 0;

function productDraft(order: OrderRecord, input: NonNullable<FakeRefundInput['lineItems']>[number], d: number): Draft<LineItemRecord> {
  const what = `line item ${input.lineItemId}`;
  const line = order.lineItems.find((l) => l.id === input.lineItemId);
  if (!line) {
    const other = order.shippingLines.some((s) => s.id === input.lineItemId) ? ' (it is a shipping line: use shippingLines)' : order.feeLines.some((f) => f.id === input.lineItemId) ? ' (it is a fee line: use feeLines)' : '';
    throw new Error(`order ${order.id} has no line item ${input.lineItemId}${other}`);
  }
  const refunded = refundedSoFar(order, 'lineItems', line.id);
  const remaining = line.quantity - refunded.quantity;
  const givenTotal = input.total === undefined ? undefined : nonNegative(money(input.total, `${what} total`).round(d), `${what} total`);
  const quantity = input.quantity ?? (givenTotal === undefined && input.taxes === undefined ? remaining : 0);
  if (!Number.isInteger(quantity) || quantity < 0) throw new Error(`${what}: quantity must be a whole number ≥ 0 (got ${input.quantity})`);
  if (quantity > remaining) {
    throw new Error(`${what}: cannot refund ${quantity} unit(s); ${remaining} of its ${line.quantity} remain unrefunded`);
  }
  if (input.quantity === undefined && givenTotal === undefined && input.taxes === undefined && remaining === 0) {
    throw new Error(`${what} is already fully refunded`);
  }
  // Refunding every unit that is left takes what is left of the amounts, so no cent stays behind.
  const takesTheRest = quantity > 0 && quantity === remaining;
  const share = (amount: Decimal) => amount.mul(quantity).div(line.quantity, d);
  const total =
    givenTotal ?? (takesTheRest ? atLeastZero(line.total.sub(refunded.total), d) : share(line.total));
  const taxes =
    input.taxes !== undefined
      ? givenTaxes(input.taxes, line.taxes, what, d)
      : givenTotal !== undefined
        ? taxList(line.taxes, (tax) => (line.total.isZero() ? Decimal.ZERO.round(d) : tax.total.mul(givenTotal).div(line.total, d)))
        : takesTheRest
          ? taxList(line.taxes, (tax) => atLeastZero(tax.total.round(d).sub(refunded.taxes.get(tax.id) ?? Decimal.ZERO), d))
          : taxList(line.taxes, (tax) => share(tax.total));
  return { source: line, quantity, total, taxes: keptTaxes(taxes) };
}

function chargeDraft<S extends ShippingLineRecord | FeeLineRecord>(
  order: OrderRecord,
  kind: 'shippingLines' | 'feeLines',
  lineId: number,
  input: { total?: Money; taxes?: FakeRefundTaxes },
  d: number,
): Draft<S> {
  const label = kind === 'shippingLines' ? 'shipping line' : 'fee line';
  const what = `${label} ${lineId}`;
  const line = (order[kind] as S[]).find((l) => l.id === lineId);
  if (!line) {
    const isProduct = order.lineItems.some((l) => l.id === lineId) ? ' (it is a product line: use lineItems)' : '';
    throw new Error(`order ${order.id} has no ${label} ${lineId}${isProduct}`);
  }
  const refunded = refundedSoFar(order, kind, line.id);
  const givenTotal = input.total === undefined ? undefined : nonNegative(money(input.total, `${what} total`).round(d), `${what} total`);
  const total = givenTotal ?? atLeastZero(line.total.sub(refunded.total), d);
  const taxes =
    input.taxes !== undefined
      ? givenTaxes(input.taxes, line.taxes, what, d)
      : givenTotal !== undefined
        ? taxList(line.taxes, (tax) => (line.total.isZero() ? Decimal.ZERO.round(d) : tax.total.mul(givenTotal).div(line.total, d)))
        : taxList(line.taxes, (tax) => atLeastZero(tax.total.round(d).sub(refunded.taxes.get(tax.id) ?? Decimal.ZERO), d));
  const draft: Draft<S> = { source: line, quantity: 0, total, taxes: keptTaxes(taxes) };
  if (givenTotal === undefined && input.taxes === undefined && isEmpty(draft)) throw new Error(`${what} is already fully refunded`);
  return draft;
}

function assertUnique(ids: number[], what: string): void {
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) throw new Error(`${what} ${id} is given twice`);
    seen.add(id);
  }
}

export interface BuiltRefund {
  refund: RefundRecord;
  /** WooCommerce's "fully refunded" (the order then goes to status `refunded`). */
  fullyRefunded: boolean;
}

/** Validates a refund of `order` and builds its record (allocating ids only once it is valid). Does not store it. */
export function buildRefund(state: WooStoreState, order: OrderRecord, input: FakeRefundInput): BuiltRefund {
  const d = state.settings.decimals;
  assertUnique((input.lineItems ?? []).map((l) => l.lineItemId), 'line item');
  assertUnique((input.shippingLines ?? []).map((l) => l.shippingLineId), 'shipping line');
  assertUnique((input.feeLines ?? []).map((l) => l.feeLineId), 'fee line');

  const products = (input.lineItems ?? []).map((line) => productDraft(order, line, d)).filter((draft) => !isEmpty(draft));
  const fees = (input.feeLines ?? []).map((line) => chargeDraft<FeeLineRecord>(order, 'feeLines', line.feeLineId, line, d)).filter((draft) => !isEmpty(draft));
  const shipping = (input.shippingLines ?? []).map((line) => chargeDraft<ShippingLineRecord>(order, 'shippingLines', line.shippingLineId, line, d)).filter((draft) => !isEmpty(draft));

  const hasLines = (input.lineItems?.length ?? 0) + (input.feeLines?.length ?? 0) + (input.shippingLines?.length ?? 0) > 0;
  if (input.amount === undefined && !hasLines) throw new Error(`refund of order ${order.id}: give an amount or lines to refund`);
  const drafts: Array<Draft<unknown>> = [...products, ...fees, ...shipping];
  const linesSum = Decimal.sum(drafts.map((draft) => draft.total.add(Decimal.sum(draft.taxes.map((t) => t.total)))));
  const amount = (input.amount === undefined ? linesSum : money(input.amount, 'refund amount')).round(d);
  if (amount.sign() <= 0) throw new Error(`refund of order ${order.id}: the amount must be greater than 0 (got ${amount.toString(true)})`);
  const alreadyRefunded = Decimal.sum(order.refunds.map((r) => r.amount));
  const remaining = order.total.sub(alreadyRefunded).round(d);
  if (amount.gt(remaining)) {
    throw new Error(
      `Invalid refund amount: ${amount.toString(true)} is more than the ${remaining.toString(true)} of order ${order.id} not yet refunded (total ${order.total.toString(true)}, refunded ${alreadyRefunded.round(d).toString(true)})`,
    );
  }

  // All checks passed: allocate ids as WooCommerce saves them (the refund post, then its items
  // by group — products, fees, shipping — each followed by its meta row, then the tax lines).
  const refundId = state.nextPostId();
  const line = <S>(draft: Draft<S>) => ({ id: state.nextOrderItemId(), metaId: state.nextMetaId(), source: draft.source, total: draft.total, taxes: draft.taxes });
  const lineItems: RefundProductLineRecord[] = products.map((draft) => ({ ...line(draft), source: { ...draft.source }, quantity: draft.quantity }));
  const feeLines: RefundFeeLineRecord[] = fees.map((draft) => ({ ...line(draft), source: { ...draft.source } }));
  const shippingLines: RefundShippingLineRecord[] = shipping.map((draft) => ({ ...line(draft), source: { ...draft.source } }));

  const cartTaxes = new Map<number, Decimal>();
  const shippingTaxes = new Map<number, Decimal>();
  const add = (into: Map<number, Decimal>, taxes: RefundTaxRecord[]) => {
    for (const tax of taxes) into.set(tax.id, (into.get(tax.id) ?? Decimal.ZERO).add(tax.total));
  };
  for (const draft of [...lineItems, ...feeLines]) add(cartTaxes, draft.taxes);
  for (const draft of shippingLines) add(shippingTaxes, draft.taxes);
  const rateIds = [...new Set([...cartTaxes.keys(), ...shippingTaxes.keys()])];
  const compositionRates = order.composition.taxRates.map(normalizeTaxRate);
  const taxLines: RefundTaxLineRecord[] = rateIds.map((rateId) => {
    const orderLine = order.taxLines.find((t) => t.rateId === rateId);
    const rate = compositionRates.find((r) => r.id === rateId);
    return {
      id: state.nextOrderItemId(),
      rateId,
      rateCode: orderLine?.rateCode ?? rate?.rateCode ?? '',
      label: orderLine?.label ?? rate?.label ?? '',
      compound: orderLine?.compound ?? rate?.compound ?? false,
      ratePercent: orderLine?.ratePercent ?? rate?.rate ?? Decimal.ZERO,
      taxTotal: (cartTaxes.get(rateId) ?? Decimal.ZERO).round(d),
      shippingTaxTotal: (shippingTaxes.get(rateId) ?? Decimal.ZERO).round(d),
    };
  });

  const now = state.nowSeconds();
  const refund: RefundRecord = {
    id: refundId,
    orderId: order.id,
    amount,
    reason: input.reason ?? '',
    refundedBy: input.refundedBy ?? 1,
    refundedPayment: input.refundedPayment ?? false,
    createdAt: toEpochMs(input.dateCreated, now),
    lineItems,
    shippingLines,
    feeLines,
    taxLines,
  };

  // wc_create_refund: partial while money remains, or (with a free item) while units remain.
  const unitsOrdered = order.lineItems.reduce((n, l) => n + l.quantity, 0);
  const unitsRefunded = order.refunds.reduce((n, r) => n + r.lineItems.reduce((m, l) => m + l.quantity, 0), 0);
  const unitsNow = lineItems.reduce((n, l) => n + l.quantity, 0);
  const hasFreeItem = order.lineItems.some((l) => l.total.isZero());
  const partial = remaining.sub(amount).sign() > 0 || (hasFreeItem && unitsOrdered - unitsRefunded - unitsNow > 0);
  return { refund, fullyRefunded: !partial };
}
