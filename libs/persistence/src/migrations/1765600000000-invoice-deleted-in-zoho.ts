import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When invoice-sync found an order's invoice deleted in Zoho. Connector does not book such an
 * order again on its own (the owner may have deleted it on purpose); the record keeps the deleted
 * invoice's id and this time until the owner asks for a new invoice (`…/orders/:orderId/rebook`).
 */
export class InvoiceDeletedInZoho1765600000000 implements MigrationInterface {
  name = 'InvoiceDeletedInZoho1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs ADD COLUMN invoice_deleted_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE order_syncs DROP COLUMN invoice_deleted_at`);
  }
}
