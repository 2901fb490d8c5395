import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ItemMatch } from '@connector/persistence';
import type { ItemIdentity } from './item-identity';

/** A row of `item_links` with its ids as numbers (store ids fit; bigint is for the schema's sake). */
export interface ItemLink {
  productId: number;
  variationId: number;
  sku: string | null;
  name: string;
  zohoItemId: string | null;
  matchedBy: ItemMatch | null;
  pinned: boolean;
}

interface ItemLinkRow {
  product_id: string;
  variation_id: string;
  sku: string | null;
  name: string;
  zoho_item_id: string | null;
  matched_by: ItemMatch | null;
  pinned: boolean;
}

const COLUMNS = 'product_id, variation_id, sku, name, zoho_item_id, matched_by, pinned';

/**
 * The product → Zoho item mapping of each connection. Writes never move a pinned link to another
 * item: a person chose it (through the token-service's admin API, which writes this table too).
 */
@Injectable()
export class ItemLinksRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(connectionId: string, productId: number, variationId: number): Promise<ItemLink | undefined> {
    const rows: ItemLinkRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM item_links WHERE connection_id = $1 AND product_id = $2 AND variation_id = $3`,
      [connectionId, productId, variationId],
    );
    return rows[0] && toLink(rows[0]);
  }

  /** Every link of a connection, keyed `product:variation` (catalogue import compares against them). */
  async all(connectionId: string): Promise<Map<string, ItemLink>> {
    const rows: ItemLinkRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM item_links WHERE connection_id = $1`, [connectionId]);
    return new Map(rows.map((row) => {
      const link = toLink(row);
      return [linkKey(link.productId, link.variationId), link];
    }));
  }

  /** A Zoho item another product with the identity's SKU already uses (SKUs are unique in a store, ignoring case). */
  async itemOfOtherProductWithSku(connectionId: string, identity: ItemIdentity & { sku: string }): Promise<string | undefined> {
    const rows: Array<{ zoho_item_id: string }> = await this.dataSource.query(
      `SELECT zoho_item_id FROM item_links
        WHERE connection_id = $1 AND lower(sku) = lower($2) AND zoho_item_id IS NOT NULL AND product_id > 0
          AND (product_id, variation_id) <> ($3, $4)
        ORDER BY pinned DESC, updated_at ASC LIMIT 1`,
      [connectionId, identity.sku, identity.productId, identity.variationId],
    );
    return rows[0]?.zoho_item_id;
  }

  /** Whether another variation of the same product is already known under this name. */
  async siblingHasName(connectionId: string, identity: ItemIdentity): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM item_links
        WHERE connection_id = $1 AND product_id = $2 AND variation_id <> $3 AND lower(name) = lower($4) LIMIT 1`,
      [connectionId, identity.productId, identity.variationId, identity.name],
    );
    return rows.length > 0;
  }

  /** Links the identity to an item (a pinned link keeps its item) and returns the link as stored. */
  async saveLink(connectionId: string, identity: ItemIdentity, zohoItemId: string, matchedBy: ItemMatch): Promise<ItemLink> {
    const rows: ItemLinkRow[] = await this.dataSource.query(
      `INSERT INTO item_links (connection_id, product_id, variation_id, sku, name, zoho_item_id, matched_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (connection_id, product_id, variation_id) DO UPDATE SET
         sku = EXCLUDED.sku,
         name = EXCLUDED.name,
         zoho_item_id = CASE WHEN item_links.pinned THEN item_links.zoho_item_id ELSE EXCLUDED.zoho_item_id END,
         matched_by = CASE WHEN item_links.pinned THEN item_links.matched_by ELSE EXCLUDED.matched_by END,
         updated_at = now()
       RETURNING ${COLUMNS}`,
      [connectionId, identity.productId, identity.variationId, identity.sku ?? null, identity.name, zohoItemId, matchedBy],
    );
    return toLink(rows[0]!);
  }

  /**
   * Records the product's current SKU and name, leaving its item as it is (a product without an
   * item is listed as unmapped and gets one on its first order).
   */
  async saveDetails(connectionId: string, identity: ItemIdentity): Promise<ItemLink> {
    const rows: ItemLinkRow[] = await this.dataSource.query(
      `INSERT INTO item_links (connection_id, product_id, variation_id, sku, name)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (connection_id, product_id, variation_id) DO UPDATE SET
         sku = EXCLUDED.sku, name = EXCLUDED.name, updated_at = now()
       RETURNING ${COLUMNS}`,
      [connectionId, identity.productId, identity.variationId, identity.sku ?? null, identity.name],
    );
    return toLink(rows[0]!);
  }

  /**
   * Forgets an item the Zoho listing no longer contains, unless the link changed since the
   * listing began (then it may point at an item created meanwhile). True when it was cleared.
   */
  async clearMissingItem(connectionId: string, identity: ItemIdentity, zohoItemId: string, listedAt: Date): Promise<boolean> {
    const [{ cleared }]: Array<{ cleared: number }> = await this.dataSource.query(
      `WITH cleared AS (
         UPDATE item_links SET zoho_item_id = NULL, matched_by = NULL, updated_at = now()
          WHERE connection_id = $1 AND product_id = $2 AND variation_id = $3 AND zoho_item_id = $4
            AND NOT pinned AND updated_at < $5
         RETURNING 1)
       SELECT count(*)::int AS cleared FROM cleared`,
      [connectionId, identity.productId, identity.variationId, zohoItemId, listedAt],
    );
    return cleared > 0;
  }

  /**
   * Forgets an item deleted in Zoho in every link to it, so those products are matched or created
   * afresh; pinned links keep it (see `pinnedTo`). Returns how many links were cleared.
   */
  async clearDeletedItem(connectionId: string, zohoItemId: string): Promise<number> {
    const [{ cleared }]: Array<{ cleared: number }> = await this.dataSource.query(
      `WITH cleared AS (
         UPDATE item_links SET zoho_item_id = NULL, matched_by = NULL, updated_at = now()
          WHERE connection_id = $1 AND zoho_item_id = $2 AND NOT pinned
         RETURNING 1)
       SELECT count(*)::int AS cleared FROM cleared`,
      [connectionId, zohoItemId],
    );
    return cleared;
  }

  /** The links a person pinned to an item. */
  async pinnedTo(connectionId: string, zohoItemId: string): Promise<ItemLink[]> {
    const rows: ItemLinkRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM item_links WHERE connection_id = $1 AND zoho_item_id = $2 AND pinned ORDER BY product_id, variation_id`,
      [connectionId, zohoItemId],
    );
    return rows.map(toLink);
  }

  /** Forgets a matched item that no longer fits the product (never a pinned or created one). */
  async clearMatch(connectionId: string, productId: number, variationId: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE item_links SET zoho_item_id = NULL, matched_by = NULL, updated_at = now()
        WHERE connection_id = $1 AND product_id = $2 AND variation_id = $3 AND NOT pinned AND matched_by IN ('sku', 'name')`,
      [connectionId, productId, variationId],
    );
  }
}

export function linkKey(productId: number, variationId: number): string {
  return `${productId}:${variationId}`;
}

function toLink(row: ItemLinkRow): ItemLink {
  return {
    productId: Number(row.product_id),
    variationId: Number(row.variation_id),
    sku: row.sku,
    name: row.name,
    zohoItemId: row.zoho_item_id,
    matchedBy: row.matched_by,
    pinned: row.pinned,
  };
}
