import { ItemMatch, matchItem, skuKey } from '@connector/accounting';
import type { ZohoBooksClient, ZohoItem } from '@connector/zoho-books';
import type { ItemIdentity } from './item-identity';

/**
 * Every item of a Zoho organization, indexed by SKU and by name so a catalogue of thousands of
 * products is matched without comparing each product with each item. The matching rules stay
 * those of `matchItem`, applied to the few items that share the product's SKU or name.
 */
export class ZohoItemIndex {
  private readonly bySku = new Map<string, ZohoItem[]>();
  private readonly byName = new Map<string, ZohoItem[]>();
  private readonly ids = new Set<string>();

  static async load(zoho: ZohoBooksClient): Promise<ZohoItemIndex> {
    const index = new ZohoItemIndex();
    for await (const item of zoho.listItems()) index.add(item);
    return index;
  }

  get size(): number {
    return this.ids.size;
  }

  has(itemId: string): boolean {
    return this.ids.has(itemId);
  }

  /** Whether any item has this name (Zoho item names are unique, whatever the SKU). */
  hasName(name: string): boolean {
    return this.byName.has(nameKey(name));
  }

  match(identity: ItemIdentity): ItemMatch<ZohoItem> | undefined {
    const candidates = new Set<ZohoItem>(this.byName.get(nameKey(identity.name)) ?? []);
    const sku = skuKey(identity.sku);
    for (const item of (sku && this.bySku.get(sku)) || []) candidates.add(item);
    return matchItem([...candidates], identity);
  }

  private add(item: ZohoItem): void {
    this.ids.add(item.item_id);
    // Keyed ignoring case, as `matchItem` compares SKUs (and Zoho holds them unique).
    const sku = skuKey(item.sku);
    if (sku) push(this.bySku, sku, item);
    push(this.byName, nameKey(item.name), item);
  }
}

/** The same folding `matchItem` compares names with. */
function nameKey(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

function push(map: Map<string, ZohoItem[]>, key: string, item: ZohoItem): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
