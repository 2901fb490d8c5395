import type { WooAddress, WooBillingAddress } from './address';
import type { WooMetaData } from './meta-data';

/*
 * WooCommerce REST v3 order payloads (GET /wc/v3/orders/{id}, and the body of order webhooks).
 * Conventions of the wire format, kept as-is so nothing is lost before the accounting code reads it:
 * - money is a decimal string formatted to the store's decimals (`"29.35"`); the per-rate `taxes`
 *   entries are raw, unrounded strings (`"1.636364"`);
 * - ids are numbers, except the order `number`, which a plugin may change and is a string;
 * - dates are `YYYY-MM-DDTHH:MM:SS` without zone: the plain ones in site-local time, `*_gmt` in UTC;
 *   unset dates are `null`.
 * Fields added by newer WooCommerce releases are optional, because older stores omit them.
 */

/**
 * The statuses WooCommerce knows, plus any custom status a plugin registers (the `wc-` prefix is
 * already stripped by the API). `(string & {})` keeps the known values visible to autocompletion.
 */
export type WooOrderStatus =
  | 'pending'
  | 'processing'
  | 'on-hold'
  | 'completed'
  | 'cancelled'
  | 'refunded'
  | 'failed'
  | 'trash'
  | 'checkout-draft'
  | 'auto-draft'
  | 'draft'
  | (string & {});

/** One tax rate's share of a line: `id` is the WooCommerce tax rate id; amounts are raw strings. */
export interface WooLineTax {
  id: number;
  total: string;
  /** `""` on shipping and fee lines, which only carry a total. */
  subtotal: string;
}

export interface WooLineItem {
  id: number;
  name: string;
  product_id: number;
  /** 0 when the line is not a variation. */
  variation_id: number;
  quantity: number;
  /** `""` means the standard tax class. */
  tax_class: string;
  /** Before discounts, excluding tax. */
  subtotal: string;
  subtotal_tax: string;
  /** After discounts (coupons), excluding tax. */
  total: string;
  total_tax: string;
  taxes: WooLineTax[];
  meta_data: WooMetaData[];
  /** `null` when the product was deleted. */
  sku: string | null;
  /** A JSON number: `total / quantity`, the unit price after discount, excluding tax. */
  price: number;
  image?: { id: number | string; src: string };
  /** The parent product's name for variations, otherwise `null` (newer WooCommerce). */
  parent_name?: string | null;
}

export interface WooTaxLine {
  id: number;
  /** E.g. `US-CA-STATE TAX`. */
  rate_code: string;
  rate_id: number;
  label: string;
  compound: boolean;
  tax_total: string;
  shipping_tax_total: string;
  /** The rate in percent, e.g. `7.5` (newer WooCommerce; absent in 3.x payloads). */
  rate_percent?: number;
  meta_data: WooMetaData[];
}

export interface WooShippingLine {
  id: number;
  method_title: string;
  /** `flat_rate`, or `flat_rate:25` in older data. */
  method_id: string;
  instance_id?: string;
  total: string;
  total_tax: string;
  taxes: WooLineTax[];
  meta_data: WooMetaData[];
}

export interface WooFeeLine {
  id: number;
  name: string;
  tax_class: string;
  tax_status: 'taxable' | 'none' | (string & {});
  /** The amount as entered (newer WooCommerce). */
  amount?: string;
  /** May be negative: a discount applied as a fee. */
  total: string;
  total_tax: string;
  taxes: WooLineTax[];
  meta_data: WooMetaData[];
}

export interface WooCouponLine {
  id: number;
  code: string;
  /** Excluding tax. */
  discount: string;
  discount_tax: string;
  meta_data: WooMetaData[];
  /** Newer WooCommerce: `percent`, `fixed_cart`, `fixed_product`, … */
  discount_type?: string;
  nominal_amount?: number;
  free_shipping?: boolean;
}

/** The refund summary embedded in an order. `total` is negative, e.g. `"-10.00"`. */
export interface WooRefundRef {
  id: number;
  reason?: string;
  /** The key the old docs examples use instead of `reason`. */
  refund?: string;
  total: string;
}

export interface WooOrder {
  id: number;
  parent_id: number;
  /** Equals the id unless a plugin changes order numbers. */
  number: string;
  order_key: string;
  created_via: string;
  version: string;
  status: WooOrderStatus;
  /** ISO 4217. */
  currency: string;
  date_created: string | null;
  date_created_gmt: string | null;
  date_modified: string | null;
  date_modified_gmt: string | null;
  date_completed: string | null;
  date_completed_gmt: string | null;
  date_paid: string | null;
  date_paid_gmt: string | null;
  discount_total: string;
  discount_tax: string;
  shipping_total: string;
  shipping_tax: string;
  cart_tax: string;
  total: string;
  total_tax: string;
  prices_include_tax: boolean;
  /** 0 for guests. */
  customer_id: number;
  customer_ip_address: string;
  customer_user_agent: string;
  customer_note: string;
  billing: WooBillingAddress;
  shipping: WooAddress;
  payment_method: string;
  payment_method_title: string;
  transaction_id: string;
  cart_hash: string;
  meta_data: WooMetaData[];
  line_items: WooLineItem[];
  tax_lines: WooTaxLine[];
  shipping_lines: WooShippingLine[];
  fee_lines: WooFeeLine[];
  coupon_lines: WooCouponLine[];
  refunds: WooRefundRef[];
  payment_url?: string;
  is_editable?: boolean;
  needs_payment?: boolean;
  needs_processing?: boolean;
  currency_symbol?: string;
}
