import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SKUs are compared ignoring case (Zoho and WooCommerce both refuse "mug-1" beside "MUG-1"), so
 * the lookup of another product's item by SKU reads `lower(sku)`: the index follows it.
 */
export class ItemLinksSkuCase1766000000000 implements MigrationInterface {
  name = 'ItemLinksSkuCase1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX item_links_sku`);
    await q.query(`CREATE INDEX item_links_sku ON item_links (connection_id, lower(sku))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX item_links_sku`);
    await q.query(`CREATE INDEX item_links_sku ON item_links (connection_id, sku)`);
  }
}
