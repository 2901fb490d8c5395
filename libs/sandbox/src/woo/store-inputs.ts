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
