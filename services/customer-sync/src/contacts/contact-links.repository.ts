import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A row of `contact_links`: one store email of a connection and the Zoho contact it maps to. */
export interface ContactLink {
  /** Trimmed, lower-cased. */
  email: string;
  /** 0 while only guest orders are known for the email. */
  wooCustomerId: number;
  zohoContactId: string;
  contactName: string;
  /** `date_modified_gmt` of the last customer snapshot applied (null when only orders were seen). */
  modifiedGmt: string | null;
  /** Hash of the contact payload last sent for that snapshot. */
  contentHash: string | null;
  /** ISO code of the contact's currency in Zoho (its invoices take it); null until known. */
  currencyCode: string | null;
}

export type NewContactLink = Omit<ContactLink, 'modifiedGmt' | 'contentHash' | 'currencyCode'> & Partial<Pick<ContactLink, 'modifiedGmt' | 'contentHash' | 'currencyCode'>>;

interface ContactLinkRow {
  email: string;
  woo_customer_id: string;
  zoho_contact_id: string;
  contact_name: string;
  modified_gmt: string | null;
  content_hash: string | null;
  currency_code: string | null;
}

const COLUMNS = 'email, woo_customer_id, zoho_contact_id, contact_name, modified_gmt, content_hash, currency_code';

/**
 * The store email → Zoho contact mapping of each connection, so a known customer costs no Zoho
 * call. Several emails may map to one contact (a customer who changed their email keeps theirs).
 */
@Injectable()
export class ContactLinksRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByEmail(connectionId: string, email: string): Promise<ContactLink | undefined> {
    const rows: ContactLinkRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM contact_links WHERE connection_id = $1 AND email = $2`,
      [connectionId, email],
    );
    return rows[0] && toLink(rows[0]);
  }

  /** Every link of a registered customer, most recently written first. */
  async findByCustomer(connectionId: string, wooCustomerId: number): Promise<ContactLink[]> {
    if (wooCustomerId <= 0) return [];
    const rows: ContactLinkRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM contact_links WHERE connection_id = $1 AND woo_customer_id = $2 ORDER BY updated_at DESC`,
      [connectionId, wooCustomerId],
    );
    return rows.map(toLink);
  }

  /**
   * Writes the link of an email. A guest write (customer id 0) never erases a known customer id,
   * and a write without snapshot facts keeps the ones stored, unless the email passes to another
   * registered customer (the snapshot facts of one who gave the email up are not the new holder's).
   */
  async save(connectionId: string, link: NewContactLink): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO contact_links (connection_id, email, woo_customer_id, zoho_contact_id, contact_name, modified_gmt, content_hash, currency_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (connection_id, email) DO UPDATE SET
         woo_customer_id = CASE WHEN EXCLUDED.woo_customer_id > 0 THEN EXCLUDED.woo_customer_id ELSE contact_links.woo_customer_id END,
         zoho_contact_id = EXCLUDED.zoho_contact_id,
         contact_name = EXCLUDED.contact_name,
         modified_gmt = CASE WHEN EXCLUDED.woo_customer_id > 0 AND EXCLUDED.woo_customer_id <> contact_links.woo_customer_id
                             THEN EXCLUDED.modified_gmt ELSE COALESCE(EXCLUDED.modified_gmt, contact_links.modified_gmt) END,
         content_hash = CASE WHEN EXCLUDED.woo_customer_id > 0 AND EXCLUDED.woo_customer_id <> contact_links.woo_customer_id
                             THEN EXCLUDED.content_hash ELSE COALESCE(EXCLUDED.content_hash, contact_links.content_hash) END,
         -- Another contact's currency is not this one's: kept only while the contact stays the same.
         currency_code = CASE WHEN EXCLUDED.zoho_contact_id = contact_links.zoho_contact_id
                              THEN COALESCE(EXCLUDED.currency_code, contact_links.currency_code) ELSE EXCLUDED.currency_code END,
         updated_at = now()`,
      [connectionId, link.email, link.wooCustomerId, link.zohoContactId, link.contactName, link.modifiedGmt ?? null, link.contentHash ?? null, link.currencyCode ?? null],
    );
  }

  /**
   * Gives every email linked to a contact the name it now has in Zoho, so an order under a
   * customer's earlier email is answered with the contact's current name, not the one it had then.
   * `updated_at` stays: it orders a customer's links by when each was written for them.
   */
  async renameContact(connectionId: string, zohoContactId: string, contactName: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE contact_links SET contact_name = $3 WHERE connection_id = $1 AND zoho_contact_id = $2 AND contact_name <> $3`,
      [connectionId, zohoContactId, contactName],
    );
  }

  /** Forgets a contact that no longer exists in Zoho (deleted by hand), so it is looked up afresh. */
  async forgetContact(connectionId: string, zohoContactId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM contact_links WHERE connection_id = $1 AND zoho_contact_id = $2`, [connectionId, zohoContactId]);
  }
}

function toLink(row: ContactLinkRow): ContactLink {
  return {
    email: row.email,
    wooCustomerId: Number(row.woo_customer_id),
    zohoContactId: row.zoho_contact_id,
    contactName: row.contact_name,
    modifiedGmt: row.modified_gmt,
    contentHash: row.content_hash,
    currencyCode: row.currency_code,
  };
}
