import { Injectable } from '@nestjs/common';
import { PermanentError } from '@connector/common';
import type { EnsureContactReply, EnsureContactRequest } from '@connector/contracts';
import { ConnectionEntity, connectionSettings, KeyedAdvisoryLocks } from '@connector/persistence';
import { OrganizationCurrencies, ZohoCallLog } from '@connector/platform';
import { ZohoBooksClient, ZohoContact, ZohoDuplicateContactNameError } from '@connector/zoho-books';
import { ContactLink, ContactLinksRepository } from './contact-links.repository';
import { contactLockKey } from './contact-lock-key';
import { ZohoContacts } from './zoho-contacts';

export interface WalkInResolution extends EnsureContactReply {
  reason: string;
}

/**
 * The key a walk-in contact's link is kept under in `contact_links` (whose key is the email): one
 * per currency, as a Zoho contact has one. Never an email (no `@`), so no customer can match it.
 */
export function walkInKey(currency: string | undefined): string {
  return `walk-in:${currency?.trim().toUpperCase() || 'base'}`;
}

/** The walk-in contact's name: the setting's, with the currency after it unless it is the base one. */
export function walkInName(base: string, currency: string | undefined, isBaseCurrency: boolean): string {
  const code = currency?.trim().toUpperCase();
  return isBaseCurrency || !code ? base.trim() : `${base.trim()} (${code})`;
}

/**
 * Orders without a billing email (phone, counter and admin-made orders, point-of-sale plugins):
 * nothing identifies their customer, and a contact made per order would fill the books with
 * strangers. They are booked to one shared contact per currency, named by the connection's
 * `walkInContactName` (found in Zoho by that name, or created once), unless the connection's
 * `ordersWithoutEmail` is `fail`. The invoice's notes carry the customer's name (invoiceNotes).
 */
@Injectable()
export class WalkInContacts {
  constructor(
    private readonly links: ContactLinksRepository,
    private readonly locks: KeyedAdvisoryLocks,
    private readonly zohoContacts: ZohoContacts,
    private readonly currencies: OrganizationCurrencies,
  ) {}

  /** The walk-in contact for this order: its link at no call, else Zoho by name, else a new one. */
  async resolve(connection: ConnectionEntity, request: EnsureContactRequest, calls: ZohoCallLog): Promise<WalkInResolution> {
    const base = this.baseName(connection);
    const key = walkInKey(request.currency);
    const linked = named(await this.links.findByEmail(connection.id, key), base);
    if (linked) return fromLink(linked, 'stored link');
    return this.locks.withLock(contactLockKey(connection.id, key), async () => {
      const meanwhile = named(await this.links.findByEmail(connection.id, key), base);
      if (meanwhile) return fromLink(meanwhile, 'linked meanwhile by another worker');
      const zoho = await this.zohoContacts.clientFor(connection, calls);
      const { name, currencyId } = await this.nameFor(zoho, connection, base, request.currency);
      const found = await this.findByName(zoho, name, request.currency);
      const contact = found ?? (await this.create(zoho, name, currencyId, request.currency));
      const currencyCode = contact.currency_code?.toUpperCase() ?? request.currency?.trim().toUpperCase();
      await this.links.save(connection.id, { email: key, wooCustomerId: 0, zohoContactId: contact.contact_id, contactName: contact.contact_name, currencyCode: currencyCode ?? null });
      return {
        contactId: contact.contact_id,
        contactName: contact.contact_name,
        source: found ? 'email' : 'created',
        ...(currencyCode ? { currencyCode } : {}),
        reason: found ? 'the walk-in contact, found in Zoho by name; linked' : 'the walk-in contact, not in Zoho yet; created',
      };
    });
  }

  /** Replay dry run: the contact `resolve` would use, without creating or linking anything. */
  async lookUp(connection: ConnectionEntity, request: EnsureContactRequest, zoho: () => Promise<ZohoBooksClient>): Promise<EnsureContactReply> {
    const base = this.baseName(connection);
    const linked = named(await this.links.findByEmail(connection.id, walkInKey(request.currency)), base);
    if (linked) return { contactId: linked.zohoContactId, contactName: linked.contactName, source: 'link', ...(linked.currencyCode ? { currencyCode: linked.currencyCode } : {}) };
    const client = await zoho();
    const { name } = await this.nameFor(client, connection, base, request.currency);
    const found = await this.findByName(client, name, request.currency);
    if (found) return { contactId: found.contact_id, contactName: found.contact_name, source: 'email', ...(found.currency_code ? { currencyCode: found.currency_code.toUpperCase() } : {}) };
    return { contactId: '', contactName: name, source: 'created', wouldCreate: true };
  }

  private baseName(connection: ConnectionEntity): string {
    const settings = connectionSettings(connection);
    if (settings.ordersWithoutEmail === 'fail') {
      throw new PermanentError(
        'the order has no billing email, so its customer cannot be matched to a Zoho contact (settings.ordersWithoutEmail is fail); ' +
          'add the email to the order in WooCommerce, or set ordersWithoutEmail to walk-in to book such orders to one shared contact, then retry',
        { code: 'email_missing' },
      );
    }
    return settings.walkInContactName;
  }

  private async nameFor(zoho: ZohoBooksClient, connection: ConnectionEntity, base: string, currency: string | undefined) {
    const currencyId = await this.currencies.currencyIdFor(zoho, connection.id, currency);
    return { name: walkInName(base, currency, currencyId === undefined), currencyId };
  }

  /**
   * A customer contact of this name (the owner may have made one). One in another currency cannot
   * take the order's invoice, and its name is taken: the owner has to rename one of them.
   */
  private async findByName(zoho: ZohoBooksClient, name: string, currency: string | undefined): Promise<ZohoContact | undefined> {
    const found = await zoho.findContactByName(name);
    if (!found) return undefined;
    const wanted = currency?.trim().toUpperCase();
    const held = found.currency_code?.toUpperCase();
    if (found.contact_type === 'vendor' || (wanted && held && held !== wanted)) {
      throw new PermanentError(
        `the order has no billing email, so it is booked to the walk-in contact "${name}", but that name belongs to a ` +
          `${found.contact_type === 'vendor' ? 'vendor' : `${held} contact`} in Zoho; rename it, or change settings.walkInContactName, then retry`,
        { code: 'walk_in_contact_taken' },
      );
    }
    return found;
  }

  /** A lost create response or a worker elsewhere may have made it: a refused duplicate name is looked up. */
  private async create(zoho: ZohoBooksClient, name: string, currencyId: string | undefined, currency: string | undefined): Promise<ZohoContact> {
    try {
      return await zoho.createContact({
        contact_name: name,
        contact_type: 'customer',
        ...(currencyId ? { currency_id: currencyId } : {}),
        notes: 'Orders from WooCommerce without a billing email (phone, counter and admin-made orders) are booked to this contact; each invoice names its customer in its notes.',
      });
    } catch (error) {
      if (!(error instanceof ZohoDuplicateContactNameError)) throw error;
      const holder = await this.findByName(zoho, name, currency);
      if (!holder) throw error;
      return holder;
    }
  }
}

/** A stored walk-in link still under the configured name (a renamed setting finds its contact anew). */
function named(link: ContactLink | undefined, base: string): ContactLink | undefined {
  const name = base.trim();
  return link && (link.contactName === name || link.contactName.startsWith(`${name} (`)) ? link : undefined;
}

function fromLink(link: ContactLink, reason: string): WalkInResolution {
  return {
    contactId: link.zohoContactId,
    contactName: link.contactName,
    source: 'link',
    ...(link.currencyCode ? { currencyCode: link.currencyCode } : {}),
    reason: `the walk-in contact (${reason})`,
  };
}
