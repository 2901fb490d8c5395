import { MigrationInterface, QueryRunner } from 'typeorm';

/** Connections, their cached Zoho tokens, dead letters and the per-service audit trail. */
export class Platform1764000000000 implements MigrationInterface {
  name = 'Platform1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        status text NOT NULL DEFAULT 'active',
        status_reason text,
        store_url text NOT NULL,
        woo_credentials text NOT NULL,
        webhook_secret text NOT NULL,
        zoho_accounts_url text NOT NULL,
        zoho_credentials text NOT NULL,
        zoho_organization_id text,
        zoho_api_domain text,
        settings jsonb NOT NULL DEFAULT '{}'::jsonb,
        last_ping jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE zoho_tokens (
        connection_id uuid PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
        access_token text NOT NULL,
        api_domain text NOT NULL,
        expires_at timestamptz NOT NULL,
        minted_at jsonb NOT NULL DEFAULT '[]'::jsonb,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE dead_letters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        consumer text NOT NULL,
        stream text NOT NULL,
        stream_seq bigint NOT NULL,
        subject text NOT NULL,
        connection_id text,
        msg_id text,
        reason text NOT NULL,
        error_class text NOT NULL,
        deliveries int NOT NULL,
        status text NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX dead_letters_consumer_seq ON dead_letters (consumer, stream_seq)`);
    await q.query(`CREATE INDEX dead_letters_connection ON dead_letters (connection_id)`);
    await q.query(`
      CREATE TABLE audit_entries (
        id bigserial PRIMARY KEY,
        connection_id text NOT NULL,
        service text NOT NULL,
        stream_seq bigint,
        resource text NOT NULL,
        resource_id text,
        action text NOT NULL,
        outcome text NOT NULL,
        message text,
        detail jsonb,
        correlation_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_entries_resource ON audit_entries (connection_id, resource, resource_id)`);
    await q.query(`CREATE INDEX audit_entries_time ON audit_entries (connection_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_entries`);
    await q.query(`DROP TABLE dead_letters`);
    await q.query(`DROP TABLE zoho_tokens`);
    await q.query(`DROP TABLE connections`);
  }
}
