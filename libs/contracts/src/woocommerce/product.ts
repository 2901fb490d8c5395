import type { WooMetaData } from './meta-data';

export type WooProductType = 'simple' | 'grouped' | 'external' | 'variable' | (string & {});
export type WooTaxStatus = 'taxable' | 'shipping' | 'none' | (string & {});

export interface WooProductCategoryRef {
  id: number;
  name: string;
  slug: string;
}

/** An attribute on a product: the options it offers, and whether variations use it. */
export interface WooProductAttribute {
  id: number;
  name: string;
  position: number;
  visible: boolean;
  variation: boolean;
  options: string[];
}

/** An attribute on a variation: the one option this variation has. */
export interface WooVariationAttribute {
  id: number;
  name: string;
  option: string;
}

/** Fields products and variations share. Prices are strings and may be `""`. */
interface WooSellableBase {
  id: number;
  date_created: string | null;
  date_created_gmt: string | null;
  date_modified: string | null;
  date_modified_gmt: string | null;
  description: string;
  permalink: string;
  sku: string;
  price: string;
  regular_price: string;
  sale_price: string;
  on_sale: boolean;
  status: string;
  purchasable: boolean;
  virtual: boolean;
  downloadable: boolean;
  tax_status: WooTaxStatus;
  tax_class: string;
  manage_stock: boolean | 'parent';
  stock_quantity: number | null;
  stock_status: string;
  meta_data: WooMetaData[];
}

export interface WooProduct extends WooSellableBase {
  name: string;
  slug: string;
  type: WooProductType;
  short_description: string;
  categories: WooProductCategoryRef[];
  attributes: WooProductAttribute[];
  /** Variation ids of a variable product. */
  variations: number[];
  parent_id: number;
}

/**
 * A variation (GET /wc/v3/products/{id}/variations/{vid}). The v3 docs give it no `name` or
 * `type`; newer WooCommerce adds `name` and `parent_id`, so both are optional.
 */
export interface WooVariation extends WooSellableBase {
  attributes: WooVariationAttribute[];
  name?: string;
  parent_id?: number;
}
