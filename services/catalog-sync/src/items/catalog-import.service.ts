import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PermanentError } from '@connector/common';
import type { SyncCatalogReply, SyncCatalogRequest } from '@connector/contracts';
import { DecisionAudit, StoreClients, ZohoCallLog, ZohoClientFactory } from '@connector/platform';
import { ConnectionEntity, ConnectionStore, isUuid, withAdvisoryLock } from '@connector/persistence';
import { ItemIdentity, resourceIdOf } from './item-identity';
import { ItemLink, ItemLinksRepository, linkKey } from './item-links.repository';
import { movesLinkByNameOnly } from './name-match';
import { distinctFromSiblings } from './sibling-variations';
import { storeCatalog } from './store-catalog';
import { classifyZohoFailure } from './zoho-failures';
import { ZohoItemIndex } from './zoho-item-index';

/**
 * An import pages through the whole catalogue, so it waits out a per-minute block (a 429 asks for
 * up to a minute) rather than fail and start over; a longer block (the daily quota) fails it.
 */
const IMPORT_MAX_BLOCKED_WAIT_MS = 2 * 60_000;

interface Tally {
  products: number;
  matched: number;
  unmatched: number;
}

/**
 * Resolves a store's whole catalogue up front: every product and variation (REST v3, 100 per
 * page) against every Zoho item (200 per page, paced by the shared rate limiter), SKU first, then
 * name. Matches are linked, except that a name alone never moves a link whose item still exists;
 * the rest are stored without an item so they show as unmapped, and get one on their first
 * order. Nothing is created in Zoho here.
 */
@Injectable()
export class CatalogImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: ConnectionStore,
    private readonly links: ItemLinksRepository,
    private readonly zohoClients: ZohoClientFactory,
    private readonly storeClients: StoreClients,
    private readonly audit: DecisionAudit,
  ) {}

  async sync(request: SyncCatalogRequest): Promise<SyncCatalogReply> {
    const connectionId = request?.connectionId;
    if (typeof connectionId !== 'string' || !isUuid(connectionId)) throw new PermanentError('catalog sync needs a connection id (UUID)');
    const connection = await this.connections.find(connectionId);
    if (!connection) throw new PermanentError(`Connection ${connectionId} does not exist`);
    // One import per connection at a time; a second request while one runs is told to retry.
    return withAdvisoryLock(this.dataSource, `catalog:${connectionId}`, () => this.run(connection), { waitMs: 1_000 });
  }

  private async run(connection: ConnectionEntity): Promise<SyncCatalogReply> {
    const calls = new ZohoCallLog();
    const tally: Tally = { products: 0, matched: 0, unmatched: 0 };
    const context = { connectionId: connection.id, resourceId: null, calls };
    try {
      const zoho = await this.zohoClients.forConnection(connection.id, calls.record, { maxBlockedWaitMs: IMPORT_MAX_BLOCKED_WAIT_MS });
      // Links written after this moment may point at items the listing below cannot have seen.
      const listedAt = await this.databaseNow();
      const items = await ZohoItemIndex.load(zoho);
      const links = await this.links.all(connection.id);
      for await (const identity of storeCatalog(this.storeClients.forConnection(connection))) {
        tally.products++;
        const mapped = await this.resolve(connection.id, identity, items, links.get(linkKey(identity.productId, identity.variationId)), listedAt);
        if (mapped) tally.matched++;
        else tally.unmatched++;
      }
      await this.audit.record({
        ...context,
        action: 'sync-catalog',
        outcome: 'ok',
        message: `${tally.products} products and variations: ${tally.matched} mapped, ${tally.unmatched} unmapped (${items.size} Zoho items)`,
        detail: { ...tally, zohoItems: items.size },
      });
      return tally;
    } catch (error) {
      const classified = classifyZohoFailure(error);
      await this.audit.failure({ ...context, action: 'sync-catalog', detail: { ...tally } }, classified);
      throw classified;
    }
  }

  /** Links one product or variation if Zoho has its item; true when it has an item afterwards. */
  private async resolve(connectionId: string, listed: ItemIdentity, items: ZohoItemIndex, existing: ItemLink | undefined, listedAt: Date): Promise<boolean> {
    const identity = await distinctFromSiblings(this.links, connectionId, listed);
    const decide = (action: string, outcome: 'ok' | 'skipped', message: string, detail: Record<string, unknown> = {}) =>
      this.audit.record({ connectionId, resourceId: resourceIdOf(identity), action, outcome, message, detail: { sku: identity.sku ?? null, name: identity.name, ...detail } });

    if (existing?.pinned) {
      await this.links.saveDetails(connectionId, identity);
      await decide('use-pinned-link', 'ok', `pinned to Zoho item ${existing.zohoItemId}`);
      return existing.zohoItemId !== null;
    }
    const match = items.match(identity);
    const linked = existing?.zohoItemId;
    if (match && linked && movesLinkByNameOnly(linked, match) && items.has(linked)) {
      await this.links.saveDetails(connectionId, identity);
      await decide('keep-link', 'ok', `keeps Zoho item ${linked}; Zoho item ${match.item.item_id} only has the same name`, { nameMatch: match.item.item_id });
      return true;
    }
    if (match) {
      const link = await this.links.saveLink(connectionId, identity, match.item.item_id, match.matchedBy);
      await decide('match-item', 'ok', `Zoho item ${link.zohoItemId} by ${match.matchedBy}${match.ambiguous ? ' (several fitted; the first active one was taken)' : ''}`, { matchedBy: match.matchedBy, ambiguous: match.ambiguous });
      return true;
    }
    if (existing?.zohoItemId && !items.has(existing.zohoItemId) && (await this.links.clearMissingItem(connectionId, identity, existing.zohoItemId, listedAt))) {
      await this.links.saveDetails(connectionId, identity);
      await decide('unmapped', 'skipped', `its Zoho item ${existing.zohoItemId} no longer exists; a new one is created on its first order`);
      return false;
    }
    // An order may have linked it meanwhile (or earlier, to an item found by a search this index cannot repeat).
    const current = await this.links.saveDetails(connectionId, identity);
    if (current.zohoItemId) {
      await decide('keep-link', 'ok', `no item with this SKU or name; keeps Zoho item ${current.zohoItemId} (${current.matchedBy})`);
      return true;
    }
    await decide('unmapped', 'skipped', 'no Zoho item with this SKU or name; one is created on its first order');
    return false;
  }

  private async databaseNow(): Promise<Date> {
    const [{ now }] = await this.dataSource.query('SELECT now() AS now');
    return new Date(now);
  }
}
