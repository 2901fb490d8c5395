import { FakeWooStore } from '@connector/sandbox';
import type { Stack } from './stack';

export interface Shop {
  store: FakeWooStore;
  orgId: string;
  productId: number;
  connectionId: string;
}

export interface ShopOptions {
  /** The Zoho organization's name. */
  books: string;
  product: { name: string; sku: string; price: string };
  settings?: Record<string, unknown>;
}

/**
 * The set-up an e2e suite starts from: a WooCommerce store in EUR (UTC) charging 19 % VAT,
 * shipping included; Zoho books in EUR with a "VAT 19" tax; one product; the connection between
 * them. The caller stops `store`.
 */
export async function openShop(stack: Stack, options: ShopOptions): Promise<Shop> {
  const orgId = stack.zoho.createOrganization({ name: options.books, currencyCode: 'EUR', taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
  const store = await FakeWooStore.start({ currency: 'EUR', timeZone: 'UTC', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
  const { name, sku, price } = options.product;
  const productId = store.createProduct({ name, sku, regularPrice: price }).id;
  const connectionId = await stack.connect(store, orgId, options.settings);
  return { store, orgId, productId, connectionId };
}
