import { Injectable } from '@nestjs/common';
import { normalizeEmail } from '@connector/accounting';
import { PermanentError } from '@connector/common';
import { ZohoApiError, ZohoBooksClient, ZohoContact, ZohoNotFoundError } from '@connector/zoho-books';
import { EnsureContactReply, EnsureContactRequest } from '@connector/contracts';
import { ConnectionEntity, ConnectionStore, isUuid, KeyedAdvisoryLocks } from '@connector/persistence';
import { ContactLink, ContactLinksRepository } from './contact-links.repository';
import { contactLockKey } from './contact-lock-key';
import { newContactFromOrder } from './order-contact';
import { describeRelease, linksAnotherCustomer, ReleasedEmails } from './released-emails';
import { WalkInContacts } from './walk-in-contacts';

import { ZohoContacts } from './zoho-contacts';
import { classifyZohoFailure } from './zoho-failures';
import { DecisionAudit, OrganizationCurrencies, ZohoCallLog } from '@connector/platform';

interface Resolution extends EnsureContactReply {
  reason: string;
}

type RefusedContact = NonNullable<EnsureContactReply['refused']>;

const ACTIONS: Record<EnsureContactReply['source'], string> = {
  link: 'use-link',
  email: 'match-contact',
  created: 'create-contact',
};

/**
 * The Zoho contact for an order's customer, for invoice-sync. A stored link answers at once with
 * no Zoho call (a registered customer's own contact first, then the billing email's). Otherwise,
 * under the email's lock: the link again (another worker may just have made it), Zoho by email,
 * and only then a new contact from the order's billing details. An order without an email goes
 * to the walk-in contact (WalkInContacts). An existing contact is not
 * changed here: customer events own its details. A contact Zoho refused a document for
 * (`refusedContactId`) is asked for first: one deleted there loses its links, so the customer's
 * contact is found or made afresh. A registered customer whose email is linked to another
 * customer is judged under the lock as the customer events judge it (ReleasedEmails): an email
 * that customer gave up gets the new holder a contact of their own.
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
    private readonly walkIn: WalkInContacts,
    private readonly releasedEmails: ReleasedEmails,
  ) {}

  async ensureContact(request: EnsureContactRequest): Promise<EnsureContactReply> {
    const connection = await this.connectionOf(request);
    const email = normalizeEmail(request.email || request.billing.email);
    if (request.dryRun) return this.lookUp(connection, request, email);
    const customerId = request.customerId;
    const calls = new ZohoCallLog();
    const context = { connectionId: connection.id, resourceId: customerId > 0 ? String(customerId) : email || null, correlationId: request.correlationId ?? null, calls };
    try {
      const refused = request.refusedContactId === undefined ? undefined : await this.checkRefused(connection, request.refusedContactId, calls);
      const known = await this.storedLink(connection.id, customerId, email);
      const resolution = known && !linksAnotherCustomer(known, customerId) && inCurrency(known.currencyCode, request.currency)
        ? fromLink(known, customerId > 0 && known.wooCustomerId === customerId ? "the customer's stored link" : 'stored link of the email')
        : !email && !known
          ? await this.walkIn.resolve(connection, request, calls)
          : await this.locks.withLock(contactLockKey(connection.id, email || known!.email), () => this.resolveLocked(connection, request, email || known!.email, calls));
      await this.audit.record({
        ...context,
        action: ACTIONS[resolution.source],
        outcome: 'ok',
        message: `${email || (customerId > 0 ? `customer ${customerId}` : 'a guest without an email')} → Zoho contact "${resolution.contactName}" (${resolution.contactId}): ` +
          `${refused ? `${refusalFinding(refused)}; ` : ''}${resolution.reason}`,
        detail: { email, customerId, contactId: resolution.contactId, source: resolution.source, currency: resolution.currencyCode, ...(refused ? { refused } : {}) },
      });
      return { contactId: resolution.contactId, contactName: resolution.contactName, source: resolution.source, currencyCode: resolution.currencyCode, ...(refused ? { refused } : {}) };
    } catch (error) {
      const classified = classifyZohoFailure(error);
      await this.audit.failure({ ...context, action: 'ensure-contact', detail: { email, customerId } }, classified);
      throw classified;
    }
  }

  /**
   * Replay dry run: the contact the live call would use, found the same way (stored link, then
   * Zoho by email, preferring the order's currency) but without creating, linking or recording
   * anything. Its currency, where known, lets the caller list a move to the order's currency.
   */
  private async lookUp(connection: ConnectionEntity, request: EnsureContactRequest, email: string): Promise<EnsureContactReply> {
    try {
      const zohoClient = () => this.zohoContacts.clientFor(connection, new ZohoCallLog());
      const stored = await this.storedLink(connection.id, request.customerId, email);
      const released = await this.releasedFor(connection.id, request.customerId, stored, email, zohoClient);
      const known = released ? undefined : stored;
      if (known) return { contactId: known.zohoContactId, contactName: known.contactName, source: 'link', ...currencyOf(known.currencyCode) };
      if (!email) return await this.walkIn.lookUp(connection, request, zohoClient);
      const zoho = await zohoClient();
      const found = await this.zohoContacts.findByEmail(zoho, email, request.currency, released?.zohoContactId);
      if (found) return { contactId: found.contact_id, contactName: found.contact_name, source: 'email', ...currencyOf(found.currency_code) };
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

  /**
   * Asks Zoho for the contact it refused a document for. One deleted there (Zoho allows that while
   * it has no transactions) is forgotten by every link to it, the walk-in one too, so the
   * resolution that follows finds or makes the customer's contact afresh. One that still exists
   * keeps its links: the refusal had another cause, and the same contact comes back.
   */
  private async checkRefused(connection: ConnectionEntity, contactId: string, calls: ZohoCallLog): Promise<RefusedContact> {
    if (typeof contactId !== 'string' || !/^\d{1,30}$/.test(contactId)) throw new PermanentError('refusedContactId must be a Zoho contact id');
    const zoho = await this.zohoContacts.clientFor(connection, calls);
    try {
      const contact = await zoho.getContact(contactId);
      return { contactId, state: contact.status === 'inactive' ? 'inactive' : 'active' };
    } catch (error) {
      if (!(error instanceof ZohoNotFoundError)) throw error;
      await this.links.forgetContact(connection.id, contactId);
      return { contactId, state: 'gone' };
    }
  }

  /**
   * A registered customer's own contact wins over the billing email's (they may differ). The
   * email's may be another customer's: `releasedFor` says whether it may be used.
   */
  private async storedLink(connectionId: string, customerId: number, email: string): Promise<ContactLink | undefined> {
    const [ofCustomer] = await this.links.findByCustomer(connectionId, customerId);
    if (ofCustomer) return ofCustomer;
    return email ? this.links.findByEmail(connectionId, email) : undefined;
  }

  /** `stored` when it is the link of an email another registered customer gave up, which is not this customer's. */
  private async releasedFor(
    connectionId: string, customerId: number, stored: ContactLink | undefined, email: string, zoho: () => Promise<ZohoBooksClient>,
  ): Promise<ContactLink | undefined> {
    if (!stored || !linksAnotherCustomer(stored, customerId)) return undefined;
    return (await this.releasedEmails.releasedFrom(connectionId, stored, email, zoho)) ? stored : undefined;
  }

  /** Runs under the email's lock: whatever another worker linked meanwhile is found first. */
  private async resolveLocked(connection: ConnectionEntity, request: EnsureContactRequest, email: string, calls: ZohoCallLog): Promise<Resolution> {
    const stored = await this.storedLink(connection.id, request.customerId, email);
    if (stored && !linksAnotherCustomer(stored, request.customerId) && inCurrency(stored.currencyCode, request.currency)) {
      return fromLink(stored, 'linked meanwhile by another worker');
    }

    const zoho = await this.zohoContacts.clientFor(connection, calls);
    const released = await this.releasedFor(connection.id, request.customerId, stored, email, async () => zoho);
    if (!released && stored && inCurrency(stored.currencyCode, request.currency)) {
      return fromLink(stored, `stored link of the email, customer ${stored.wooCustomerId}'s before, with no sign of their having moved to another email`);
    }
    if (!released) return this.matchLocked(zoho, connection, request, email, stored, undefined);
    const resolution = await this.matchLocked(zoho, connection, request, email, undefined, released);
    return {
      ...resolution,
      reason: `${resolution.reason}; ${describeRelease(released, email)}, so their contact is not used`,
    };
  }

  /**
   * The contact of a stored link not known to be in the order's currency, else Zoho's by email,
   * else a new one; `released`'s contact is another customer's and never matched.
   */
  private async matchLocked(
    zoho: ZohoBooksClient, connection: ConnectionEntity, request: EnsureContactRequest, email: string, linked: ContactLink | undefined, released: ContactLink | undefined,
  ): Promise<Resolution> {
    const except = released?.zohoContactId;
    const link = (contactId: string, contactName: string, currencyCode: string | undefined) =>
      this.links.save(connection.id, { email, wooCustomerId: request.customerId, zohoContactId: contactId, contactName, currencyCode: currencyCode ?? null });

    if (linked) {
      // The link's contact's currency is not known or not the order's: Zoho says which it is.
      const contact = await zoho.getContact(linked.zohoContactId).catch(async (error: unknown) => {
        if (!(error instanceof ZohoNotFoundError)) throw error;
        await this.links.forgetContact(connection.id, linked.zohoContactId); // deleted in Zoho by hand: matched afresh below
        return undefined;
      });
      if (contact) return this.inOrderCurrency(zoho, connection, request, { contact, reason: 'stored link', link, email, except });
    }
    const found = await this.zohoContacts.findByEmail(zoho, email, request.currency, except);
    if (found) {
      return this.inOrderCurrency(zoho, connection, request, { contact: found, source: 'email', reason: 'found in Zoho by email; linked', link, email, except });
    }
    const currencyId = await this.currencies.currencyIdFor(zoho, connection.id, request.currency);
    const payload = { ...newContactFromOrder(request, email), ...(currencyId ? { currency_id: currencyId } : {}) };
    const { contact, how } = await this.zohoContacts.create(zoho, payload, email);
    return how === 'created'
      ? this.inOrderCurrency(zoho, connection, request, { contact, source: 'created', reason: 'not in Zoho yet; created from the billing details', link, email, except })
      : this.inOrderCurrency(zoho, connection, request, { contact, source: 'email', reason: 'Zoho already had a contact with this name and email; linked', link, email, except });
  }

  /**
   * Zoho books an invoice in its contact's currency, so the contact must be in the order's: an
   * order in EUR booked to a GBP contact would put the euro amounts in the books as pounds. A
   * contact without transactions yet (typically made from the customer's sign-up, in the base
   * currency, before their first order) is moved to the order's currency; one with transactions
   * cannot be (Zoho refuses), and the order is refused with the reason instead of booked wrong.
   */
  private async inOrderCurrency(
    zoho: ZohoBooksClient, connection: ConnectionEntity, request: EnsureContactRequest,
    found: {
      contact: ZohoContact; source?: EnsureContactReply['source']; reason: string; link: (id: string, name: string, currency: string | undefined) => Promise<void>; email: string;
      /** Another customer's contact, never taken for this one. */
      except?: string;
    },
  ): Promise<Resolution> {
    const { contact, link } = found;
    const source = found.source ?? 'link';
    const current = contact.currency_code?.toUpperCase();
    const wanted = request.currency?.trim().toUpperCase();
    if (!wanted || !current || current === wanted) {
      await link(contact.contact_id, contact.contact_name, current);
      return { contactId: contact.contact_id, contactName: contact.contact_name, source, currencyCode: current, reason: found.reason };
    }
    const currency = await this.currencies.currency(zoho, connection.id, wanted);
    try {
      // The name goes along: Zoho documents it as required on a contact update.
      await zoho.updateContact(contact.contact_id, { contact_name: contact.contact_name, currency_id: currency.currency_id });
    } catch (error) {
      if (!(error instanceof ZohoApiError) || error instanceof ZohoNotFoundError || error.status >= 500) throw error;
      // The customer may have a contact in this currency too (one the owner made for it): use it.
      const other = await this.zohoContacts.findByEmail(zoho, found.email, wanted, found.except);
      if (other && other.currency_code?.toUpperCase() === wanted) {
        await link(other.contact_id, other.contact_name, wanted);
        return {
          contactId: other.contact_id,
          contactName: other.contact_name,
          source: 'email',
          currencyCode: wanted,
          reason: `${found.reason}, but "${contact.contact_name}" is in ${current} and has transactions: the customer's ${wanted} contact, found by email, is used`,
        };
      }
      throw new PermanentError(
        `the order is in ${wanted}, but its customer's Zoho contact "${contact.contact_name}" is in ${current} and already has transactions, ` +
          `so Zoho cannot book it there (an invoice takes its contact's currency) and cannot change the contact's currency (Zoho: ${error.upstreamMessage}); ` +
          `add a ${wanted} contact with the customer's email in Zoho, then retry the order`,
        { code: 'contact_currency_mismatch' },
      );
    }
    await link(contact.contact_id, contact.contact_name, wanted);
    return {
      contactId: contact.contact_id,
      contactName: contact.contact_name,
      source,
      currencyCode: wanted,
      reason: `${found.reason}; its currency changed from ${current} to ${wanted}, the order's (it had no transactions yet)`,
    };
  }
}

/** For the audit entry: what Zoho said of the contact it refused a document for. */
function refusalFinding({ contactId, state }: RefusedContact): string {
  return state === 'gone'
    ? `the contact ${contactId} a document was refused for no longer exists in Zoho (deleted there)`
    : `the contact ${contactId} a document was refused for still exists in Zoho (${state})`;
}

/** `currencyCode` for a reply, when the contact's currency is known. */
function currencyOf(code: string | null | undefined): { currencyCode?: string } {
  return code ? { currencyCode: code.toUpperCase() } : {};
}

/** Whether a link's contact is known to be in the order's currency (or the order names none). */
function inCurrency(contactCurrency: string | null, orderCurrency: string | undefined): boolean {
  const wanted = orderCurrency?.trim().toUpperCase();
  return !wanted || contactCurrency?.toUpperCase() === wanted;
}

function fromLink(link: ContactLink, reason: string): Resolution {
  return { contactId: link.zohoContactId, contactName: link.contactName, source: 'link', currencyCode: link.currencyCode ?? undefined, reason };
}
