import type { ItemMatch } from '@connector/accounting';
import type { ZohoItem } from '@connector/zoho-books';

/**
 * Whether `match` would move a product's link to another item on its name alone. That is refused
 * while the linked item still exists in Zoho (the caller checks): names repeat in a store (a
 * variation is named like its parent and its siblings), and the link was made by an order or a
 * person knowing more than the name. A SKU match may move it: SKUs are unique on both sides.
 */
export function movesLinkByNameOnly(linkedItemId: string, match: ItemMatch<ZohoItem>): boolean {
  return match.matchedBy === 'name' && linkedItemId !== match.item.item_id;
}
