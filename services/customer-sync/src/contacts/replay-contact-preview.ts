import { Injectable } from '@nestjs/common';
import { contactFromCustomer } from '@connector/accounting';
import { PermanentError } from '@connector/common';
import { isWooErrorBody, WooCustomer } from '@connector/contracts';
import type { InboundEvent, ReplayDryRun } from '@connector/messaging';
import { ConnectionStore } from '@connector/persistence';
import type { ZohoBooksClient } from '@connector/zoho-books';
import { ContactLink, ContactLinksRepository } from './contact-links.repository';
import { linksAnotherCustomer, ReleasedEmails } from './released-emails';
import { contactContentHash, customerEmail, describeCustomerProblem, isOlderSnapshot, latestModified } from './customer-snapshot';
import { ContactPayload, ZohoContacts } from './zoho-contacts';
import { classifyZohoFailure } from './zoho-failures';
import { DecisionAudit, ZohoCallLog } from '@connector/platform';

interface Planned {
  action: 'create-contact' | 'update-contact';
  message: string;
  contactId: string;
}

/**
 * A customer event in a replay dry run: judged by the same snapshot rules as `ContactSyncService`
 * (stale, unchanged, an email another customer gave up), but the contact write it would make is
 * reported instead of made, and no link changes. What an earlier event of the dry run would have
 * written counts as written, so a customer's later snapshots are judged against it.
 */
@Injectable()
export class ContactReplayPreview {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly links: ContactLinksRepository,
    private readonly zohoContacts: ZohoContacts,
    private readonly releasedEmails: ReleasedEmails,
    private readonly audit: DecisionAudit,
  ) {}

  async handle(event: InboundEvent, dryRun: ReplayDryRun): Promise<void> {
    const connection = await this.connections.find(event.connectionId);
    if (!connection || event.event === 'deleted' || isWooErrorBody(event.body)) return;
    const problem = describeCustomerProblem(event.body);
    if (problem) throw new PermanentError(`the delivery is not a WooCommerce customer: ${problem}`);
    const customer = event.body as WooCustomer;
    const email = customerEmail(customer);
    if (!email) return;

    const payload = contactFromCustomer(customer);
    const contentHash = contactContentHash(payload);
    const modifiedGmt = customer.date_modified_gmt ?? null;
    const key = `contact:${connection.id}:${email}`;
    const byEmail = (dryRun.simulated.get(key) as ContactLink | undefined) ?? (await this.links.findByEmail(connection.id, email));
    const byCustomer = await this.links.findByCustomer(connection.id, customer.id);
    const ofAnother = linksAnotherCustomer(byEmail, customer.id);
    if (isOlderSnapshot(modifiedGmt, latestModified([ofAnother ? null : byEmail?.modifiedGmt, ...byCustomer.map((link) => link.modifiedGmt)]))) return;
    if (byEmail && byEmail.contentHash === contentHash && byEmail.wooCustomerId === customer.id) return;

    const zoho = () => this.zohoContacts.clientFor(connection, new ZohoCallLog());
    let planned: Planned;
    try {
      // A contact planned above (no id yet) is not in Zoho to be asked about.
      const released = byEmail?.zohoContactId && ofAnother && (await this.releasedEmails.releasedFrom(connection.id, byEmail, email, zoho)) ? byEmail : undefined;
      planned = await this.plan(zoho, payload, email, released ? byCustomer[0] : (byEmail ?? byCustomer[0]), released);
    } catch (error) {
      throw classifyZohoFailure(error);
    }
    dryRun.plan({ resource: 'customer', resourceId: String(customer.id), action: planned.action, message: planned.message, payload });
    dryRun.simulated.set(key, {
      email, wooCustomerId: customer.id, zohoContactId: planned.contactId, contactName: payload.contact_name, modifiedGmt, contentHash, currencyCode: byEmail?.currencyCode ?? null,
    } satisfies ContactLink);
    await this.audit.record({
      connectionId: connection.id,
      resourceId: String(customer.id),
      streamSeq: event.seq,
      correlationId: event.correlationId,
      action: planned.action,
      outcome: 'dry-run',
      message: planned.message,
      detail: { replayId: dryRun.replayId, email, payload },
    });
  }

  /**
   * The write `ContactSyncService` would make: update the linked contact, else the one Zoho has for
   * the email (never `released`'s, another customer's), else create.
   */
  private async plan(
    zoho: () => Promise<ZohoBooksClient>, payload: ContactPayload, email: string, link: ContactLink | undefined, released: ContactLink | undefined,
  ): Promise<Planned> {
    if (link?.zohoContactId) {
      return { action: 'update-contact', contactId: link.zohoContactId, message: `would update Zoho contact "${link.contactName}" (${link.zohoContactId}) for ${email}` };
    }
    if (link) return { action: 'update-contact', contactId: '', message: `would update the Zoho contact planned above for ${email}` };
    const found = await this.zohoContacts.findByEmail(await zoho(), email, undefined, released?.zohoContactId);
    if (found) {
      return { action: 'update-contact', contactId: found.contact_id, message: `would link and update Zoho contact "${found.contact_name}" (${found.contact_id}), found by email ${email}` };
    }
    return { action: 'create-contact', contactId: '', message: `would create Zoho contact "${payload.contact_name}" for ${email}` };
  }
}
