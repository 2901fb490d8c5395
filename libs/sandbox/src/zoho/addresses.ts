import { invalidValue } from './books-errors';
import type { ZohoAddress } from './books-records';

/** Field limits of Zoho addresses (specs/zoho-books.md §3.3). */
const ADDRESS_LIMITS: Record<keyof ZohoAddress, number> = {
  attention: 100,
  address: 500,
  street2: 255,
  state_code: 100,
  city: 100,
  state: 100,
  zip: 50,
  country: 100,
  fax: 50,
  phone: 50,
};

export function emptyAddress(): ZohoAddress {
  return { attention: '', address: '', street2: '', state_code: '', city: '', state: '', zip: '', country: '', fax: '', phone: '' };
}

/**
 * An address from a request. Zoho replaces the whole address on update: fields the request leaves
 * out come back empty (fixtures/zoho/contact-update-response.json).
 */
export function addressFromInput(input: Record<string, unknown>, field: string): ZohoAddress {
  const address = emptyAddress();
  for (const key of Object.keys(ADDRESS_LIMITS) as Array<keyof ZohoAddress>) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') throw invalidValue(`${field}.${key}`, 'Expected a text value.');
    const text = String(value);
    if (text.length > ADDRESS_LIMITS[key]) throw invalidValue(`${field}.${key}`, `It must not exceed ${ADDRESS_LIMITS[key]} characters.`);
    address[key] = text;
  }
  return address;
}
