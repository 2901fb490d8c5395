/*
 * The JSON the fake WooCommerce returns (REST v3 and webhook bodies), as handed to tests by the
 * FakeWooStore accessors. Shapes follow fixtures/woocommerce/*.json plus the fields newer
 * WooCommerce adds; money is a string formatted to the store's decimals.
 */

export interface WooAddress {
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

export interface WooBilling extends WooAddress {
  email: string;
}

export interface WooMeta {
  id: number;
  key: string;
  value: unknown;
  display_key?: string;
  display_value?: unknown;
}

export interface WooLineTax {
  id: number;
  total: string;
  subtotal: string;
}

export interface WooLineItem {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  tax_class: string;
  subtotal: string;
  subtotal_tax: string;
  total: string;
  total_tax: string;
  taxes: WooLineTax[];
  meta_data: WooMeta[];
  sku: string | null;
  price: number;
  image: { id: number | string; src: string };
  parent_name: string | null;
}

export interface WooTaxLine {
  id: number;
  rate_code: string;
  rate_id: number;
  label: string;
  compound: boolean;
  tax_total: string;
  shipping_tax_total: string;
  rate_percent: number;
  meta_data: WooMeta[];
}

export interface WooShippingLine {
  id: number;
  method_title: string;
  method_id: string;
  instance_id: string;
  total: string;
  total_tax: string;
  taxes: WooLineTax[];
  meta_data: WooMeta[];
}

export interface WooFeeLine {
  id: number;
  name: string;
  tax_class: string;
  tax_status: 'taxable' | 'none';
  amount: string;
  total: string;
  total_tax: string;
  taxes: WooLineTax[];
  meta_data: WooMeta[];
}

export interface WooCouponLine {
  id: number;
  code: string;
  discount: string;
  discount_tax: string;
  discount_type: string;
  nominal_amount: number;
  free_shipping: boolean;
  meta_data: WooMeta[];
}

export interface WooLinks {
  self: Array<{ href: string }>;
  collection: Array<{ href: string }>;
  customer?: Array<{ href: string }>;
  up?: Array<{ href: string }>;
}

export interface WooOrder {
  id: number;
  parent_id: number;
  status: string;
  currency: string;
  version: string;
  prices_include_tax: boolean;
  date_created: string;
  date_modified: string;
  discount_total: string;
  discount_tax: string;
  shipping_total: string;
  shipping_tax: string;
  cart_tax: string;
  total: string;
  total_tax: string;
  customer_id: number;
  order_key: string;
  billing: WooBilling;
  shipping: WooAddress;
  payment_method: string;
  payment_method_title: string;
  transaction_id: string;
  customer_ip_address: string;
  customer_user_agent: string;
  created_via: string;
  customer_note: string;
  date_completed: string | null;
  date_paid: string | null;
  cart_hash: string;
  number: string;
  meta_data: WooMeta[];
  line_items: WooLineItem[];
  tax_lines: WooTaxLine[];
  shipping_lines: WooShippingLine[];
  fee_lines: WooFeeLine[];
  coupon_lines: WooCouponLine[];
  refunds: Array<{ id: number; reason: string; total: string }>;
  payment_url: string;
  is_editable: boolean;
  needs_payment: boolean;
  needs_processing: boolean;
  date_created_gmt: string;
  date_modified_gmt: string;
  date_completed_gmt: string | null;
  date_paid_gmt: string | null;
  currency_symbol: string;
  _links: WooLinks;
}

/**
 * A refund line (GET /orders/{id}/refunds): the order line's shape with negative amounts and
 * quantity, `_refunded_item_id` in `meta_data`, and `refund_total` (the refunded ex-tax amount,
 * positive). Mirrors `WooRefundLineItem` in libs/contracts/src/woocommerce/refund.ts.
 */
export interface WooRefundLineItem extends WooLineItem {
  refund_total: number;
}

/** GET /orders/{id}/refunds/{refund_id}; mirrors `WooRefund` in libs/contracts/src/woocommerce/refund.ts. */
export interface WooRefund {
  id: number;
  date_created: string;
  date_created_gmt: string;
  /** Positive, e.g. `"10.00"`. */
  amount: string;
  reason: string;
  refunded_by: number;
  refunded_payment: boolean;
  meta_data: WooMeta[];
  line_items: WooRefundLineItem[];
  shipping_lines: WooShippingLine[];
  tax_lines: WooTaxLine[];
  fee_lines: WooFeeLine[];
  _links: WooLinks;
}

export interface WooCustomer {
  id: number;
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
  email: string;
  first_name: string;
  last_name: string;
  role: string;
  username: string;
  billing: WooBilling;
  shipping: WooAddress;
  is_paying_customer: boolean;
  avatar_url: string;
  meta_data: WooMeta[];
  _links: WooLinks;
}

export interface WooProduct {
  id: number;
  name: string;
  slug: string;
  permalink: string;
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
  type: 'simple' | 'variable' | 'variation';
  status: string;
  description: string;
  short_description: string;
  sku: string;
  price: string;
  regular_price: string;
  sale_price: string;
  on_sale: boolean;
  purchasable: boolean;
  virtual: boolean;
  downloadable: boolean;
  tax_status: string;
  tax_class: string;
  manage_stock: boolean;
  stock_quantity: number | null;
  stock_status: string;
  parent_id: number;
  categories: Array<{ id: number; name: string; slug: string }>;
  attributes: Array<Record<string, unknown>>;
  variations: number[];
  meta_data: WooMeta[];
  _links: WooLinks;
  [field: string]: unknown;
}

export interface WooVariation {
  id: number;
  name: string;
  type: 'variation';
  parent_id: number;
  sku: string;
  price: string;
  regular_price: string;
  sale_price: string;
  tax_status: string;
  tax_class: string;
  attributes: Array<{ id: number; name: string; option: string }>;
  _links: WooLinks;
  [field: string]: unknown;
}

export interface WooWebhook {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  resource: string;
  event: string;
  hooks: string[];
  delivery_url: string;
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
  _links: WooLinks;
}

/** A webhook with the internals the REST API hides, for tests. */
export interface WooWebhookState extends WooWebhook {
  secret: string;
  failure_count: number;
  pending_delivery: boolean;
}
