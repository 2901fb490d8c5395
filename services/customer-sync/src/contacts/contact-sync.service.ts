import { Inject, Injectable } from '@nestjs/common';
import { contactFromCustomer } from '@connector/accounting';
import { PermanentError } from '@connector/common';
import { isWooErrorBody, WooCustomer } from '@connector/contracts';
import { givesUp, type InboundEvent } from '@connector/messaging';
import { ConnectionEntity, ConnectionStore, KeyedAdvisoryLocks } from '@connector/persistence';
import { AuditDecision, DecisionAudit, PLATFORM_CONFIG, retrySettings, ZohoCallLog } from '@connector/platform';
import { ZohoBooksClient, ZohoContact, ZohoNotFoundError } from '@connector/zoho-books';
import type { CustomerSyncConfig } from '../customer-sync.config';
import { ContactLink, ContactLinksRepository } from './contact-links.repository';
import { contactLockKey } from './contact-lock-key';
import { describeRelease, linksAnotherCustomer, ReleasedEmails } from './released-emails';
import { contactContentHash, customerEmail, describeCustomerProblem, isOlderSnapshot, latestModified } from './customer-snapshot';
import { ContactPayload, ZohoContacts } from './zoho-contacts';
import { classifyZohoFailure } from './zoho-failures';

type Verdict = Pick<AuditDecision, 'action' | 'outcome' | 'message' | 'detail'>;

/** How the contact written for a snapshot was found. */
type MatchedBy = 'link' | 'customer-link' | 'email' | 'name' | 'created';

interface Written {
  contact: ZohoContact;
  matchedBy: MatchedBy;
}

/**
 * Keeps each store customer's Zoho contact in step with their latest snapshot. The rules:
 * - the email (trimmed, lower case) is the identity; the link table answers without Zoho;
 * - one worker at a time per (connection, email), across instances, re-reading the link inside
 *   the lock, and Zoho is searched by email before anything is created (a lost create response
 *   or a contact made by hand is found, not duplicated);
 * - a snapshot older than the one applied, or one that would write the same contact, is skipped;
 * - an email another customer gave up by moving to a new one is not theirs: its new holder gets
 *   a contact of their own (ReleasedEmails);
 * - updates never drop the contact's other persons;
 * - every decision, with the Zoho calls behind it, goes to the audit trail.
 */
@Injectable()
export class ContactSyncService {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly links: ContactLinksRepository,
    private readonly locks: KeyedAdvisoryLocks,
    private readonly zohoContacts: ZohoContacts,
    private readonly releasedEmails: ReleasedEmails,
    private readonly audit: DecisionAudit,
    @Inject(PLATFORM_CONFIG) private readonly config: CustomerSyncConfig,
  ) {}

  async handle(event: InboundEvent): Promise<void> {
    const context = { connectionId: event.connectionId, resourceId: customerIdOf(event.body), streamSeq: event.seq, correlationId: event.correlationId };
    const calls = new ZohoCallLog();
    let verdict: Verdict;
    try {
      verdict = await this.judge(event, calls);
    } catch (error) {
      const classified = classifyZohoFailure(error);
      await this.audit.failure({ ...context, action: 'sync-contact', calls }, classified, { lastAttempt: givesUp(classified, event, retrySettings(this.config)) });
      throw classified;
    }
    await this.audit.record({ ...context, ...verdict, calls });
  }

  private async judge(event: InboundEvent, calls: ZohoCallLog): Promise<Verdict> {
    const connection = await this.connections.find(event.connectionId);
    if (!connection) return skipped('the connection no longer exists');
    if (event.event === 'deleted') {
      return skipped('customer deleted in the store; its Zoho contact is kept, since invoices may refer to it');
    }
    const body = event.body;
    if (isWooErrorBody(body)) return skipped(`WooCommerce could not build the customer payload: ${body.message} (${body.code})`);
    const problem = describeCustomerProblem(body);
    if (problem) throw new PermanentError(`the delivery is not a WooCommerce customer: ${problem}`);
    const customer = body as WooCustomer;
    const email = customerEmail(customer);
    if (!email) return skipped('the customer has no email address, and the email is what matches a customer to a Zoho contact');
    return this.locks.withLock(contactLockKey(connection.id, email), () => this.apply(connection, customer, email, calls));
  }

  /** Runs under the email's lock, so the links read here are the latest any worker wrote. */
  private async apply(connection: ConnectionEntity, customer: WooCustomer, email: string, calls: ZohoCallLog): Promise<Verdict> {
    const payload = contactFromCustomer(customer);
    const contentHash = contactContentHash(payload);
    const modifiedGmt = customer.date_modified_gmt ?? null;
    const byEmail = await this.links.findByEmail(connection.id, email);
    const byCustomer = await this.links.findByCustomer(connection.id, customer.id);
    const ofAnother = linksAnotherCustomer(byEmail, customer.id);
    // Another customer's snapshots say nothing of how current this customer's is.
    const appliedModifiedGmt = latestModified([ofAnother ? null : byEmail?.modifiedGmt, ...byCustomer.map((link) => link.modifiedGmt)]);
    const snapshot = { email, modifiedGmt, appliedModifiedGmt };

    if (isOlderSnapshot(modifiedGmt, appliedModifiedGmt)) {
      return skipped(`stale snapshot: modified ${modifiedGmt}, but the snapshot applied last was modified ${appliedModifiedGmt}`, snapshot);
    }
    if (byEmail && byEmail.contentHash === contentHash && byEmail.wooCustomerId === customer.id) {
      // The newer date is remembered, so an older snapshot arriving later is still seen as stale.
      await this.links.save(connection.id, { ...byEmail, modifiedGmt });
      return skipped(`unchanged: Zoho contact "${byEmail.contactName}" already matches this snapshot`, { ...snapshot, contactId: byEmail.zohoContactId });
    }

    const zoho = await this.zohoContacts.clientFor(connection, calls);
    const released = byEmail && ofAnother && (await this.releasedEmails.releasedFrom(connection.id, byEmail, email, async () => zoho)) ? byEmail : undefined;
    const written = await this.write(zoho, connection.id, payload, email, released ? byCustomer[0] : (byEmail ?? byCustomer[0]), released?.zohoContactId);
    const { contact } = written;
    await this.links.save(connection.id, {
      email,
      wooCustomerId: customer.id,
      zohoContactId: contact.contact_id,
      contactName: contact.contact_name,
      modifiedGmt,
      contentHash,
      currencyCode: contact.currency_code ?? null,
    });
    await this.links.renameContact(connection.id, contact.contact_id, contact.contact_name);
    return {
      action: written.matchedBy === 'created' ? 'create-contact' : 'update-contact',
      outcome: 'ok',
      message: describeWrite(written, email, released),
      detail: {
        ...snapshot, contactId: contact.contact_id, contactName: contact.contact_name, matchedBy: written.matchedBy, contactPersons: contact.contact_persons?.length,
        ...(released ? { releasedBy: { customerId: released.wooCustomerId, contactId: released.zohoContactId } } : {}),
      },
    };
  }

  /** Writes the linked contact, else the one Zoho has for the email (never `exceptContactId`, another customer's), else a new one. */
  private async write(
    zoho: ZohoBooksClient, connectionId: string, payload: ContactPayload, email: string, link: ContactLink | undefined, exceptContactId: string | undefined,
  ): Promise<Written> {
    if (link) {
      try {
        const contact = await this.zohoContacts.update(zoho, link.zohoContactId, payload, email);
        return { contact, matchedBy: link.email === email ? 'link' : 'customer-link' };
      } catch (error) {
        if (!(error instanceof ZohoNotFoundError)) throw error;
        // Deleted in Zoho by hand: forget the link and match the customer afresh.
        await this.links.forgetContact(connectionId, link.zohoContactId);
      }
    }
    const found = await this.zohoContacts.findByEmail(zoho, email, undefined, exceptContactId);
    if (found) return { contact: await this.zohoContacts.update(zoho, found.contact_id, payload, email), matchedBy: 'email' };
    const created = await this.zohoContacts.create(zoho, payload, email);
    if (created.how === 'created') return { contact: created.contact, matchedBy: 'created' };
    return { contact: await this.zohoContacts.update(zoho, created.contact.contact_id, payload, email), matchedBy: 'name' };
  }
}

function skipped(message: string, detail?: Record<string, unknown>): Verdict {
  return { action: 'skip', outcome: 'skipped', message, detail };
}

function describeWrite(written: Written, email: string, released: ContactLink | undefined): string {
  const action = describeMatch(written, email);
  return released ? `${action}; ${describeRelease(released, email)}, so their contact is left as it is` : action;
}

function describeMatch({ contact, matchedBy }: Written, email: string): string {
  const which = `Zoho contact "${contact.contact_name}" (${contact.contact_id})`;
  switch (matchedBy) {
    case 'created':
      return `created ${which} for ${email}`;
    case 'link':
      return `updated ${which}, keeping its other contact persons`;
    case 'customer-link':
      return `the customer's email changed to ${email}: updated their ${which} with it as the primary person, keeping the others`;
    case 'email':
      return `found ${which} by email ${email}; linked and updated it`;
    case 'name':
      return `${which} already carried this name and email ${email}; linked and updated it`;
  }
}

function customerIdOf(body: unknown): string | null {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : null;
}
