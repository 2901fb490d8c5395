import type { WooLineItem, WooProduct, WooVariation } from '@connector/contracts';
import { formatAttributes, visibleLineAttributes, type LineAttribute } from './line-attributes';
import { Decimal } from './money/decimal';
import { cleanText, truncateText } from './text/zoho-text';
import { ZOHO_FIELD_LIMITS } from './text/zoho-field-limits';
import type { ZohoItemPayload } from './zoho-payloads';

/*
 * WooCommerce products and order lines → Zoho Books items.
 *
 * Every variation is an item of its own (a red and a blue shirt are sold, stocked and reported
 * separately). Items are found by SKU first, then by name; the name must therefore tell
 * variations apart even when WooCommerce's own line name does not (variations with more than two
 * attributes are named like their parent) and even after truncation to Zoho's 100 characters.
 */

/** What identifies the item an order line sells. */
export interface ItemKey {
  /** Trimmed SKU; undefined when the product has none (or was deleted). */
  sku?: string;
  /** The Zoho item name: clean, at most 100 characters, distinct per variation. */
  name: string;
  productId: number;
  /** 0 for products that are not variations. */
  variationId: number;
}

/** An existing Zoho item, as listed by GET /items. */
export interface ZohoItemCandidate {
  item_id: string;
  name: string;
  sku?: string | null;
  status?: string;
}

export interface ItemMatch<T extends ZohoItemCandidate> {
  item: T;
  matchedBy: 'sku' | 'name';
  /** More than one item fitted equally well; the first (active first) was taken. */
  ambiguous: boolean;
}

const NAME_LIMIT = ZOHO_FIELD_LIMITS.itemName;

/** Normalises a SKU the same way everywhere it is stored or compared. */
export function cleanSku(sku: string | null | undefined): string | undefined {
  const cleaned = cleanText(sku, { maxLength: ZOHO_FIELD_LIMITS.itemSku });
  return cleaned === '' ? undefined : cleaned;
}

/**
 * `stem` + `distinguishing` within the limit, shortening the stem first: the part that tells
 * variations apart must survive truncation, or two variations would become one item.
 */
function fitName(stem: string, distinguishing: string): string {
  if (stem.length + distinguishing.length <= NAME_LIMIT) return `${stem}${distinguishing}`;
  const tail = truncateText(distinguishing, Math.floor(NAME_LIMIT / 2));
  return `${truncateText(stem, NAME_LIMIT - tail.length)}${tail}`;
}

function mentionsAnyValue(name: string, attributes: readonly LineAttribute[]): boolean {
  const lowerName = name.toLowerCase();
  return attributes.some((attribute) => lowerName.includes(attribute.value.toLowerCase()));
}

/** The item name of an order line; see the file comment for why variations get special care. */
function lineItemName(line: WooLineItem): string {
  const name = cleanText(line.name, { maxLength: 10_000, html: true });
  if (!line.variation_id) return truncateText(name, NAME_LIMIT);
  const parent = cleanText(line.parent_name, { maxLength: 10_000, html: true });
  const attributes = visibleLineAttributes(line.meta_data);
  if (parent !== '' && name !== parent && name.startsWith(parent)) {
    return fitName(parent, name.slice(parent.length));
  }
  if (attributes.length > 0 && !mentionsAnyValue(name, attributes)) {
    return fitName(name, ` \u2013 ${formatAttributes(attributes)}`);
  }
  if (attributes.length === 0 && (parent === '' || parent === name)) {
    return fitName(name, ` (variation ${line.variation_id})`);
  }
  return truncateText(name, NAME_LIMIT);
}

/** A line whose name is empty after cleaning still needs one: Zoho items and lines require it. */
function fallbackName(line: WooLineItem, sku: string | undefined): string {
  if (sku) return truncateText(sku, NAME_LIMIT);
  return line.variation_id ? `Product ${line.product_id} variation ${line.variation_id}` : `Product ${line.product_id}`;
}

export function itemKeyForLine(line: WooLineItem): ItemKey {
  const sku = cleanSku(line.sku);
  return {
    sku,
    name: lineItemName(line) || fallbackName(line, sku),
    productId: line.product_id,
    variationId: line.variation_id ?? 0,
  };
}

/** The unit price before discounts, excluding tax, at the currency's decimals. */
function lineUnitPrice(line: WooLineItem, currencyDecimals: number): Decimal {
  if (line.quantity > 0) return Decimal.parse(line.subtotal).div(Decimal.fromNumber(line.quantity), currencyDecimals, 'half-away-from-zero');
  return Decimal.fromNumber(line.price).roundHalfAwayFromZero(currencyDecimals);
}

function withOptional(payload: ZohoItemPayload, description: string, sku: string | undefined): ZohoItemPayload {
  return { ...payload, ...(description ? { description } : {}), ...(sku ? { sku } : {}) };
}

/** A Zoho item for a line whose product has no item yet. No default tax: the invoice line sets it. */
export function itemFromLine(line: WooLineItem, currencyDecimals: number): ZohoItemPayload {
  const key = itemKeyForLine(line);
  const description = cleanText(formatAttributes(visibleLineAttributes(line.meta_data)), {
    maxLength: ZOHO_FIELD_LIMITS.itemDescription,
  });
  return withOptional(
    { name: key.name, rate: lineUnitPrice(line, currencyDecimals).toNumber(), product_type: 'goods' },
    description,
    key.sku,
  );
}

function isVariation(product: WooProduct | WooVariation): product is WooVariation {
  return !Array.isArray((product as Partial<WooProduct>).variations);
}

/**
 * A variation's name when the API gives none: WooCommerce's own title format for up to two
 * attributes (`Parent - Black, M`), so catalogue items and order lines meet by name; with more
 * attributes, WooCommerce names the variation like its parent, so the labelled attributes are added.
 */
function variationName(variation: WooVariation, parent: WooProduct | undefined): string {
  const parentName = cleanText(parent?.name, { maxLength: 10_000, html: true });
  const stem = parentName || (variation.parent_id ? `Product ${variation.parent_id}` : `Variation ${variation.id}`);
  const attributes = variation.attributes.map((attribute) => ({
    name: cleanText(attribute.name, { maxLength: 200, html: true }),
    value: cleanText(attribute.option, { maxLength: 200, html: true }),
  }));
  if (attributes.length === 0) return fitName(stem, ` (variation ${variation.id})`);
  if (attributes.length <= 2) return fitName(stem, ` - ${attributes.map((attribute) => attribute.value).join(', ')}`);
  return fitName(stem, ` \u2013 ${formatAttributes(attributes)}`);
}

function catalogueRate(product: WooProduct | WooVariation): number {
  // The regular price is the item's list price; a sale price is temporary and arrives on each order.
  const price = product.regular_price || product.price || '0';
  return Decimal.parse(price).toNumber();
}

/** A Zoho item for a catalogue product or variation (pre-sync before the first order arrives). */
export function itemFromProduct(product: WooProduct | WooVariation, parent?: WooProduct): ZohoItemPayload {
  if (isVariation(product)) {
    const name = product.name
      ? truncateText(cleanText(product.name, { maxLength: 10_000, html: true }), NAME_LIMIT)
      : variationName(product, parent);
    const description = cleanText(product.description, { maxLength: ZOHO_FIELD_LIMITS.itemDescription, html: true, multiline: true });
    return withOptional({ name, rate: catalogueRate(product), product_type: 'goods' }, description, cleanSku(product.sku));
  }
  const name = cleanText(product.name, { maxLength: NAME_LIMIT, html: true });
  const description = cleanText(product.short_description || product.description, {
    maxLength: ZOHO_FIELD_LIMITS.itemDescription,
    html: true,
    multiline: true,
  });
  return withOptional({ name, rate: catalogueRate(product), product_type: 'goods' }, description, cleanSku(product.sku));
}

function comparableName(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

/**
 * The form SKUs are compared in: trimmed and case-folded (`toLowerCase` is locale-independent).
 * Zoho refuses an item whose SKU differs from another's only in case, and WooCommerce's SKU
 * uniqueness ignores case too, so "MUG-1" and "mug-1" are one SKU on both sides.
 */
export function skuKey(sku: string | null | undefined): string {
  return (sku ?? '').normalize('NFC').trim().toLowerCase();
}

/** Whether two SKUs are the same SKU (see `skuKey`); no SKU matches nothing. */
export function sameSku(a: string | null | undefined, b: string | null | undefined): boolean {
  const key = skuKey(a);
  return key !== '' && key === skuKey(b);
}

/**
 * The best of equally found items: an active one first, then (for SKUs) one whose SKU has the
 * exact case asked for. Ambiguous when more than one is equally good.
 */
function bestMatch<T extends ZohoItemCandidate>(matches: readonly T[], matchedBy: 'sku' | 'name', exactSku?: string): ItemMatch<T> | undefined {
  if (matches.length === 0) return undefined;
  const active = matches.filter((item) => (item.status ?? 'active') === 'active');
  const fitting = active.length > 0 ? active : matches;
  const exact = exactSku === undefined ? [] : fitting.filter((item) => (item.sku ?? '').trim() === exactSku);
  const pool = exact.length > 0 ? exact : fitting;
  return { item: pool[0], matchedBy, ambiguous: pool.length > 1 };
}

/**
 * Finds the Zoho item for a key: by SKU (trimmed, ignoring case — see `skuKey` — with the exact
 * case preferred), else by name (exact, case-insensitive). A name match is refused when the item
 * carries a different SKU: two products that happen to share a name are still two products.
 */
export function matchItem<T extends ZohoItemCandidate>(candidates: readonly T[], key: ItemKey): ItemMatch<T> | undefined {
  const sku = key.sku?.trim();
  if (sku) {
    const bySku = bestMatch(candidates.filter((item) => sameSku(item.sku, sku)), 'sku', sku);
    if (bySku) return bySku;
  }
  const name = comparableName(key.name);
  return bestMatch(
    candidates.filter((item) => {
      if (comparableName(item.name) !== name) return false;
      return !sku || skuKey(item.sku) === '' || sameSku(item.sku, sku);
    }),
    'name',
  );
}
