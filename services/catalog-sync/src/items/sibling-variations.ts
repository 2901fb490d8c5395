import { ItemIdentity, withDistinctName } from './item-identity';
import type { ItemLinksRepository } from './item-links.repository';

/**
 * The identity a variation is matched, linked or created under. WooCommerce names a variation
 * exactly like its parent when it has 3 or more attributes (or 2, one of them a two-word name),
 * and such variations often have no SKU: one named like a sibling that is already known is told
 * apart by its variation id, so it never takes the sibling's item. Orders, the catalogue import
 * and product events all go through here, so they agree on which variation holds the plain name.
 */
export async function distinctFromSiblings(links: ItemLinksRepository, connectionId: string, identity: ItemIdentity): Promise<ItemIdentity> {
  if (identity.variationId === 0 || identity.sku) return identity;
  if (!(await links.siblingHasName(connectionId, identity))) return identity;
  return withDistinctName(identity) ?? identity;
}
