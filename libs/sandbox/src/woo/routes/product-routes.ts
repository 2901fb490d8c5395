import { Decimal } from '../../decimal/decimal';
import { enumValue, pageOf, parseCollectionParams, sortBy } from '../collection-query';
import { activePrice, variationJson } from '../product-json';
import { phpList, phpScalar } from '../php-query';
import { idParam, type WooRestContext, type WooResult, type WooRoute } from '../rest-context';
import type { ProductRecord } from '../store-records';
import { ParamErrors, WpRestError } from '../wp-errors';
import { restBase } from '../wp-format';

/** /wc/v3/products and their variations (read side). */

const invalidProduct = () => new WpRestError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
const invalidVariation = () => new WpRestError(404, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.');
const ORDERBY = ['date', 'id', 'include', 'title', 'slug', 'price', 'popularity', 'rating', 'modified'] as const;

function sortKey(orderby: string, include: number[]): (p: ProductRecord) => string | number {
  switch (orderby) {
    case 'id':
      return (p) => p.id;
    case 'include':
      return (p) => include.indexOf(p.id);
    case 'title':
      return (p) => p.name.toLowerCase();
    case 'slug':
      return (p) => p.slug;
    case 'price':
      return (p) => (activePrice(p) === '' ? 0 : Decimal.from(activePrice(p)).toNumber());
    case 'popularity':
      return (p) => p.totalSales;
    case 'modified':
      return (p) => p.modifiedAt;
    default:
      return (p) => p.createdAt;
  }
}

function list(ctx: WooRestContext): WooResult {
  const errors = new ParamErrors();
  const params = parseCollectionParams(ctx.query, { orderby: ORDERBY, defaultOrderby: 'date', defaultOrder: 'desc' }, errors);
  const status = enumValue(errors, ctx.query, 'status', ['any', 'future', 'trash', 'draft', 'pending', 'private', 'publish'] as const, 'any');
  const type = phpScalar(ctx.query, 'type');
  if (type !== undefined && type !== '' && !['simple', 'grouped', 'external', 'variable'].includes(type)) {
    errors.add('type', 'type is not one of simple, grouped, external, and variable.');
  }
  const skus = phpScalar(ctx.query, 'sku')?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const parents = phpList(ctx.query, 'parent')?.map(Number);
  errors.throwIfAny();
  const search = params.search?.toLowerCase();
  let products = [...ctx.state.products.values()].filter((p) => {
    if (p.type === 'variation') return false;
    if (status === 'any' ? p.status === 'trash' : p.status !== status) return false;
    if (type && p.type !== type) return false;
    if (skus && skus.length > 0 && !skus.includes(p.sku)) return false;
    if (parents && !parents.includes(p.parentId)) return false;
    if (params.include && !params.include.includes(p.id)) return false;
    if (params.exclude && params.exclude.includes(p.id)) return false;
    if (search && !p.name.toLowerCase().includes(search) && !p.description.toLowerCase().includes(search)) return false;
    return true;
  });
  products = sortBy(products, sortKey(params.orderby, params.include ?? []), params.order);
  const page = pageOf(products, params, `${restBase(ctx.view)}/products`, ctx.rawQuery);
  return { status: 200, body: page.rows.map((p) => ctx.store.productView(p)), headers: page.headers };
}

function get(ctx: WooRestContext): WooResult {
  const product = ctx.state.products.get(idParam(ctx));
  if (!product) throw invalidProduct();
  return { status: 200, body: ctx.store.productView(product) };
}

function parentOf(ctx: WooRestContext): ProductRecord {
  const parent = ctx.state.products.get(idParam(ctx, 'productId'));
  if (!parent || parent.type === 'variation') throw invalidProduct();
  return parent;
}

function listVariations(ctx: WooRestContext): WooResult {
  const parent = parentOf(ctx);
  const errors = new ParamErrors();
  const params = parseCollectionParams(ctx.query, { orderby: ORDERBY, defaultOrderby: 'date', defaultOrder: 'desc' }, errors);
  const sku = phpScalar(ctx.query, 'sku');
  errors.throwIfAny();
  let variations = ctx.state.variationsOf(parent).filter((v) => v.status !== 'trash' && (!sku || v.sku === sku));
  if (params.include) variations = variations.filter((v) => params.include!.includes(v.id));
  if (params.exclude) variations = variations.filter((v) => !params.exclude!.includes(v.id));
  variations = sortBy(variations, sortKey(params.orderby, params.include ?? []), params.order);
  const page = pageOf(variations, params, `${restBase(ctx.view)}/products/${parent.id}/variations`, ctx.rawQuery);
  return { status: 200, body: page.rows.map((v) => variationJson(ctx.view, v, parent)), headers: page.headers };
}

function getVariation(ctx: WooRestContext): WooResult {
  const parent = parentOf(ctx);
  const variation = ctx.state.products.get(idParam(ctx));
  if (!variation || variation.parentId !== parent.id) throw invalidVariation();
  return { status: 200, body: variationJson(ctx.view, variation, parent) };
}

export const productRoutes: Array<[string[], string, WooRoute]> = [
  [['GET'], '/wc/v3/products', { action: 'list', handler: list }],
  [['GET'], '/wc/v3/products/:id', { action: 'view', handler: get }],
  [['GET'], '/wc/v3/products/:productId/variations', { action: 'list', handler: listVariations }],
  [['GET'], '/wc/v3/products/:productId/variations/:id', { action: 'view', handler: getVariation }],
];
