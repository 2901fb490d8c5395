import type { Decimal } from '../decimal/decimal';
import type { CouponType } from './order-totals';
import type { FakeOrderInput } from './store-inputs';

/*
 * What the fake store keeps. The REST JSON (and therefore webhook payloads) is rendered from
 * these records at request / delivery time by the `*-json.ts` files.
 */

export type WooKeyPermissions = 'read' | 'write' | 'read_write';

/** The WordPress role of an API key's user: managers may do everything, customers nothing. */
export type WooUserRole = 'administrator' | 'shop_manager' | 'customer';

export interface ApiKeyRecord {
  keyId: number;
  consumerKey: string;
  consumerSecret: string;
  permissions: WooKeyPermissions;
  userId: number;
  role: WooUserRole;
  /** Used OAuth nonces keyed by timestamp, as WooCommerce stores them. */
  nonces: Map<number, string>;
}

export interface WooAddressRecord {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  phone: string;
}

export interface WooBillingRecord extends WooAddressRecord {
  email: string;
}

export interface MetaRecord {
  id: number;
  key: string;
  value: unknown;
  display_key?: string;
  display_value?: unknown;
}

export type PostStatus = 'publish' | 'draft' | 'pending' | 'private' | 'trash';

export interface ProductRecord {
  id: number;
  type: 'simple' | 'variable' | 'variation';
  name: string;
  slug: string;
  status: PostStatus;
  /** The status before trashing, restored by untrash. */
  statusBeforeTrash?: PostStatus;
  sku: string;
  regularPrice: string;
  salePrice: string;
  taxStatus: 'taxable' | 'shipping' | 'none';
  taxClass: string;
  manageStock: boolean;
  stockQuantity: number | null;
  stockStatus: 'instock' | 'outofstock' | 'onbackorder';
  virtual: boolean;
  downloadable: boolean;
  description: string;
  shortDescription: string;
  weight: string;
  categories: Array<{ id: number; name: string; slug: string }>;
  images: Array<{ id: number; src: string; name: string; alt: string }>;
  /** Variable products: their attributes; variations: unused. */
  attributes: Array<{ id: number; name: string; position: number; visible: boolean; variation: boolean; options: string[] }>;
  /** Variations: the chosen option per attribute. */
  variationAttributes: Array<{ id: number; name: string; option: string }>;
  variationIds: number[];
  parentId: number;
  totalSales: number;
  meta: MetaRecord[];
  createdAt: number;
  modifiedAt: number;
}

export interface CustomerRecord {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  username: string;
  role: string;
  billing: WooBillingRecord;
  shipping: WooAddressRecord;
  isPayingCustomer: boolean;
  meta: MetaRecord[];
  createdAt: number;
  modifiedAt: number;
}

export interface RawTaxRecord {
  id: number;
  total: Decimal;
  subtotal?: Decimal;
}

export interface LineItemRecord {
  id: number;
  name: string;
  productId: number;
  variationId: number;
  quantity: number;
  taxClass: string;
  subtotal: Decimal;
  subtotalTax: Decimal;
  total: Decimal;
  totalTax: Decimal;
  taxes: RawTaxRecord[];
  meta: MetaRecord[];
  sku: string | null;
  image: { id: number | string; src: string };
  parentName: string | null;
}

export interface TaxLineRecord {
  id: number;
  rateCode: string;
  rateId: number;
  label: string;
  compound: boolean;
  taxTotal: Decimal;
  shippingTaxTotal: Decimal;
  ratePercent: Decimal;
}

export interface ShippingLineRecord {
  id: number;
  methodTitle: string;
  methodId: string;
  instanceId: string;
  total: Decimal;
  totalTax: Decimal;
  taxes: RawTaxRecord[];
  meta: MetaRecord[];
}

export interface FeeLineRecord {
  id: number;
  name: string;
  taxClass: string;
  taxStatus: 'taxable' | 'none';
  amount: Decimal;
  total: Decimal;
  totalTax: Decimal;
  taxes: RawTaxRecord[];
}

export interface CouponLineRecord {
  id: number;
  code: string;
  discount: Decimal;
  discountTax: Decimal;
  discountType: CouponType;
  nominalAmount: Decimal;
  freeShipping: boolean;
}

/** A rate's refunded share on a refund line: positive, rounded to the store's decimals. */
export interface RefundTaxRecord {
  id: number;
  total: Decimal;
}

/**
 * One line of a refund. WooCommerce copies the order line it refunds and stores it with negative
 * amounts; the fake keeps positive amounts and a copy of the order line (`source`), and the JSON
 * (refund-json.ts) negates them. `metaId` is the id of its `_refunded_item_id` meta row.
 */
interface RefundLineBase {
  id: number;
  metaId: number;
  /** Ex-tax refunded amount (positive). */
  total: Decimal;
  /** Only rates with a non-zero refunded amount, like WooCommerce's array_filter. */
  taxes: RefundTaxRecord[];
}

export interface RefundProductLineRecord extends RefundLineBase {
  source: LineItemRecord;
  /** Units refunded (0 when refunded by amount only). */
  quantity: number;
}

export interface RefundShippingLineRecord extends RefundLineBase {
  source: ShippingLineRecord;
}

export interface RefundFeeLineRecord extends RefundLineBase {
  source: FeeLineRecord;
}

/** One rate of a refund's `tax_lines` (positive amounts; rate details copied from the order's tax line). */
export interface RefundTaxLineRecord {
  id: number;
  rateId: number;
  rateCode: string;
  label: string;
  compound: boolean;
  ratePercent: Decimal;
  taxTotal: Decimal;
  shippingTaxTotal: Decimal;
}

export interface RefundRecord {
  id: number;
  orderId: number;
  amount: Decimal;
  reason: string;
  refundedBy: number;
  refundedPayment: boolean;
  createdAt: number;
  lineItems: RefundProductLineRecord[];
  shippingLines: RefundShippingLineRecord[];
  feeLines: RefundFeeLineRecord[];
  taxLines: RefundTaxLineRecord[];
}

export interface OrderRecord {
  id: number;
  parentId: number;
  number: string;
  orderKey: string;
  createdVia: string;
  version: string;
  status: string;
  statusBeforeTrash?: string;
  currency: string;
  pricesIncludeTax: boolean;
  customerId: number;
  customerIpAddress: string;
  customerUserAgent: string;
  customerNote: string;
  billing: WooBillingRecord;
  shipping: WooAddressRecord;
  paymentMethod: string;
  paymentMethodTitle: string;
  transactionId: string;
  cartHash: string;
  meta: MetaRecord[];
  lineItems: LineItemRecord[];
  taxLines: TaxLineRecord[];
  shippingLines: ShippingLineRecord[];
  feeLines: FeeLineRecord[];
  couponLines: CouponLineRecord[];
  /** Newest first, as WooCommerce lists them. */
  refunds: RefundRecord[];
  discountTotal: Decimal;
  discountTax: Decimal;
  shippingTotal: Decimal;
  shippingTax: Decimal;
  cartTax: Decimal;
  total: Decimal;
  totalTax: Decimal;
  needsShipping: boolean;
  /** What the order was built from, so a change of lines/coupons/fees/shipping can recompute it. */
  composition: OrderComposition;
  createdAt: number;
  modifiedAt: number;
  paidAt: number | null;
  completedAt: number | null;
}

export type OrderComposition = Required<Pick<FakeOrderInput, 'lineItems' | 'coupons' | 'fees' | 'shippingLines' | 'taxRates' | 'pricesIncludeTax'>>;

export interface WebhookRecord {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  deliveryUrl: string;
  secret: string;
  userId: number;
  apiVersion: 'wp_api_v3';
  failureCount: number;
  /** True until a ping got HTTP 200; while true every save pings again. */
  pendingDelivery: boolean;
  createdAt: number;
  modifiedAt: number;
}
