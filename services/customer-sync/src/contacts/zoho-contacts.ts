import { Injectable } from '@nestjs/common';
import { mergeContactPersons, normalizeEmail, uniqueContactName, ZohoContactPayload } from '@connector/accounting';
import { PermanentError, ReauthorizationRequiredError } from '@connector/common';
import type { ConnectionEntity } from '@connector/persistence';
import { type ZohoCallLog, ZohoClientFactory } from '@connector/platform';
import { ZohoBooksClient, ZohoContact, ZohoContactInput, ZohoDuplicateContactNameError } from '@connector/zoho-books';
import { existingPersons } from './contact-persons';

/** Names tried before giving up: the plain name, then with the email, then numbered. */
const NAME_ATTEMPTS = 6;

export type ContactPayload = ZohoContactPayload & Pick<ZohoContactInput, 'currency_id'>;

export interface CreatedContact {
  contact: ZohoContact;
  /**
   * `created`, or `same-name-same-email`: Zoho refused the name because this very customer
   * already holds it (the email filter missed it, or an earlier create's response was lost).
   */
  how: 'created' | 'same-name-same-email';
}

/**
 * The Zoho Books side of contacts: find by email, create under a unique name, update without
 * losing contact persons. Zoho names are unique per organization but people's are not, so two
 * customers called John Smith get "John Smith" and "John Smith (john2@example.com)".
 */
@Injectable()
export class ZohoContacts {
  constructor(private readonly zohoClients: ZohoClientFactory) {}

  /** A Books client for the connection whose calls land in `calls` (for the audit trail). */
  async clientFor(connection: ConnectionEntity, calls: ZohoCallLog): Promise<ZohoBooksClient> {
    if (connection.status === 'needs_reauthorization') {
      throw new ReauthorizationRequiredError(`waiting for Zoho re-authorization of connection ${connection.id}`, { retryAfterMs: 60_000 });
    }
    return this.zohoClients.forConnection(connection.id, calls.record);
  }

  /**
   * The customer contact whose primary person has this email. Email is not unique in Books: one in
   * `currency` (the order's, when given) wins, then an active customer over an inactive one;
   * vendors never match (invoices need a customer), nor `exceptContactId` (another customer's).
   */
  async findByEmail(zoho: ZohoBooksClient, email: string, currency?: string, exceptContactId?: string): Promise<ZohoContact | undefined> {
    const customers = (await zoho.findContactsByEmail(email)).filter((contact) => contact.contact_type !== 'vendor' && contact.contact_id !== exceptContactId);
    const wanted = currency?.trim().toUpperCase();
    const inCurrency = wanted ? customers.filter((contact) => contact.currency_code?.toUpperCase() === wanted) : [];
    const active = (list: ZohoContact[]) => list.find((contact) => contact.status !== 'inactive');
    return active(inCurrency) ?? inCurrency[0] ?? active(customers) ?? customers[0];
  }

  async create(zoho: ZohoBooksClient, payload: ContactPayload, email: string): Promise<CreatedContact> {
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      const name = uniqueContactName(payload.contact_name, attempt, email);
      try {
        return { contact: await zoho.createContact({ ...payload, contact_name: name }), how: 'created' };
      } catch (error) {
        if (!(error instanceof ZohoDuplicateContactNameError)) throw error;
        const holder = await zoho.findContactByName(name);
        if (holder && holder.contact_type !== 'vendor' && normalizeEmail(holder.email) === email) {
          return { contact: holder, how: 'same-name-same-email' };
        }
      }
    }
    throw namesExhausted(payload.contact_name, email);
  }

  /**
   * Makes the contact match the payload. A PUT replaces the person list and deletes whoever it
   * leaves out, so the contact is read first and every person is sent back with its id; the
   * store's person (by email) is updated and made primary, or added as the primary one.
   */
  async update(zoho: ZohoBooksClient, contactId: string, payload: ContactPayload, email: string): Promise<ZohoContact> {
    const current = await zoho.getContact(contactId);
    const kept = existingPersons(current);
    const storePerson = payload.contact_persons[0];
    const persons = storePerson ? mergeContactPersons(kept, storePerson) : kept;
    for (const name of namesForUpdate(payload.contact_name, email, current.contact_name)) {
      try {
        return await zoho.updateContact(contactId, { ...payload, contact_name: name, contact_persons: persons });
      } catch (error) {
        if (!(error instanceof ZohoDuplicateContactNameError)) throw error;
      }
    }
    throw namesExhausted(payload.contact_name, email);
  }
}

/**
 * A contact already carrying one of the name's unique variants keeps it: asking for the plain
 * name again would only earn another 3062 on every update.
 */
function namesForUpdate(base: string, email: string, currentName: string): string[] {
  const variants = Array.from({ length: NAME_ATTEMPTS }, (_, attempt) => uniqueContactName(base, attempt, email));
  return variants.includes(currentName) ? [currentName] : variants;
}

function namesExhausted(base: string, email: string): PermanentError {
  return new PermanentError(
    `Zoho Books refused ${NAME_ATTEMPTS} variants of the contact name "${base}" for ${email} as duplicates; rename one of the contacts in Zoho, then retry`,
    { code: 'contact_name_taken' },
  );
}
