import { PermanentError } from '@connector/common';
import type { ItemMatch } from '@connector/accounting';
import type { ZohoItem } from '@connector/zoho-books';
import { ItemIdentity, withDistinctName } from './item-identity';
import type { ZohoItemIndex } from './zoho-item-index';

/** What the live create of an item the search did not find comes to: an existing item linked, or a new one. */
export type PlannedCreate = { found: ItemMatch<ZohoItem>; identity: ItemIdentity } | { found?: undefined; identity: ItemIdentity };

/**
 * Replay dry run: what ItemResolverService.create would end with for an identity the search did
 * not find, judged on every item of the organization (`index`) instead of by trying the create.
 * Zoho refuses a create whose SKU or name an item holds; the live run then links the item holding
 * the SKU (invisible to a `search_text` that does not cover SKUs) or, for a name held by an item
 * with another SKU, creates the item under a distinct name. A name that cannot be made distinct
 * fails the live run with Zoho's refusal, so it fails the dry run too.
 */
export function plannedCreate(index: ZohoItemIndex, identity: ItemIdentity): PlannedCreate {
  const found = index.match(identity);
  if (found) return { found, identity };
  if (!index.hasName(identity.name)) return { identity };
  const distinct = withDistinctName(identity);
  if (!distinct) {
    throw new PermanentError(`Zoho would refuse to create item "${identity.name}": an item with another SKU has that name, and no distinct name is left for it`);
  }
  return plannedCreate(index, distinct);
}
