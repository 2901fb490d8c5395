import { Decimal } from '../decimal/decimal';
import { currencySymbolEntity } from './currency-symbols';
import { metaJson } from './order-json';
import type { ProductRecord } from './store-records';
import { gmtDate, links, localDate, restBase, type StoreView } from './wp-format';

/** GET /wc/v3/products/{id}, GET /products/{id}/variations/{vid} (and product webhook bodies). */

export function activePrice(product: ProductRecord): string {
  return product.salePrice !== '' ? product.salePrice : product.regularPrice;
}

function priceHtml(view: StoreView, price: string): string {
  if (price === '') return '';
  const amount = Decimal.from(price).toFixed(view.decimals);
  return `<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol">${currencySymbolEntity(view.currency)}</span>${amount}</bdi></span>`;
}

function permalink(view: StoreView, product: ProductRecord, parent?: ProductRecord): string {
  if (product.type === 'variation' && parent) {
    const query = product.variationAttributes.map((a) => `attribute_${encodeURIComponent(a.name.toLowerCase())}=${encodeURIComponent(a.option)}`).join('&');
    return `${view.siteUrl}/product/${parent.slug}/?${query}`;
  }
  return `${view.siteUrl}/product/${product.slug}/`;
}

function imageJson(view: StoreView, product: ProductRecord) {
  return product.images.map((image) => ({
    id: image.id,
    date_created: localDate(view, product.createdAt),
    date_created_gmt: gmtDate(product.createdAt),
    date_modified: localDate(view, product.createdAt),
    date_modified_gmt: gmtDate(product.createdAt),
    src: image.src,
    name: image.name,
    alt: image.alt,
  }));
}

/** Variable products print their cheapest variation's price. */
function variablePrice(variations: readonly ProductRecord[]): string {
  const prices = variations.map(activePrice).filter((p) => p !== '');
  if (prices.length === 0) return '';
  return prices.reduce((min, p) => (Decimal.from(p).lt(min) ? p : min));
}

export function productJson(view: StoreView, product: ProductRecord, related: { parent?: ProductRecord; variations: ProductRecord[] }): Record<string, unknown> {
  const base = restBase(view);
  const price = product.type === 'variable' ? variablePrice(related.variations) : activePrice(product);
  const onSale = product.salePrice !== '' && Decimal.from(product.salePrice).lt(product.regularPrice || '0');
  const parentLinks: Record<string, string> = product.parentId ? { up: `${base}/products/${product.parentId}` } : {};
  return {
    id: product.id,
    name: product.name,
    slug: product.slug,
    permalink: permalink(view, product, related.parent),
    date_created: localDate(view, product.createdAt),
    date_created_gmt: gmtDate(product.createdAt),
    date_modified: localDate(view, product.modifiedAt),
    date_modified_gmt: gmtDate(product.modifiedAt),
    type: product.type,
    status: product.status,
    featured: false,
    catalog_visibility: 'visible',
    description: product.description,
    short_description: product.shortDescription,
    sku: product.sku,
    price,
    regular_price: product.type === 'variable' ? '' : product.regularPrice,
    sale_price: product.type === 'variable' ? '' : product.salePrice,
    date_on_sale_from: null,
    date_on_sale_from_gmt: null,
    date_on_sale_to: null,
    date_on_sale_to_gmt: null,
    price_html: priceHtml(view, price),
    on_sale: onSale,
    purchasable: price !== '' && product.status === 'publish',
    total_sales: product.totalSales,
    virtual: product.virtual,
    downloadable: product.downloadable,
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    external_url: '',
    button_text: '',
    tax_status: product.taxStatus,
    tax_class: product.taxClass,
    manage_stock: product.manageStock,
    stock_quantity: product.stockQuantity,
    stock_status: product.stockStatus,
    backorders: 'no',
    backorders_allowed: false,
    backordered: false,
    sold_individually: false,
    weight: product.weight,
    dimensions: { length: '', width: '', height: '' },
    shipping_required: !product.virtual,
    shipping_taxable: !product.virtual && product.taxStatus !== 'none',
    shipping_class: '',
    shipping_class_id: 0,
    reviews_allowed: true,
    average_rating: '0.00',
    rating_count: 0,
    related_ids: [],
    upsell_ids: [],
    cross_sell_ids: [],
    parent_id: product.parentId,
    purchase_note: '',
    categories: product.categories.map((c) => ({ ...c })),
    tags: [],
    images: imageJson(view, product),
    attributes:
      product.type === 'variation'
        ? product.variationAttributes.map((a) => ({ ...a }))
        : product.attributes.map((a) => ({ ...a, options: [...a.options] })),
    default_attributes: [],
    variations: [...product.variationIds],
    grouped_products: [],
    menu_order: 0,
    meta_data: metaJson(product.meta),
    _links: links(`${base}/products/${product.id}`, `${base}/products`, parentLinks),
  };
}

export function variationJson(view: StoreView, variation: ProductRecord, parent: ProductRecord): Record<string, unknown> {
  const base = restBase(view);
  const price = activePrice(variation);
  const image = variation.images[0] ?? parent.images[0];
  return {
    id: variation.id,
    name: variation.name,
    type: 'variation',
    parent_id: parent.id,
    date_created: localDate(view, variation.createdAt),
    date_created_gmt: gmtDate(variation.createdAt),
    date_modified: localDate(view, variation.modifiedAt),
    date_modified_gmt: gmtDate(variation.modifiedAt),
    description: variation.description,
    permalink: permalink(view, variation, parent),
    sku: variation.sku,
    price,
    regular_price: variation.regularPrice,
    sale_price: variation.salePrice,
    date_on_sale_from: null,
    date_on_sale_from_gmt: null,
    date_on_sale_to: null,
    date_on_sale_to_gmt: null,
    on_sale: variation.salePrice !== '' && Decimal.from(variation.salePrice).lt(variation.regularPrice || '0'),
    status: variation.status,
    purchasable: price !== '',
    virtual: variation.virtual,
    downloadable: variation.downloadable,
    downloads: [],
    download_limit: -1,
    download_expiry: -1,
    tax_status: variation.taxStatus,
    tax_class: variation.taxClass,
    manage_stock: variation.manageStock,
    stock_quantity: variation.stockQuantity,
    stock_status: variation.stockStatus,
    backorders: 'no',
    backorders_allowed: false,
    backordered: false,
    weight: variation.weight,
    dimensions: { length: '', width: '', height: '' },
    shipping_class: '',
    shipping_class_id: 0,
    image: image
      ? {
          id: image.id,
          date_created: localDate(view, variation.createdAt),
          date_created_gmt: gmtDate(variation.createdAt),
          date_modified: localDate(view, variation.createdAt),
          date_modified_gmt: gmtDate(variation.createdAt),
          src: image.src,
          name: image.name,
          alt: image.alt,
        }
      : null,
    attributes: variation.variationAttributes.map((a) => ({ ...a })),
    menu_order: 0,
    meta_data: metaJson(variation.meta),
    _links: links(`${base}/products/${parent.id}/variations/${variation.id}`, `${base}/products/${parent.id}/variations`, {
      up: `${base}/products/${parent.id}`,
    }),
  };
}
