import { Injectable } from '@nestjs/common';
import { PermanentError } from '@connector/common';
import { isWooErrorBody, WooProduct } from '@connector/contracts';
import type { InboundEvent, ReplayDryRun } from '@connector/messaging';
import { DecisionAudit, ZohoCallLog, ZohoClientFactory } from '@connector/platform';
import { ConnectionStore } from '@connector/persistence';
import { identityOfProduct, isSellable, ItemIdentity, resourceIdOf } from './item-identity';
import { ItemLink, ItemLinksRepository } from './item-links.repository';
import { movesLinkByNameOnly } from './name-match';
import { distinctFromSiblings } from './sibling-variations';
import { classifyZohoFailure } from './zoho-failures';
import { itemInZoho, linkedItemHasSku, searchZohoItem } from './zoho-item-search';

/**
 * A product event in a replay dry run. `ProductRefreshService` never writes to Zoho, only to the
 * product → item mapping, so the dry run reports the mapping change it would make (link, unlink,
 * new SKU or name), resolving the item the same way (a variation named like a sibling told apart,
 * pinned, kept, SKU of another product, Zoho by SKU then name but never a name-only match over an
 * item that still exists, kept when created for it or when it still has the SKU), and changes nothing.
 */
@Injectable()
export class ProductReplayPreview {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly links: ItemLinksRepository,
    private readonly zohoClients: ZohoClientFactory,
    private readonly audit: DecisionAudit,
  ) {}

  async handle(event: InboundEvent, dryRun: ReplayDryRun): Promise<void> {
    const body = event.body as Partial<WooProduct> | undefined;
    if (!(await this.connections.find(event.connectionId)) || isWooErrorBody(body)) return;
    if (typeof body?.id !== 'number') throw new PermanentError(`the ${event.topic} delivery is not a WooCommerce product (no numeric id)`);
    if (event.event === 'deleted' || !isSellable(body as WooProduct)) return;

    const listed = identityOfProduct(body as WooProduct);
    const key = `item:${event.connectionId}:${listed.productId}:${listed.variationId}`;
    const before = (dryRun.simulated.get(key) as ItemLink | undefined) ?? (await this.links.find(event.connectionId, listed.productId, listed.variationId));
    const identity = await distinctFromSiblings(this.links, event.connectionId, listed);
    const target = await this.itemFor(event.connectionId, identity, before).catch((error) => {
      throw classifyZohoFailure(error);
    });
    const beforeItem = before?.zohoItemId ?? null;
    const detailsChanged = !before || (before.sku ?? undefined) !== identity.sku || before.name !== identity.name;
    if (target.itemId === beforeItem && !detailsChanged) return;

    const action = target.itemId === beforeItem ? 'update-link' : target.itemId ? 'link-item' : 'unlink-item';
    const message =
      action === 'update-link'
        ? `would store SKU ${identity.sku ?? '(none)'} and name "${identity.name}"${beforeItem ? `, keeping Zoho item ${beforeItem}` : ' (still without a Zoho item)'}`
        : action === 'link-item'
          ? `would link to Zoho item ${target.itemId} (${target.reason})`
          : `would forget Zoho item ${beforeItem}: no Zoho item with this SKU or name`;
    const resourceId = resourceIdOf(identity);
    dryRun.plan({ resource: 'product', resourceId, action, message, payload: { sku: identity.sku ?? null, name: identity.name, zohoItemId: target.itemId } });
    dryRun.simulated.set(key, {
      productId: identity.productId, variationId: identity.variationId, sku: identity.sku ?? null, name: identity.name,
      zohoItemId: target.itemId, matchedBy: target.matchedBy, pinned: before?.pinned ?? false,
    } satisfies ItemLink);
    await this.audit.record({
      connectionId: event.connectionId, resourceId, streamSeq: event.seq, correlationId: event.correlationId,
      action, outcome: 'dry-run', message, detail: { replayId: dryRun.replayId, sku: identity.sku ?? null, name: identity.name, previousItemId: beforeItem },
    });
  }

  /** The item the refresh would leave the product linked to (null: unmapped). */
  private async itemFor(connectionId: string, identity: ItemIdentity, before: ItemLink | undefined): Promise<{ itemId: string | null; matchedBy: ItemLink['matchedBy']; reason: string }> {
    if (before?.pinned) return { itemId: before.zohoItemId, matchedBy: before.matchedBy, reason: 'pinned' };
    const unchanged = before && (before.sku ?? undefined) === identity.sku && before.name === identity.name;
    if (before?.zohoItemId && unchanged) return { itemId: before.zohoItemId, matchedBy: before.matchedBy, reason: 'unchanged' };
    const shared = identity.sku ? await this.links.itemOfOtherProductWithSku(connectionId, { ...identity, sku: identity.sku }) : undefined;
    if (shared) return { itemId: shared, matchedBy: 'sku', reason: `another product with SKU ${identity.sku} uses it` };
    const zoho = await this.zohoClients.forConnection(connectionId, new ZohoCallLog().record);
    const found = await searchZohoItem(zoho, identity);
    if (found && before?.zohoItemId && movesLinkByNameOnly(before.zohoItemId, found) && (await itemInZoho(zoho, before.zohoItemId))) {
      return { itemId: before.zohoItemId, matchedBy: before.matchedBy, reason: `Zoho item ${found.item.item_id} only has the same name` };
    }
    if (found) return { itemId: found.item.item_id, matchedBy: found.matchedBy, reason: `found in Zoho by ${found.matchedBy}` };
    if (before?.zohoItemId && before.matchedBy === 'created') return { itemId: before.zohoItemId, matchedBy: 'created', reason: 'the item created for it' };
    if (before?.zohoItemId && (await linkedItemHasSku(zoho, before.zohoItemId, identity))) {
      return { itemId: before.zohoItemId, matchedBy: before.matchedBy, reason: `its Zoho item still has SKU ${identity.sku}` };
    }
    // A match by SKU or name that no longer fits is cleared; anything else stays as it was.
    const cleared = before?.matchedBy === 'sku' || before?.matchedBy === 'name';
    return { itemId: cleared ? null : (before?.zohoItemId ?? null), matchedBy: cleared ? null : (before?.matchedBy ?? null), reason: 'no Zoho item with this SKU or name' };
  }
}
