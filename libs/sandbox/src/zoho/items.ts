import { Decimal } from '../decimal/decimal';
import { BooksError, invalidValue, notAllowed, notFound } from './books-errors';
import type { ZohoItem } from './books-json-types';
import type { ItemRecord } from './books-records';
import {
  money,
  paginate,
  readArray,
  readDecimal,
  readString,
  sortOrder,
  statusFilter,
  success,
  textFilterMatches,
  timestamp,
  type BooksContext,
  type BooksResult,
} from './books-request';
import type { ZohoOrganization } from './organization';

/*
 * Items (specs/zoho-books.md §4). Names and SKUs are unique per organisation (compared
 * case-insensitively; an empty SKU never clashes): duplicates get HTTP 400 with the configurable
 * codes `duplicateItemName` / `duplicateItemSku` (default 1001). `search_text` matches name or
 * description, as documented, and SKU too unless `searchTextMatchesSku` is off (unconfirmed).
 */

const PRODUCT_TYPES = new Set(['goods', 'service', 'services', 'digital_service', 'capital_goods', 'capital_service']);
const ITEM_TYPES = new Set(['sales', 'purchases', 'sales_and_purchases', 'inventory']);

/** Zoho keeps an item an invoice refers to: it can be marked inactive, not deleted. */
export function itemInUse(org: ZohoOrganization, itemId: string): boolean {
  return [...org.invoices.values()].some((invoice) => invoice.line_items.some((line) => line.item_id === itemId));
}

export function itemJson(ctx: { org: ZohoOrganization }, item: ItemRecord): ZohoItem {
  const tax = item.tax_id ? ctx.org.resolveTax(item.tax_id) : undefined;
  return {
    item_id: item.item_id,
    name: item.name,
    status: item.status,
    description: item.description,
    rate: money(ctx, item.rate),
    unit: item.unit,
    tax_id: item.tax_id,
    tax_name: tax?.name ?? '',
    tax_percentage: tax ? tax.percentage.toNumber() : 0,
    tax_type: tax?.type ?? '',
    sku: item.sku,
    product_type: item.product_type,
    item_type: item.item_type,
    account_id: item.account_id,
    purchase_rate: money(ctx, item.purchase_rate),
    item_tax_preferences: [],
    custom_fields: item.custom_fields,
    created_time: timestamp(ctx, item.created_at),
    last_modified_time: timestamp(ctx, item.modified_at),
  };
}

function applyItemFields(ctx: BooksContext, item: ItemRecord, body: Record<string, unknown>): void {
  const name = readString(body, 'name', { max: 100 });
  if (name !== undefined) {
    if (name.trim() === '') throw invalidValue('name', 'Item name cannot be empty.');
    item.name = name;
  }
  const rate = readDecimal(body, 'rate');
  if (rate !== undefined) item.rate = rate;
  const description = readString(body, 'description', { max: 2000 });
  if (description !== undefined) item.description = description;
  const sku = readString(body, 'sku', { max: 100 });
  if (sku !== undefined) item.sku = sku;
  const unit = readString(body, 'unit', { max: 100 });
  if (unit !== undefined) item.unit = unit;
  const taxId = readString(body, 'tax_id');
  if (taxId !== undefined) {
    if (taxId !== '' && !ctx.org.resolveTax(taxId)) throw invalidValue('tax_id', `Tax ${taxId} does not exist.`);
    item.tax_id = taxId;
  }
  const productType = readString(body, 'product_type');
  if (productType !== undefined) {
    if (!PRODUCT_TYPES.has(productType)) throw invalidValue('product_type');
    item.product_type = productType;
  }
  const itemType = readString(body, 'item_type');
  if (itemType !== undefined) {
    if (!ITEM_TYPES.has(itemType)) throw invalidValue('item_type');
    item.item_type = itemType;
  }
  const accountId = readString(body, 'account_id');
  if (accountId !== undefined) item.account_id = accountId;
  const purchaseRate = readDecimal(body, 'purchase_rate');
  if (purchaseRate !== undefined) item.purchase_rate = purchaseRate;
  const customFields = readArray(body, 'custom_fields');
  if (customFields !== undefined) item.custom_fields = customFields;
}

function assertUnique(ctx: BooksContext, item: ItemRecord): void {
  for (const other of ctx.org.items.values()) {
    if (other.item_id === item.item_id) continue;
    if (other.name.trim().toLowerCase() === item.name.trim().toLowerCase()) {
      throw new BooksError(400, ctx.codes.duplicateItemName, `The item "${item.name}" already exists. Please specify a different name.`);
    }
    if (item.sku !== '' && other.sku.trim().toLowerCase() === item.sku.trim().toLowerCase()) {
      throw new BooksError(400, ctx.codes.duplicateItemSku, `The SKU "${item.sku}" is already used by the item "${other.name}". Please specify a different SKU.`);
    }
  }
}

/** `search_text` is a contains search, so callers must verify what they look for in the hits. */
function searchTextMatches(ctx: BooksContext, item: ItemRecord, search: string): boolean {
  const fields = ctx.searchTextMatchesSku ? [item.name, item.description, item.sku] : [item.name, item.description];
  return fields.some((field) => field.toLowerCase().includes(search));
}

function findItem(ctx: BooksContext): ItemRecord {
  const item = ctx.org.items.get(ctx.params.itemId ?? '');
  if (!item) throw notFound('Item');
  return item;
}

export const itemHandlers = {
  create(ctx: BooksContext): BooksResult {
    if (readString(ctx.body, 'name') === undefined) throw invalidValue('name', 'Item name is required.');
    if (readDecimal(ctx.body, 'rate') === undefined) throw invalidValue('rate', 'Rate is required.');
    const item: ItemRecord = {
      item_id: ctx.ids.next(),
      name: '',
      status: 'active',
      description: '',
      rate: Decimal.ZERO,
      unit: '',
      tax_id: '',
      sku: '',
      product_type: 'goods',
      item_type: 'sales',
      account_id: '',
      purchase_rate: Decimal.ZERO,
      custom_fields: [],
      created_at: ctx.now,
      modified_at: ctx.now,
    };
    applyItemFields(ctx, item, ctx.body);
    assertUnique(ctx, item);
    ctx.org.items.set(item.item_id, item);
    return success('The item has been added.', { item: itemJson(ctx, item) }, 201);
  },

  list(ctx: BooksContext): BooksResult {
    const q = ctx.query;
    const filterBy = statusFilter(q);
    const search = q.get('search_text')?.toLowerCase();
    const taxId = q.get('tax_id');
    let rows = [...ctx.org.items.values()].filter((item) => {
      if (filterBy === 'Status.Active' && item.status !== 'active') return false;
      if (filterBy === 'Status.Inactive' && item.status !== 'inactive') return false;
      if (!textFilterMatches(q, 'name', item.name)) return false;
      if (!textFilterMatches(q, 'description', item.description)) return false;
      if (taxId && item.tax_id !== taxId) return false;
      if (search && !searchTextMatches(ctx, item, search)) return false;
      return true;
    });
    const sortColumn = q.get('sort_column') ?? 'name';
    const direction = sortOrder(q, 'A');
    rows = rows.sort((a, b) => {
      const order = sortColumn === 'rate' ? a.rate.cmp(b.rate) : a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;
      return direction === 'A' ? order : -order;
    });
    const page = paginate(rows, q, { report_name: 'Items', sort_column: sortColumn, sort_order: direction });
    return success('success', {
      items: page.rows.map((item) => {
        const { item_tax_preferences: _prefs, ...row } = itemJson(ctx, item);
        return row;
      }),
      page_context: page.page_context,
    });
  },

  get(ctx: BooksContext): BooksResult {
    return success('success', { item: itemJson(ctx, findItem(ctx)) });
  },

  update(ctx: BooksContext): BooksResult {
    const item = findItem(ctx);
    const draft: ItemRecord = { ...item };
    applyItemFields(ctx, draft, ctx.body);
    assertUnique(ctx, draft);
    draft.modified_at = ctx.now;
    ctx.org.items.set(item.item_id, draft);
    return success('Item details have been saved.', { item: itemJson(ctx, draft) });
  },

  remove(ctx: BooksContext): BooksResult {
    const item = findItem(ctx);
    if (itemInUse(ctx.org, item.item_id)) throw notAllowed('This item has been used in transactions and cannot be deleted. You can mark it as inactive instead.');
    ctx.org.items.delete(item.item_id);
    return success('The item has been deleted.');
  },

  markActive(ctx: BooksContext): BooksResult {
    const item = findItem(ctx);
    item.status = 'active';
    item.modified_at = ctx.now;
    return success('The item has been marked as active.');
  },

  markInactive(ctx: BooksContext): BooksResult {
    const item = findItem(ctx);
    item.status = 'inactive';
    item.modified_at = ctx.now;
    return success('The item has been marked as inactive.');
  },
};
