import { cleanSku, cleanText, ItemKey, itemFromProduct, skuKey, truncateText, ZOHO_FIELD_LIMITS } from '@connector/accounting';
import { PermanentError } from '@connector/common';
import type { ItemRequestLine, WooProduct, WooVariation } from '@connector/contracts';

export type ItemKind = ItemRequestLine['kind'];

/**
 * One sellable thing of a connection, as the mapping knows it: the (product, variation) row of
 * `item_links` plus the SKU and clean Zoho name used to find or create its item.
 */
export interface ItemIdentity extends ItemKey {
  kind: ItemKind;
}

/**
 * The synthetic items every connection has once: product ids -1, -2 and -3 in `item_links`. Their
 * names are fixed (Zoho item names are unique, so an owner's existing "Shipping" item is reused).
 * `refund` books what a credit note's refund lines don't explain (an amount-only refund).
 */
export const SYNTHETIC_ITEMS = {
  shipping: { productId: -1, name: 'Shipping' },
  fee: { productId: -2, name: 'Fees' },
  refund: { productId: -3, name: 'Refunds' },
} as const;

const NAME_LIMIT = ZOHO_FIELD_LIMITS.itemName;

/** A clean item name: markup decoded, whitespace collapsed, within Zoho's 100 characters. */
export function itemName(raw: unknown): string {
  return cleanText(raw, { maxLength: NAME_LIMIT, html: true });
}

/**
 * Product id 0 is a line whose product was deleted from the store: it still needs an item (found
 * by SKU or name) but has no row of its own in the mapping.
 */
export function isDeletedProduct(identity: ItemIdentity): boolean {
  return identity.kind === 'product' && identity.productId === 0;
}

/** The identity an order line asks for; synthetic lines get their fixed id and name whatever was sent. */
export function identityOfLine(line: ItemRequestLine): ItemIdentity {
  if (typeof line !== 'object' || line === null || typeof line.key !== 'string') {
    throw new PermanentError('every ensure-items line needs a string key');
  }
  if (line.kind === 'shipping' || line.kind === 'fee' || line.kind === 'refund') {
    const synthetic = SYNTHETIC_ITEMS[line.kind];
    return { kind: line.kind, productId: synthetic.productId, variationId: 0, name: synthetic.name };
  }
  if (line.kind !== 'product') throw new PermanentError(`line ${line.key}: unknown kind ${JSON.stringify(line.kind)}`);
  const variationId = line.variationId ?? 0;
  if (!Number.isSafeInteger(line.productId) || line.productId < 0 || !Number.isSafeInteger(variationId) || variationId < 0) {
    throw new PermanentError(`line ${line.key}: ${line.productId}/${variationId} is not a store product/variation id`);
  }
  const name = itemName(line.name);
  const sku = cleanSku(line.sku);
  if (!name && !sku) throw new PermanentError(`line ${line.key}: product ${line.productId} has neither a name nor a SKU`);
  return {
    kind: 'product',
    productId: line.productId,
    variationId,
    sku,
    name: name || sku!,
  };
}

/**
 * The same identity under a name no other item holds. Zoho item names are unique, yet two
 * products can share one: variations named like their parent (WooCommerce does that beyond two
 * attributes) or two products with different SKUs. Those are distinct items, so the later one
 * is told apart by its SKU, or else by its variation id.
 */
export function withDistinctName(identity: ItemIdentity): ItemIdentity | undefined {
  const suffix = identity.sku ? ` (SKU ${identity.sku})` : identity.variationId > 0 ? ` (variation ${identity.variationId})` : undefined;
  if (!suffix) return undefined;
  // A long SKU must not crowd out the product name entirely.
  const tail = truncateText(suffix, Math.floor(NAME_LIMIT / 2));
  if (identity.name.endsWith(tail)) return undefined;
  return { ...identity, name: `${truncateText(identity.name, NAME_LIMIT - tail.length)}${tail}` };
}

/** What makes two lines of one request the same item (deleted products have only SKU and name). */
export function sameItemKey(identity: ItemIdentity): string {
  return isDeletedProduct(identity) ? `deleted:${identity.sku ?? ''}:${identity.name}` : `${identity.productId}:${identity.variationId}`;
}

/** Audit resource id: the product id, or `product:variation` for a variation. */
export function resourceIdOf(identity: Pick<ItemIdentity, 'productId' | 'variationId'>): string {
  return identity.variationId > 0 ? `${identity.productId}:${identity.variationId}` : String(identity.productId);
}

/**
 * Advisory-lock key: everything that could become the same Zoho item (same SKU, or same name
 * when there is no SKU; SKUs differing only in case are one SKU) resolves one at a time, so
 * concurrent orders create it once.
 */
export function itemLockKey(connectionId: string, identity: ItemIdentity): string {
  return identity.sku
    ? `item:${connectionId}:sku:${skuKey(identity.sku)}`
    : `item:${connectionId}:name:${identity.name.normalize('NFC').toLowerCase()}`;
}

/** A store product, or a variation of `parent`, as the mapping knows it (names as `itemFromProduct` makes them). */
export function identityOfProduct(product: WooProduct | WooVariation, parent?: WooProduct): ItemIdentity {
  // Only the name and SKU are used; neutral prices keep one malformed price from failing a catalogue.
  const payload = itemFromProduct({ ...product, price: '0', regular_price: '0' }, parent);
  const variationOf = parent?.id ?? variationParentId(product);
  return {
    kind: 'product',
    productId: variationOf ?? product.id,
    variationId: variationOf ? product.id : 0,
    sku: payload.sku,
    name: payload.name || payload.sku || `Product ${product.id}`,
  };
}

/** A variation fetched through `/products/{id}` (as webhooks deliver it) says so by type and parent. */
function variationParentId(product: WooProduct | WooVariation): number | undefined {
  const { type, parent_id: parentId } = product as Partial<WooProduct>;
  return type === 'variation' && typeof parentId === 'number' && parentId > 0 ? parentId : undefined;
}

/** Variable and grouped products are never sold themselves (their variations and children are). */
export function isSellable(product: WooProduct): boolean {
  return product.type !== 'variable' && product.type !== 'grouped';
}
