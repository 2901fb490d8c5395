import { Inject, Injectable } from '@nestjs/common';
import { PermanentError } from '@connector/common';
import { isWooErrorBody, WooProduct } from '@connector/contracts';
import { givesUp, type InboundEvent } from '@connector/messaging';
import { AuditDecision, DecisionAudit, PLATFORM_CONFIG, retrySettings, ZohoCallLog, ZohoClientFactory } from '@connector/platform';
import { ConnectionStore, KeyedAdvisoryLocks } from '@connector/persistence';
import type { CatalogSyncConfig } from '../catalog-sync.config';
import { identityOfProduct, ItemIdentity, itemLockKey, isSellable, resourceIdOf } from './item-identity';
import { ItemLink, ItemLinksRepository } from './item-links.repository';
import { movesLinkByNameOnly } from './name-match';
import { distinctFromSiblings } from './sibling-variations';
import { classifyZohoFailure } from './zoho-failures';
import { itemInZoho, linkedItemHasSku, searchZohoItem } from './zoho-item-search';

type Outcome = Pick<AuditDecision, 'action' | 'outcome' | 'message' | 'detail'>;

/**
 * Keeps a product's link current when the store reports a change: its SKU and name are stored,
 * and its item is resolved again (SKU, then name) when those changed or it has none; an item
 * linked before is kept while it still has the product's SKU, and is never replaced by one that
 * only has the product's name while it still exists. Missing items are not created
 * here; the product's first order does that, as for the catalogue import.
 */
@Injectable()
export class ProductRefreshService {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly links: ItemLinksRepository,
    private readonly locks: KeyedAdvisoryLocks,
    private readonly zohoClients: ZohoClientFactory,
    private readonly audit: DecisionAudit,
    @Inject(PLATFORM_CONFIG) private readonly config: CatalogSyncConfig,
  ) {}

  async handle(event: InboundEvent): Promise<void> {
    const body = event.body as Partial<WooProduct> | undefined;
    const productId = typeof body?.id === 'number' ? body.id : null;
    const note = (outcome: Outcome, resourceId = productId === null ? null : String(productId), calls?: ZohoCallLog) =>
      this.audit.record({ connectionId: event.connectionId, resourceId, streamSeq: event.seq, correlationId: event.correlationId, calls, ...outcome });

    if (!(await this.connections.find(event.connectionId))) {
      return note({ action: 'skip', outcome: 'skipped', message: 'the connection no longer exists' });
    }
    if (isWooErrorBody(body)) {
      return note({ action: 'skip', outcome: 'skipped', message: `WooCommerce could not build the product payload: ${body.message} (${body.code})` });
    }
    if (productId === null) throw new PermanentError(`the ${event.topic} delivery is not a WooCommerce product (no numeric id)`);
    if (event.event === 'deleted') {
      return note({ action: 'skip', outcome: 'skipped', message: 'product moved to the trash in the store; its link stays for past orders' });
    }
    const product = body as WooProduct;
    if (!isSellable(product)) {
      return note({ action: 'skip', outcome: 'skipped', message: `a ${product.type} product is not sold itself; its variations or children have their own items` });
    }

    const identity = identityOfProduct(product);
    const calls = new ZohoCallLog();
    const resourceId = resourceIdOf(identity);
    try {
      const outcome = await this.locks.withLock(itemLockKey(event.connectionId, identity), () => this.refresh(event.connectionId, identity, calls));
      await note(outcome, resourceId, calls);
    } catch (error) {
      const classified = classifyZohoFailure(error);
      await this.audit.failure({ connectionId: event.connectionId, resourceId, streamSeq: event.seq, correlationId: event.correlationId, calls, action: 'refresh-link' }, classified, { lastAttempt: givesUp(classified, event, retrySettings(this.config)) });
      throw classified;
    }
  }

  private async refresh(connectionId: string, listed: ItemIdentity, calls: ZohoCallLog): Promise<Outcome> {
    const before = await this.links.find(connectionId, listed.productId, listed.variationId);
    const identity = await distinctFromSiblings(this.links, connectionId, listed);
    const stored = await this.links.saveDetails(connectionId, identity);
    const detail = { sku: identity.sku ?? null, name: identity.name, previous: before ? { sku: before.sku, name: before.name, itemId: before.zohoItemId } : null };
    if (stored.pinned) {
      return { action: 'use-pinned-link', outcome: 'ok', message: `SKU and name stored; pinned to Zoho item ${stored.zohoItemId}`, detail };
    }
    if (stored.zohoItemId && before && unchanged(before, identity)) {
      return { action: 'refresh-link', outcome: 'ok', message: `SKU and name unchanged; still Zoho item ${stored.zohoItemId}`, detail };
    }
    if (identity.sku) {
      const shared = await this.links.itemOfOtherProductWithSku(connectionId, { ...identity, sku: identity.sku });
      if (shared) return this.linked(connectionId, identity, shared, 'sku', `another product with SKU ${identity.sku} uses it`, detail);
    }
    const zoho = await this.zohoClients.forConnection(connectionId, calls.record);
    const found = await searchZohoItem(zoho, identity);
    if (found && stored.zohoItemId && movesLinkByNameOnly(stored.zohoItemId, found) && (await itemInZoho(zoho, stored.zohoItemId))) {
      return { action: 'refresh-link', outcome: 'ok', message: `keeps Zoho item ${stored.zohoItemId}; Zoho item ${found.item.item_id} only has the same name`, detail };
    }
    if (found) return this.linked(connectionId, identity, found.item.item_id, found.matchedBy, `found in Zoho by ${found.matchedBy}`, detail);
    if (stored.zohoItemId && stored.matchedBy === 'created') {
      return { action: 'refresh-link', outcome: 'ok', message: `no other Zoho item fits; keeps the item created for it (${stored.zohoItemId})`, detail };
    }
    // A product renamed in the store: the search may not see its item's SKU, the item itself does.
    if (stored.zohoItemId && (await linkedItemHasSku(zoho, stored.zohoItemId, identity))) {
      return { action: 'refresh-link', outcome: 'ok', message: `keeps Zoho item ${stored.zohoItemId}, which still has SKU ${identity.sku}`, detail };
    }
    await this.links.clearMatch(connectionId, identity.productId, identity.variationId);
    return { action: 'unmapped', outcome: 'skipped', message: 'no Zoho item with this SKU or name; one is created on its first order', detail };
  }

  private async linked(connectionId: string, identity: ItemIdentity, itemId: string, matchedBy: 'sku' | 'name', reason: string, detail: object): Promise<Outcome> {
    const link = await this.links.saveLink(connectionId, identity, itemId, matchedBy);
    return { action: 'match-item', outcome: 'ok', message: `linked to Zoho item ${link.zohoItemId} (${reason})`, detail: { ...detail, matchedBy } };
  }
}

function unchanged(link: ItemLink, identity: ItemIdentity): boolean {
  return (link.sku ?? undefined) === identity.sku && link.name === identity.name;
}
