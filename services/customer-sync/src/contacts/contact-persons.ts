import type { ExistingContactPerson } from '@connector/accounting';
import type { ZohoContact } from '@connector/zoho-books';

/**
 * The person fields a contact update may send back (specs/zoho-books.md §3.3). A GET returns
 * read-only extras too (portal flags, timestamps); only writable fields go into the PUT.
 */
const WRITABLE_PERSON_FIELDS = [
  'salutation', 'first_name', 'last_name', 'email', 'phone', 'mobile', 'designation', 'department', 'skype', 'enable_portal',
] as const;

/**
 * The contact's persons as `mergeContactPersons` needs them: each with its id and every writable
 * field it has, so the PUT keeps them exactly as they are (a person left out would be deleted).
 */
export function existingPersons(contact: ZohoContact): ExistingContactPerson[] {
  return (contact.contact_persons ?? []).map((person) => {
    const kept: Record<string, unknown> = { contact_person_id: person.contact_person_id, is_primary_contact: person.is_primary_contact === true };
    for (const field of WRITABLE_PERSON_FIELDS) {
      if (person[field] !== undefined && person[field] !== null) kept[field] = person[field];
    }
    return kept as ExistingContactPerson;
  });
}
