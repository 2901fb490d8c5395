import { ItemMatch, matchItem } from '@connector/accounting';
import { ZohoNotFoundError, type ZohoBooksClient, type ZohoItem } from '@connector/zoho-books';
import type { ItemIdentity } from './item-identity';
import { ZohoItemIndex } from './zoho-item-index';

/**
 * Finds the Zoho item for an identity with as few calls as possible. Books has no SKU filter
 * (specs/zoho-books.md §4), so the SKU goes through `search_text` and every hit is verified by
 * `matchItem` (search_text is a contains search over name and description, and perhaps SKU);
 * the exact-name lookup follows only when the SKU found nothing.
 */
export async function searchZohoItem(zoho: ZohoBooksClient, identity: ItemIdentity): Promise<ItemMatch<ZohoItem> | undefined> {
  const candidates = new Map<string, ZohoItem>();
  if (identity.sku) {
    for (const item of await zoho.searchItems(identity.sku)) candidates.set(item.item_id, item);
    const bySku = matchItem([...candidates.values()], identity);
    if (bySku?.matchedBy === 'sku') return bySku;
  }
  for (const item of await zoho.findItemsByName(identity.name)) candidates.set(item.item_id, item);
  return matchItem([...candidates.values()], identity);
}

/**
 * What Zoho holds of an identity's SKU and name, looked up after Zoho refused to create its item:
 * the item to link, or else whether another item (one with another SKU) holds the name.
 */
export type RefusedCreateLookup = { found: ItemMatch<ZohoItem> } | { found?: undefined; nameTaken: boolean };

/**
 * Who holds the SKU or name Zoho refused. The cheap search first (it finds an item another worker
 * made meanwhile), then every item of the organization: an item holding the SKU under another
 * name is invisible to the name lookup, and to `search_text` when that does not cover SKUs.
 */
export async function lookUpAfterRefusedCreate(zoho: ZohoBooksClient, identity: ItemIdentity): Promise<RefusedCreateLookup> {
  const found = await searchZohoItem(zoho, identity);
  if (found) return { found };
  const index = await ZohoItemIndex.load(zoho);
  const match = index.match(identity);
  return match ? { found: match } : { nameTaken: index.hasName(identity.name) };
}

/**
 * Whether the item a link points at still carries the identity's SKU (compared as `matchItem`
 * does, ignoring case). One GET keeps a correct SKU link of a product renamed in the store, which
 * a search may not find again: `search_text` need not cover SKUs.
 */
export async function linkedItemHasSku(zoho: ZohoBooksClient, itemId: string, identity: ItemIdentity): Promise<boolean> {
  if (!identity.sku) return false;
  const item = await itemInZoho(zoho, itemId);
  return item !== undefined && matchItem([item], identity)?.matchedBy === 'sku';
}

/** The item as Zoho holds it, or undefined when it is gone (deleted in Books: "not found"). */
export async function itemInZoho(zoho: ZohoBooksClient, itemId: string): Promise<ZohoItem | undefined> {
  try {
    return await zoho.getItem(itemId);
  } catch (error) {
    if (error instanceof ZohoNotFoundError) return undefined;
    throw error;
  }
}
