import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sync state: order→invoice records, contact and item links, and the shared Zoho rate limiter. */
export class Sync1764100000000 implements MigrationInterface {
  name = 'Sync1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_syncs (
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        order_id bigint NOT NULL,
        order_number text,
        state text NOT NULL,
        reason text,
        order_status text,
        invoice_id text,
        invoice_number text,
        invoice_status text,
        contact_id text,
        currency text,
        order_total numeric,
        zoho_total numeric,
        adjustment numeric,
        adjustment_reason text,
        modified_gmt text,
        content_hash text,
        stream_seqs bigint[] NOT NULL DEFAULT '{}',
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connection_id, order_id)
      )`);
    await q.query(`CREATE INDEX order_syncs_state ON order_syncs (connection_id, state)`);
    // One invoice per order, ever: no two orders may point at the same Zoho invoice either.
    await q.query(`CREATE UNIQUE INDEX order_syncs_invoice ON order_syncs (connection_id, invoice_id) WHERE invoice_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE contact_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        email text NOT NULL,
        woo_customer_id bigint NOT NULL DEFAULT 0,
        zoho_contact_id text NOT NULL,
        contact_name text NOT NULL,
        modified_gmt text,
        content_hash text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX contact_links_email ON contact_links (connection_id, email)`);
    await q.query(`CREATE INDEX contact_links_customer ON contact_links (connection_id, woo_customer_id)`);
    await q.query(`
      CREATE TABLE item_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        product_id bigint NOT NULL,
        variation_id bigint NOT NULL DEFAULT 0,
        sku text,
        name text NOT NULL,
        zoho_item_id text,
        matched_by text,
        pinned boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX item_links_product ON item_links (connection_id, product_id, variation_id)`);
    await q.query(`CREATE INDEX item_links_sku ON item_links (connection_id, sku)`);
    // Token bucket per Zoho organization, shared by every instance of every service.
    await q.query(`
      CREATE TABLE zoho_rate_limits (
        organization_key text PRIMARY KEY,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        blocked_until timestamptz,
        day date NOT NULL DEFAULT current_date,
        calls_today int NOT NULL DEFAULT 0,
        rejected_today int NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE zoho_rate_limits`);
    await q.query(`DROP TABLE item_links`);
    await q.query(`DROP TABLE contact_links`);
    await q.query(`DROP TABLE order_syncs`);
  }
}
