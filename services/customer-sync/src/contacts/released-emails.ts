import { Injectable } from '@nestjs/common';
import { normalizeEmail } from '@connector/accounting';
import { ZohoBooksClient, ZohoContact, ZohoNotFoundError } from '@connector/zoho-books';
import { ContactLink, ContactLinksRepository } from './contact-links.repository';
import { isOlderSnapshot } from './customer-snapshot';

/**
 * Whether an email's link to another registered customer's contact still means that customer.
 * WordPress lets one account hold an email at a time, so a registered customer arriving with an
 * email linked to another account means that account gave the email up. Given up by moving to
 * another email (a colleague then registers with the shared address), the link's contact is that
 * other person's: updating it would rename them and book both customers to one contact. With no
 * sign of a move (the account was deleted and the same person registered again), the email
 * stays the identity and its contact is taken over, as for a guest who registers.
 */
@Injectable()
export class ReleasedEmails {
  constructor(private readonly links: ContactLinksRepository) {}

  /**
   * Whether `link`, the link of `email`, belongs to another registered customer who has since
   * moved to another email: a link of theirs applied from a newer snapshot, or else (one Zoho read)
   * a contact whose primary person no longer has this email, or that is gone from Zoho.
   */
  async releasedFrom(connectionId: string, link: ContactLink, email: string, zoho: () => Promise<ZohoBooksClient>): Promise<boolean> {
    const ownerLinks = await this.links.findByCustomer(connectionId, link.wooCustomerId);
    if (ownerLinks.some((other) => other.email !== email && appliedAfter(other, link))) return true;
    try {
      return primaryEmail(await (await zoho()).getContact(link.zohoContactId)) !== email;
    } catch (error) {
      if (error instanceof ZohoNotFoundError) return true;
      throw error;
    }
  }
}

/** Whether `link` belongs to a registered customer other than `customerId` (a registered one too). */
export function linksAnotherCustomer(link: ContactLink | undefined, customerId: number): boolean {
  return link !== undefined && customerId > 0 && link.wooCustomerId > 0 && link.wooCustomerId !== customerId;
}

/** For audit messages: whose the email was, and their contact. */
export function describeRelease(released: ContactLink, email: string): string {
  return `${email} was customer ${released.wooCustomerId}'s, who no longer uses it (Zoho contact "${released.contactName}", ${released.zohoContactId})`;
}

/** Whether `other` was written by a customer snapshot newer than `link`'s (an order-made link has none). */
function appliedAfter(other: ContactLink, link: ContactLink): boolean {
  if (!other.modifiedGmt) return false;
  return link.modifiedGmt === null || isOlderSnapshot(link.modifiedGmt, other.modifiedGmt);
}

function primaryEmail(contact: ZohoContact): string {
  const primary = contact.contact_persons?.find((person) => person.is_primary_contact);
  return normalizeEmail(primary?.email ?? contact.email);
}
