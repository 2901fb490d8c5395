import type { CouponType } from './order-totals';
import type { WooTaxRateInput } from './tax-rates';
import type { PostStatus, WooAddressRecord, WooBillingRecord } from './store-records';

/*
 * What the programmatic API of FakeWooStore takes. Money may be given as a string or a number;
 * it is parsed as an exact decimal.
 */

export type Money = string | number;

export interface FakeProductInput {
  name: string;
  sku?: string;
  regularPrice: Money;
  salePrice?: Money;
  taxStatus?: 'taxable' | 'shipping' | 'none';
  /** `''` (standard), e.g. `'reduced-rate'`. */
  taxClass?: string;
  status?: PostStatus;
  virtual?: boolean;
  downloadable?: boolean;
  manageStock?: boolean;
  stockQuantity?: number;
  description?: string;
  shortDescription?: string;
  weight?: string;
  categories?: string[];
  /** Image URLs. */
  images?: string[];
}

export interface FakeVariableProductInput {
  name: string;
  sku?: string;
  taxStatus?: 'taxable' | 'shipping' | 'none';
  taxClass?: string;
  status?: PostStatus;
  description?: string;
  categories?: string[];
  attributes: Array<{ name: string; options: string[] }>;
  variations: Array<{
    sku?: string;
    regularPrice: Money;
    salePrice?: Money;
    /** Attribute name → option, e.g. `{ Color: 'Black', Size: 'M' }`. */
    attributes: Record<string, string>;
    taxClass?: string;
    virtual?: boolean;
  }>;
}

export interface FakeCustomerInput {
  email: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  role?: string;
  billing?: Partial<WooBillingRecord>;
  shipping?: Partial<WooAddressRecord>;
}

export type FakeCustomerPatch = Partial<Omit<FakeCustomerInput, 'username'>>;

export interface FakeOrderLineInput {
  productId: number;
  variationId?: number;
  quantity: number;
  /** Unit price override (incl. tax when prices include tax); default: the product's price. */
  price?: Money;
  name?: string;
}

export interface FakeOrderInput {
  /** A customer id, `{ id }`, or a guest with billing (and optional shipping) address. Default: a guest. */
  customer?: number | { id: number } | { billing: Partial<WooBillingRecord>; shipping?: Partial<WooAddressRecord> };
  lineItems: FakeOrderLineInput[];
  coupons?: Array<{ code: string; type: CouponType; amount: Money; freeShipping?: boolean }>;
  /** Fees are ex tax; a negative amount is a discount. */
  fees?: Array<{ name: string; amount: Money; taxable?: boolean; taxClass?: string }>;
  /** Shipping costs are ex tax. */
  shippingLines?: Array<{ methodId?: string; methodTitle?: string; cost: Money; taxable?: boolean; instanceId?: string }>;
  /** Rates for this order (default: the store's). */
  taxRates?: WooTaxRateInput[];
  /** Default: the store's setting. */
  pricesIncludeTax?: boolean;
  /** Default `processing` (paid). `checkout-draft` orders emit only `order.updated`. */
  status?: string;
  paymentMethod?: string;
  paymentMethodTitle?: string;
  transactionId?: string;
  customerNote?: string;
  /** Default `checkout`. */
  createdVia?: string;
  /** Creation time (default: now). */
  dateCreated?: Date | string | number;
  metaData?: Array<{ key: string; value: unknown }>;
}

export interface FakeOrderPatch {
  status?: string;
  customerNote?: string;
  billing?: Partial<WooBillingRecord>;
  shipping?: Partial<WooAddressRecord>;
  transactionId?: string;
  paymentMethod?: string;
  paymentMethodTitle?: string;
  metaData?: Array<{ key: string; value: unknown }>;
  /** Replacing any of these recomputes the order (new line item ids). */
  lineItems?: FakeOrderLineInput[];
  coupons?: FakeOrderInput['coupons'];
  fees?: FakeOrderInput['fees'];
  shippingLines?: FakeOrderInput['shippingLines'];
  /** When the change happens (default: now). */
  dateModified?: Date | string | number;
}

/** Refunded tax per tax rate id, e.g. `{ 1: '2.38' }`; rates not named refund no tax. */
export type FakeRefundTaxes = Record<number, Money>;

/**
 * A product line to refund, as on the admin "Refund" screen. Defaults:
 * - `quantity`: what remains unrefunded of the line when no `total` is given, else 0 (refund by
 *   amount only, which WooCommerce shows as quantity 0);
 * - `total` (ex tax): the line's total × quantity / line quantity, rounded to the store's decimals;
 *   when `quantity` takes what remains of the line, what remains of the line's total;
 * - `taxes`: per rate, the line's tax × quantity / line quantity (what remains when `quantity`
 *   takes the rest), or, when `total` is given, the line's tax in proportion to `total`.
 */
export interface FakeRefundLineInput {
  lineItemId: number;
  quantity?: number;
  total?: Money;
  taxes?: FakeRefundTaxes;
}

/** A shipping line to refund; default `total` and `taxes`: what remains unrefunded of it (taxes in proportion when `total` is given). */
export interface FakeRefundShippingInput {
  shippingLineId: number;
  total?: Money;
  taxes?: FakeRefundTaxes;
}

/** A fee line to refund; defaults as for shipping. */
export interface FakeRefundFeeInput {
  feeLineId: number;
  total?: Money;
  taxes?: FakeRefundTaxes;
}

/**
 * `FakeWooStore.refundOrder` input (the admin "Refund" screen / `POST /orders/{id}/refunds`).
 * `amount` defaults to Σ (line totals + taxes); when given it takes precedence over the lines,
 * even when it differs from them. Without lines, it is a refund by amount only.
 */
export interface FakeRefundInput {
  amount?: Money;
  reason?: string;
  lineItems?: FakeRefundLineInput[];
  shippingLines?: FakeRefundShippingInput[];
  feeLines?: FakeRefundFeeInput[];
  /** Whether the gateway returned the money (`refunded_payment`). Default false. */
  refundedPayment?: boolean;
  /** User id in `refunded_by`. Default 1. */
  refundedBy?: number;
  /** Creation time (default: now). */
  dateCreated?: Date | string | number;
}
