import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash of the invoice body last written to Zoho, so a snapshot that changes nothing the invoice
 * shows (a status moving to completed, a refund, order meta) costs no Zoho call. Existing rows have
 * none and are written once more, as before.
 */
export class InvoicePayloadHash1764600000000 implements MigrationInterface {
  name = 'InvoicePayloadHash1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs ADD COLUMN invoice_hash text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs DROP COLUMN invoice_hash`);
  }
}
