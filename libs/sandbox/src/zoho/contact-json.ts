import { Decimal } from '../decimal/decimal';
import type { ZohoContact, ZohoContactPerson } from './books-json-types';
import type { ContactPersonRecord, ContactRecord } from './books-records';
import { money, timestamp, type BooksContext } from './books-request';
import { invoiceBalance } from './invoice-status';
import type { ZohoOrganization } from './organization';

/** Contact JSON (fixtures/zoho/contact-create-response.json) and the flattened list rows. */

export function personJson(person: ContactPersonRecord): ZohoContactPerson {
  return { ...person };
}

export function primaryPerson(contact: ContactRecord): ContactPersonRecord | undefined {
  return contact.contact_persons.find((p) => p.is_primary_contact);
}

function outstanding(org: ZohoOrganization, contactId: string): Decimal {
  let total = Decimal.ZERO;
  for (const invoice of org.invoices.values()) {
    if (invoice.customer_id === contactId && invoice.base_status === 'sent') total = total.add(invoiceBalance(invoice));
  }
  return total;
}

/** Whether the contact has any invoice, credit note or payment (void ones included). */
export function hasTransaction(org: ZohoOrganization, contactId: string): boolean {
  const of = (records: Iterable<{ customer_id: string }>) => [...records].some((record) => record.customer_id === contactId);
  return of(org.invoices.values()) || of(org.creditNotes.values()) || of(org.payments.values());
}

export function contactJson(ctx: { org: ZohoOrganization }, contact: ContactRecord): ZohoContact {
  // The org's record, not currencies.ts: a currency added over the API may have its own symbol.
  const currency = ctx.org.currency(contact.currency_id) ?? ctx.org.currencies()[0]!;
  const json: ZohoContact = {
    contact_id: contact.contact_id,
    contact_name: contact.contact_name,
    company_name: contact.company_name,
    has_transaction: hasTransaction(ctx.org, contact.contact_id),
    contact_type: contact.contact_type,
    customer_sub_type: contact.customer_sub_type,
    credit_limit: money(ctx, contact.credit_limit),
    is_portal_enabled: contact.is_portal_enabled,
    language_code: contact.language_code,
    is_linked_with_zohocrm: false,
    website: contact.website,
    primary_contact_id: primaryPerson(contact)?.contact_person_id ?? '',
    payment_terms: contact.payment_terms,
    payment_terms_label: contact.payment_terms_label,
    currency_id: contact.currency_id,
    currency_code: currency.currency_code,
    currency_symbol: currency.currency_symbol,
    outstanding_receivable_amount: money(ctx, outstanding(ctx.org, contact.contact_id)),
    unused_credits_receivable_amount: money(ctx, contact.unused_credits),
    status: contact.status,
    payment_reminder_enabled: true,
    custom_fields: contact.custom_fields,
    billing_address: { ...contact.billing_address },
    shipping_address: { ...contact.shipping_address },
    contact_persons: contact.contact_persons.map(personJson),
    notes: contact.notes,
    created_time: timestamp(ctx, contact.created_at),
    last_modified_time: timestamp(ctx, contact.modified_at),
  };
  if (contact.tax_id) json.tax_id = contact.tax_id;
  return json;
}

/** A row of GET /contacts: flattened from the primary contact person. */
export function contactRowJson(ctx: BooksContext, contact: ContactRecord): Record<string, unknown> {
  const primary = primaryPerson(contact);
  return {
    contact_id: contact.contact_id,
    contact_name: contact.contact_name,
    company_name: contact.company_name,
    contact_type: contact.contact_type,
    status: contact.status,
    payment_terms: contact.payment_terms,
    payment_terms_label: contact.payment_terms_label,
    currency_id: contact.currency_id,
    currency_code: ctx.org.currencyCodeOf(contact.currency_id),
    outstanding_receivable_amount: money(ctx, outstanding(ctx.org, contact.contact_id)),
    unused_credits_receivable_amount: money(ctx, contact.unused_credits),
    first_name: primary?.first_name ?? '',
    last_name: primary?.last_name ?? '',
    email: primary?.email ?? '',
    phone: primary?.phone ?? '',
    mobile: primary?.mobile ?? '',
    created_time: timestamp(ctx, contact.created_at),
    last_modified_time: timestamp(ctx, contact.modified_at),
  };
}

