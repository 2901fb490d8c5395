import { ItemMatch, matchItem } from '@connector/accounting';
import type { ZohoBooksClient, ZohoItem } from '@connector/zoho-books';
import type { ItemIdentity } from './item-identity';

/**
 * Finds the Zoho item for an identity with as few calls as possible. Books has no SKU filter
 * (specs/zoho-books.md §4), so the SKU goes through `search_text` and every hit is verified by
 * `matchItem`; the exact-name lookup follows only when the SKU found nothing.
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
 * The thorough search: every item of the organization. Only used after Zoho rejected a create as
 * a duplicate that the cheap search did not see (a SKU that `search_text` does not cover).
 */
export async function scanZohoItems(zoho: ZohoBooksClient, identity: ItemIdentity): Promise<ItemMatch<ZohoItem> | undefined> {
  const all: ZohoItem[] = [];
  for await (const item of zoho.listItems()) all.push(item);
  return matchItem(all, identity);
}
