import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Zoho contact has one currency and its invoices take it, so the link remembers the contact's
 * currency: an order in another currency is caught before it is booked to the contact. Links made
 * before this are NULL (not known yet): their contact is read once, on the next order.
 */
export class ContactCurrency1765100000000 implements MigrationInterface {
  name = 'ContactCurrency1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contact_links ADD COLUMN currency_code text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contact_links DROP COLUMN currency_code`);
  }
}
