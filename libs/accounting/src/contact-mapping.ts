import type { WooAddress, WooBillingAddress, WooCustomer, WooOrder } from '@connector/contracts';
import { cleanText, truncateText } from './text/zoho-text';
import { ZOHO_FIELD_LIMITS as LIMITS } from './text/zoho-field-limits';
import type { ZohoAddressPayload, ZohoContactPayload, ZohoContactPersonPayload } from './zoho-payloads';

/*
 * WooCommerce customers (registered, or guests known only from an order's billing address) →
 * Zoho Books contacts. The email address is the identity: Zoho is searched by the primary contact
 * person's email, so the person carrying the store's email is always the primary one. Display
 * names are not identities (two John Smiths are two customers), but Zoho insists they are unique,
 * which `uniqueContactName` deals with.
 */

/** The form emails are stored and compared in: trimmed, lower case. */
export function normalizeEmail(email: string | null | undefined): string {
  return (email ?? '').trim().toLowerCase();
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** `US` → `United States`: Zoho's country is free text, WooCommerce sends ISO codes. */
function countryName(code: string): string {
  const trimmed = code.trim();
  if (!/^[A-Za-z]{2}$/.test(trimmed)) return trimmed;
  try {
    return regionNames.of(trimmed.toUpperCase()) ?? trimmed;
  } catch {
    return trimmed;
  }
}

function field(value: unknown, maxLength: number): string {
  return cleanText(value, { maxLength });
}

function personName(first: string | undefined, last: string | undefined): string {
  return `${field(first, LIMITS.personFirstName)} ${field(last, LIMITS.personLastName)}`.trim();
}

/** A Zoho address, or undefined when WooCommerce has nothing for it (virtual goods need no shipping address). */
function addressFrom(address: WooAddress | undefined, phone: string | undefined): ZohoAddressPayload | undefined {
  if (!address) return undefined;
  const mapped: ZohoAddressPayload = {
    attention: truncateText(personName(address.first_name, address.last_name), LIMITS.attention),
    address: field(address.address_1, LIMITS.address),
    street2: field(address.address_2, LIMITS.street2),
    city: field(address.city, LIMITS.city),
    state: field(address.state, LIMITS.state),
    zip: field(address.postcode, LIMITS.zip),
    country: field(countryName(address.country ?? ''), LIMITS.country),
    phone: field(phone, LIMITS.phone),
  };
  const { attention: _attention, phone: _phone, ...location } = mapped;
  const hasLocation = Object.values(location).some((value) => value !== '');
  return hasLocation ? mapped : undefined;
}

function primaryPerson(first: string, last: string, email: string, phone: string): ZohoContactPersonPayload {
  const person: ZohoContactPersonPayload = {
    first_name: field(first, LIMITS.personFirstName),
    last_name: field(last, LIMITS.personLastName),
    phone: field(phone, LIMITS.personPhone),
    is_primary_contact: true,
  };
  // A truncated address would be someone else's; an over-long one is left out instead.
  if (email !== '' && email.length <= LIMITS.personEmail) person.email = email;
  return person;
}

interface ContactSource {
  first: string;
  last: string;
  company: string;
  email: string;
  fallbackName: string;
  billing: WooBillingAddress | undefined;
  shipping: WooAddress | undefined;
}

function contactFrom(source: ContactSource): ZohoContactPayload {
  const email = normalizeEmail(source.email);
  const company = field(source.company, LIMITS.companyName);
  const name = personName(source.first, source.last);
  const contactName = field(name || company || email || source.fallbackName, LIMITS.contactName);
  const payload: ZohoContactPayload = {
    contact_name: contactName,
    company_name: company,
    contact_type: 'customer',
    customer_sub_type: company ? 'business' : 'individual',
    contact_persons: [primaryPerson(source.first, source.last, email, source.billing?.phone ?? '')],
  };
  const billing = addressFrom(source.billing, source.billing?.phone);
  const shipping = addressFrom(source.shipping, source.shipping?.phone);
  if (billing) payload.billing_address = billing;
  if (shipping) payload.shipping_address = shipping;
  return payload;
}

/** A contact for a registered customer. */
export function contactFromCustomer(customer: WooCustomer): ZohoContactPayload {
  return contactFrom({
    first: customer.first_name || customer.billing?.first_name || '',
    last: customer.last_name || customer.billing?.last_name || '',
    company: customer.billing?.company ?? '',
    email: customer.email || customer.billing?.email || '',
    fallbackName: customer.username || `WooCommerce customer ${customer.id}`,
    billing: customer.billing,
    shipping: customer.shipping,
  });
}

/** A contact from an order's billing details: how guests (customer_id 0) are known. */
export function contactFromOrderBilling(order: WooOrder): ZohoContactPayload {
  return contactFrom({
    first: order.billing?.first_name ?? '',
    last: order.billing?.last_name ?? '',
    company: order.billing?.company ?? '',
    email: order.billing?.email ?? '',
    fallbackName: `WooCommerce order ${order.number || order.id}`,
    billing: order.billing,
    shipping: order.shipping,
  });
}

/**
 * The contact name to try on attempt `attempt` (0-based) after Zoho refused earlier ones as
 * duplicates (error 3062): `John Smith`, then `John Smith (john@x.com)`, then
 * `John Smith (john@x.com) (2)`, `(3)`, …; without an email `John Smith (2)`, `(3)`, …
 * The suffix always survives Zoho's 200-character limit; the base name is shortened instead.
 */
export function uniqueContactName(base: string, attempt: number, email?: string): string {
  const cleanBase = field(base, LIMITS.contactName);
  if (attempt <= 0) return cleanBase;
  const address = normalizeEmail(email);
  const useEmail = address !== '' && address !== normalizeEmail(cleanBase);
  const suffix = useEmail
    ? attempt === 1 ? ` (${address})` : ` (${address}) (${attempt})`
    : ` (${attempt + 1})`;
  const fittedSuffix = truncateText(suffix, Math.floor(LIMITS.contactName / 2));
  return `${truncateText(cleanBase, LIMITS.contactName - fittedSuffix.length)}${fittedSuffix}`;
}

/** A person as Zoho returns it on a contact; unknown fields are carried through untouched. */
export type ExistingContactPerson = ZohoContactPersonPayload & { contact_person_id: string; [field: string]: unknown };

function nonEmpty(incoming: string | undefined, current: unknown): string | undefined {
  if (incoming) return incoming;
  return typeof current === 'string' ? current : undefined;
}

/**
 * The `contact_persons` list for updating a contact. A PUT replaces the whole list and deletes
 * persons it does not name, so every existing person is sent back with its `contact_person_id`.
 * The store's person (matched by email) is updated with the non-empty fields WooCommerce has and
 * becomes the primary one, or is added as the primary one if the contact has no such person.
 */
export function mergeContactPersons(
  existing: readonly ExistingContactPerson[],
  incoming: ZohoContactPersonPayload,
): ZohoContactPersonPayload[] {
  const email = normalizeEmail(incoming.email);
  const matchIndex = email === '' ? -1 : existing.findIndex((person) => normalizeEmail(person.email) === email);
  if (email === '' && existing.length > 0) {
    // Without an email nothing identifies the store's person; adding one on every update would pile up copies.
    return existing.map((person) => ({ ...person }));
  }
  const merged: ZohoContactPersonPayload[] = existing.map((person, index) => {
    if (index !== matchIndex) return { ...person, is_primary_contact: false };
    return {
      ...person,
      first_name: nonEmpty(incoming.first_name, person.first_name),
      last_name: nonEmpty(incoming.last_name, person.last_name),
      phone: nonEmpty(incoming.phone, person.phone),
      is_primary_contact: true,
    };
  });
  if (matchIndex === -1) merged.push({ ...incoming, is_primary_contact: true });
  return merged;
}
