import { Injectable } from '@nestjs/common';
import { normalizeEmail } from '@connector/accounting';
import { PermanentError } from '@connector/common';
import { EnsureContactReply, EnsureContactRequest } from '@connector/contracts';
import { ConnectionEntity, ConnectionStore, isUuid, KeyedAdvisoryLocks } from '@connector/persistence';
import { ContactLink, ContactLinksRepository } from './contact-links.repository';
import { contactLockKey } from './contact-lock-key';
import { newContactFromOrder } from './order-contact';
import { OrganizationCurrencies } from './organization-currencies';
import { ZohoContacts } from './zoho-contacts';
import { classifyZohoFailure } from './zoho-failures';
import { DecisionAudit, ZohoCallLog } from '@connector/platform';

interface Resolution extends EnsureContactReply {
  reason: string;
}

const ACTIONS: Record<EnsureContactReply['source'], string> = {
  link: 'use-link',
  email: 'match-contact',
  created: 'create-contact',
};

/**
 * The Zoho contact for an order's customer, for invoice-sync. A stored link answers at once with
 * no Zoho call (a registered customer's own contact first, then the billing email's). Otherwise,
 * under the email's lock: the link again (another worker may just have made it), Zoho by email,
 * and only then a new contact from the order's billing details. An existing contact is not
 * changed here: customer events own its details.
 */
@Injectable()
export class ContactResolverService {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly links: ContactLinksRepository,
    private readonly locks: KeyedAdvisoryLocks,
    private readonly zohoContacts: ZohoContacts,
    private readonly currencies: OrganizationCurrencies,
    private readonly audit: DecisionAudit,
  ) {}

  async ensureContact(request: EnsureContactRequest): Promise<EnsureContactReply> {
    const connection = await this.connectionOf(request);
    const email = normalizeEmail(request.email || request.billing.email);
    if (request.dryRun) return this.lookUp(connection, request, email);
    const customerId = request.customerId;
    const calls = new ZohoCallLog();
    const context = { connectionId: connection.id, resourceId: customerId > 0 ? String(customerId) : email || null, correlationId: request.correlationId ?? null, calls };
    try {
      const known = await this.storedLink(connection.id, customerId, email);
      const resolution = known
        ? fromLink(known, customerId > 0 && known.wooCustomerId === customerId ? "the customer's stored link" : 'stored link of the email')
        : await this.locks.withLock(contactLockKey(connection.id, requireEmail(email)), () => this.resolveLocked(connection, request, email, calls));
      await this.audit.record({
        ...context,
        action: ACTIONS[resolution.source],
        outcome: 'ok',
        message: `${email || `customer ${customerId}`} → Zoho contact "${resolution.contactName}" (${resolution.contactId}): ${resolution.reason}`,
        detail: { email, customerId, contactId: resolution.contactId, source: resolution.source },
      });
      return { contactId: resolution.contactId, contactName: resolution.contactName, source: resolution.source };
    } catch (error) {
      const classified = classifyZohoFailure(error);
      await this.audit.failure({ ...context, action: 'ensure-contact', detail: { email, customerId } }, classified);
      throw classified;
    }
  }

  /**
   * Replay dry run: the contact the live call would use, found the same way (stored link, then
   * Zoho by email) but without creating, linking or recording anything.
   */
  private async lookUp(connection: ConnectionEntity, request: EnsureContactRequest, email: string): Promise<EnsureContactReply> {
    try {
      const known = await this.storedLink(connection.id, request.customerId, email);
      if (known) return { contactId: known.zohoContactId, contactName: known.contactName, source: 'link' };
      const zoho = await this.zohoContacts.clientFor(connection, new ZohoCallLog());
      const found = await this.zohoContacts.findByEmail(zoho, requireEmail(email));
      if (found) return { contactId: found.contact_id, contactName: found.contact_name, source: 'email' };
      return { contactId: '', contactName: newContactFromOrder(request, email).contact_name, source: 'created', wouldCreate: true };
    } catch (error) {
      throw classifyZohoFailure(error);
    }
  }

  private async connectionOf(request: EnsureContactRequest): Promise<ConnectionEntity> {
    const valid =
      typeof request?.connectionId === 'string' && isUuid(request.connectionId) &&
      Number.isSafeInteger(request.customerId) && request.customerId >= 0 &&
      typeof request.billing === 'object' && request.billing !== null;
    if (!valid) throw new PermanentError('ensure-contact needs a connection id (UUID), a customer id (0 for guests) and the billing details');
    const connection = await this.connections.find(request.connectionId);
    if (!connection) throw new PermanentError(`Connection ${request.connectionId} does not exist`);
    return connection;
  }

  /** A registered customer's own contact wins over the billing email's (they may differ). */
  private async storedLink(connectionId: string, customerId: number, email: string): Promise<ContactLink | undefined> {
    const [ofCustomer] = await this.links.findByCustomer(connectionId, customerId);
    if (ofCustomer) return ofCustomer;
    return email ? this.links.findByEmail(connectionId, email) : undefined;
  }

  /** Runs under the email's lock: whatever another worker linked meanwhile is found first. */
  private async resolveLocked(connection: ConnectionEntity, request: EnsureContactRequest, email: string, calls: ZohoCallLog): Promise<Resolution> {
    const linked = await this.storedLink(connection.id, request.customerId, email);
    if (linked) return fromLink(linked, 'linked meanwhile by another worker');

    const zoho = await this.zohoContacts.clientFor(connection, calls);
    const link = (contactId: string, contactName: string) =>
      this.links.save(connection.id, { email, wooCustomerId: request.customerId, zohoContactId: contactId, contactName });

    const found = await this.zohoContacts.findByEmail(zoho, email);
    if (found) {
      await link(found.contact_id, found.contact_name);
      return { contactId: found.contact_id, contactName: found.contact_name, source: 'email', reason: 'found in Zoho by email; linked' };
    }
    const currencyId = await this.currencies.currencyIdFor(zoho, connection.id, request.currency);
    const payload = { ...newContactFromOrder(request, email), ...(currencyId ? { currency_id: currencyId } : {}) };
    const { contact, how } = await this.zohoContacts.create(zoho, payload, email);
    await link(contact.contact_id, contact.contact_name);
    return how === 'created'
      ? { contactId: contact.contact_id, contactName: contact.contact_name, source: 'created', reason: 'not in Zoho yet; created from the billing details' }
      : { contactId: contact.contact_id, contactName: contact.contact_name, source: 'email', reason: 'Zoho already had a contact with this name and email; linked' };
  }
}

function fromLink(link: ContactLink, reason: string): Resolution {
  return { contactId: link.zohoContactId, contactName: link.contactName, source: 'link', reason };
}

/** Without an email nothing identifies a guest, and a contact made anyway would be a new one per order. */
function requireEmail(email: string): string {
  if (!email) {
    throw new PermanentError(
      'the order has no billing email, so its customer cannot be matched to a Zoho contact; add the email to the order in WooCommerce',
      { code: 'email_missing' },
    );
  }
  return email;
}
