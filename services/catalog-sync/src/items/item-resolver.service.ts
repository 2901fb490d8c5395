import { Injectable } from '@nestjs/common';
import { PermanentError } from '@connector/common';
import { sameSku } from '@connector/accounting';
import { EnsureItemsReply, EnsureItemsRequest, ItemRequestLine, RefusedRecordState } from '@connector/contracts';
import { DecisionAudit, ZohoCallLog, ZohoClientFactory } from '@connector/platform';
import { ConnectionStore, isUuid, ItemMatch as LinkMatch, KeyedAdvisoryLocks } from '@connector/persistence';
import type { ZohoBooksClient } from '@connector/zoho-books';
import { identityOfLine, isDeletedProduct, ItemIdentity, itemLockKey, resourceIdOf, sameItemKey, withDistinctName } from './item-identity';
import { ItemLink, ItemLinksRepository } from './item-links.repository';
import { newItemPayload } from './new-item-payload';
import { plannedCreate } from './planned-create';
import { distinctFromSiblings } from './sibling-variations';
import { classifyZohoFailure, isRecordRefusal } from './zoho-failures';
import { ZohoItemIndex } from './zoho-item-index';
import { itemInZoho, lookUpAfterRefusedCreate, searchZohoItem } from './zoho-item-search';

type Source = EnsureItemsReply['items'][string]['source'];

interface Resolution {
  itemId: string;
  source: Source;
  /** The identity the item was found or created under (its name may have been made distinct). */
  identity: ItemIdentity;
  reason: string;
  /** Dry run only: the live call would create this item. */
  wouldCreate?: boolean;
}

const ACTIONS: Record<Source, string> = {
  link: 'use-link',
  pinned: 'use-pinned-link',
  sku: 'match-item',
  name: 'match-item',
  created: 'create-item',
};

/**
 * The Zoho item for each order line: the stored link when there is one (no Zoho call; a pinned
 * link always wins), else, under a lock on the SKU (or name), another product's link with the same
 * SKU, then Zoho by SKU, then by name, and only then a new item. Zoho refusing the create may mean
 * the SKU or name is taken (by an item made meanwhile, or one with our SKU under another name that
 * the search cannot see): what holds them is looked up and linked, whatever Zoho's words. Items Zoho
 * refused in a document (`refusedItemIds`) are checked first: links to one deleted there are
 * forgotten, so its lines go through the search again.
 */
/** How long a dry run's copy of an organization's items is used (see dryRunItemIndex). */
const DRY_RUN_INDEX_TTL_MS = 10 * 60_000;

@Injectable()
export class ItemResolverService {
  private readonly dryRunIndexes = new Map<string, { at: number; index: Promise<ZohoItemIndex> }>();

  constructor(
    private readonly connections: ConnectionStore,
    private readonly links: ItemLinksRepository,
    private readonly locks: KeyedAdvisoryLocks,
    private readonly zohoClients: ZohoClientFactory,
    private readonly audit: DecisionAudit,
  ) {}

  async ensureItems(request: EnsureItemsRequest): Promise<EnsureItemsReply> {
    const connectionId = request?.connectionId;
    if (typeof connectionId !== 'string' || !isUuid(connectionId) || !Array.isArray(request.lines)) {
      throw new PermanentError('ensure-items needs a connection id (UUID) and a list of lines');
    }
    if (!(await this.connections.find(connectionId))) throw new PermanentError(`Connection ${connectionId} does not exist`);
    // A dry run reads what is linked and never forgets a link, so it has nothing to check.
    const refused = request.dryRun ? undefined : await this.checkRefusedItems(connectionId, request);

    const items: EnsureItemsReply['items'] = {};
    // Lines of one order may repeat a product; each product is resolved once per request.
    const done = new Map<string, Resolution>();
    const itemIndex = (zoho: ZohoBooksClient) => this.dryRunItemIndex(connectionId, zoho);
    for (const line of request.lines) {
      const identity = identityOfLine(line);
      const key = sameItemKey(identity);
      const resolution =
        done.get(key) ??
        (request.dryRun ? await this.lookUp(connectionId, identity, itemIndex) : await this.resolve(connectionId, identity, line, request.correlationId ?? null));
      done.set(key, resolution);
      items[line.key] = {
        itemId: resolution.itemId,
        source: resolution.source,
        ...(resolution.wouldCreate ? { wouldCreate: true, name: resolution.identity.name } : {}),
      };
    }
    return refused ? { items, refused } : { items };
  }

  private async checkRefusedItems(connectionId: string, request: EnsureItemsRequest): Promise<EnsureItemsReply['refused']> {
    const itemIds = request.refusedItemIds;
    if (itemIds === undefined) return undefined;
    if (!Array.isArray(itemIds) || !itemIds.every((id) => typeof id === 'string' && /^\d{1,30}$/.test(id))) {
      throw new PermanentError('refusedItemIds must be a list of Zoho item ids');
    }
    const lines = request.lines.map(identityOfLine);
    const refused: NonNullable<EnsureItemsReply['refused']> = [];
    for (const itemId of new Set(itemIds)) {
      refused.push({ itemId, state: await this.checkRefusedItem(connectionId, itemId, lines, request.correlationId ?? null) });
    }
    return refused;
  }

  /**
   * Asks Zoho for an item it refused. One deleted there (it allows that while no transaction
   * uses the item) is forgotten by every link that was not pinned. A pinned one that a line
   * resolves to stops the request: a person chose that item, so a person chooses its successor.
   */
  private async checkRefusedItem(connectionId: string, itemId: string, lines: ItemIdentity[], correlationId: string | null): Promise<RefusedRecordState> {
    const calls = new ZohoCallLog();
    // The entry is about a Zoho item, which may stand for several products (or none).
    const context = { connectionId, resourceId: null, correlationId, calls };
    try {
      const zoho = await this.zohoClients.forConnection(connectionId, calls.record);
      const item = await itemInZoho(zoho, itemId);
      if (item) {
        const state = item.status === 'inactive' ? 'inactive' : 'active';
        await this.audit.record({
          ...context,
          action: 'check-refused-item',
          outcome: 'ok',
          message: `Zoho item ${itemId} still exists (${state}); its links are kept`,
          detail: { itemId, state },
        });
        return state;
      }
      const pinned = (await this.links.pinnedTo(connectionId, itemId)).filter((link) => lines.some((line) => resolvesTo(line, link)));
      if (pinned.length > 0) throw new PermanentError(pinned.map((link) => pinnedToDeletedItem(connectionId, link, itemId)).join('; '));
      const cleared = await this.links.clearDeletedItem(connectionId, itemId);
      await this.audit.record({
        ...context,
        action: 'check-refused-item',
        outcome: 'ok',
        message: `Zoho item ${itemId} no longer exists (deleted there); cleared ${cleared} link${cleared === 1 ? '' : 's'} to it`,
        detail: { itemId, state: 'gone', clearedLinks: cleared },
      });
      return 'gone';
    } catch (error) {
      const classified = classifyZohoFailure(error);
      await this.audit.failure({ ...context, action: 'check-refused-item', detail: { itemId } }, classified);
      throw classified;
    }
  }

  private async resolve(connectionId: string, identity: ItemIdentity, line: ItemRequestLine, correlationId: string | null): Promise<Resolution> {
    const calls = new ZohoCallLog();
    const context = { connectionId, resourceId: resourceIdOf(identity), correlationId, calls };
    try {
      const known = await this.storedLink(connectionId, identity);
      const resolution = known?.zohoItemId
        ? { itemId: known.zohoItemId, source: known.pinned ? 'pinned' : 'link', identity, reason: 'stored link' } satisfies Resolution
        : await this.locks.withLock(itemLockKey(connectionId, identity), () => this.resolveLocked(connectionId, identity, line, calls));
      await this.audit.record({
        ...context,
        action: ACTIONS[resolution.source],
        outcome: 'ok',
        message: `${describe(resolution.identity)} → Zoho item ${resolution.itemId} (${resolution.reason})`,
        detail: { lineKey: line.key, source: resolution.source, itemId: resolution.itemId, sku: resolution.identity.sku ?? null, name: resolution.identity.name },
      });
      return resolution;
    } catch (error) {
      const classified = classifyZohoFailure(error);
      await this.audit.failure({ ...context, action: 'resolve-item', detail: { lineKey: line.key, sku: identity.sku ?? null, name: identity.name } }, classified);
      throw classified;
    }
  }

  /**
   * Replay dry run: the item the live call would use, found the same way (stored link, another
   * product's SKU, Zoho by SKU then name, and what a refused create would find: see plannedCreate)
   * but never created, linked or recorded. Only Zoho reads.
   */
  /**
   * The organization's items for dry runs, read only when a search found nothing, and kept for
   * DRY_RUN_INDEX_TTL_MS: a replay's dry run asks once per event, and listing every item each time
   * would spend the organization's quota (a page of 200 per call) many times over. A dry run
   * creates nothing, so a copy some minutes old predicts as well; a failed read is not kept.
   */
  private dryRunItemIndex(connectionId: string, zoho: ZohoBooksClient): Promise<ZohoItemIndex> {
    const now = Date.now();
    for (const [key, kept] of this.dryRunIndexes) if (now - kept.at > DRY_RUN_INDEX_TTL_MS) this.dryRunIndexes.delete(key);
    const kept = this.dryRunIndexes.get(connectionId);
    if (kept) return kept.index;
    const index = ZohoItemIndex.load(zoho);
    this.dryRunIndexes.set(connectionId, { at: now, index });
    index.catch(() => this.dryRunIndexes.delete(connectionId));
    return index;
  }

  private async lookUp(connectionId: string, requested: ItemIdentity, itemIndex: (zoho: ZohoBooksClient) => Promise<ZohoItemIndex>): Promise<Resolution> {
    try {
      const known = await this.storedLink(connectionId, requested);
      if (known?.zohoItemId) return { itemId: known.zohoItemId, source: known.pinned ? 'pinned' : 'link', identity: requested, reason: 'stored link' };
      const identity = await distinctFromSiblings(this.links, connectionId, requested);
      const shared = identity.sku ? await this.links.itemOfOtherProductWithSku(connectionId, { ...identity, sku: identity.sku }) : undefined;
      if (shared) return { itemId: shared, source: 'sku', identity, reason: `another product with SKU ${identity.sku} uses it` };
      const zoho = await this.zohoClients.forConnection(connectionId, new ZohoCallLog().record);
      const found = await searchZohoItem(zoho, identity);
      if (found) return { itemId: found.item.item_id, source: sourceOf(found.matchedBy), identity, reason: `found in Zoho by ${found.matchedBy}` };
      const planned = plannedCreate(await itemIndex(zoho), identity);
      if (planned.found) {
        const { item, matchedBy } = planned.found;
        return { itemId: item.item_id, source: sourceOf(matchedBy), identity: planned.identity, reason: `Zoho would refuse to create it; the existing item found by ${matchedBy} would be linked` };
      }
      return { itemId: '', source: 'created', identity: planned.identity, reason: 'not in Zoho yet', wouldCreate: true };
    } catch (error) {
      throw classifyZohoFailure(error);
    }
  }

  /** Runs under the item lock: whatever another worker linked meanwhile is found first. */
  private async resolveLocked(connectionId: string, requested: ItemIdentity, line: ItemRequestLine, calls: ZohoCallLog): Promise<Resolution> {
    const linked = await this.storedLink(connectionId, requested);
    if (linked?.zohoItemId) {
      return { itemId: linked.zohoItemId, source: linked.pinned ? 'pinned' : 'link', identity: requested, reason: 'linked meanwhile by another worker' };
    }
    const identity = await distinctFromSiblings(this.links, connectionId, requested);
    if (identity.sku) {
      const shared = await this.links.itemOfOtherProductWithSku(connectionId, { ...identity, sku: identity.sku });
      if (shared) return this.link(connectionId, identity, shared, 'sku', `another product with SKU ${identity.sku} uses it`);
    }
    const zoho = await this.zohoClients.forConnection(connectionId, calls.record);
    const found = await searchZohoItem(zoho, identity);
    if (found) return this.link(connectionId, identity, found.item.item_id, found.matchedBy, `found in Zoho by ${found.matchedBy}`);
    return this.create(zoho, connectionId, identity, line);
  }

  private async create(zoho: ZohoBooksClient, connectionId: string, identity: ItemIdentity, line: ItemRequestLine): Promise<Resolution> {
    try {
      const item = await zoho.createItem(newItemPayload(identity, line));
      return this.link(connectionId, identity, item.item_id, 'created', 'not in Zoho yet; created');
    } catch (error) {
      if (!isRecordRefusal(error)) throw error;
      // Zoho's code and words for a taken SKU or name are undocumented: what Zoho holds decides.
      const lookup = await lookUpAfterRefusedCreate(zoho, identity);
      if (lookup.found) {
        const { item, matchedBy } = lookup.found;
        return this.link(connectionId, identity, item.item_id, matchedBy, `Zoho refused to create it; linked the existing item found by ${matchedBy}`);
      }
      // The name belongs to an item with another SKU: a different product, so a distinct name.
      const distinct = lookup.nameTaken ? withDistinctName(identity) : undefined;
      // Otherwise the refusal is not about a taken SKU or name (or the distinct name is taken too): Zoho's own words say why.
      if (!distinct) throw error;
      return this.create(zoho, connectionId, distinct, line);
    }
  }

  private storedLink(connectionId: string, identity: ItemIdentity) {
    return isDeletedProduct(identity) ? Promise.resolve(undefined) : this.links.find(connectionId, identity.productId, identity.variationId);
  }

  private async link(connectionId: string, identity: ItemIdentity, itemId: string, matchedBy: LinkMatch, reason: string): Promise<Resolution> {
    if (isDeletedProduct(identity)) return { itemId, source: sourceOf(matchedBy), identity, reason: `${reason}; not stored (product deleted from the store)` };
    const stored = await this.links.saveLink(connectionId, identity, itemId, matchedBy);
    if (stored.pinned && stored.zohoItemId) {
      // A person pinned the product while we searched: their choice stands.
      return { itemId: stored.zohoItemId, source: 'pinned', identity, reason: 'pinned meanwhile' };
    }
    return { itemId, source: sourceOf(matchedBy), identity, reason };
  }
}

function sourceOf(matchedBy: LinkMatch): Source {
  return matchedBy === 'pinned' ? 'pinned' : matchedBy;
}

/** Whether a line uses a pinned link: its own, or another product's with its SKU. */
function resolvesTo(line: ItemIdentity, link: ItemLink): boolean {
  return (line.productId === link.productId && line.variationId === link.variationId) || sameSku(line.sku, link.sku);
}

/** Says what to do in the words of the CLI (the admin API's `PUT …/products/{productId}` and `DELETE …/pin` do the same). */
function pinnedToDeletedItem(connectionId: string, link: ItemLink, itemId: string): string {
  const product = describe({ ...link, kind: 'product', sku: link.sku ?? undefined });
  const variation = link.variationId > 0 ? ` --variation ${link.variationId}` : '';
  return (
    `${product} is pinned to Zoho item ${itemId}, which no longer exists in Zoho (deleted there); ` +
    `pin it to another item (connector products pin ${connectionId} ${link.productId} <zohoItemId>${variation}) ` +
    `or unpin it to have it matched again (connector products unpin ${connectionId} ${link.productId}${variation})`
  );
}

function describe(identity: ItemIdentity): string {
  if (identity.kind !== 'product') return `synthetic item "${identity.name}"`;
  const variation = identity.variationId > 0 ? ` variation ${identity.variationId}` : '';
  const sku = identity.sku ? ` SKU ${identity.sku}` : '';
  return `product ${identity.productId}${variation}${sku} "${identity.name}"`;
}
