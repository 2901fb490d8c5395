import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ZohoContactPayload } from '@connector/accounting';
import type { ZohoClientFactory } from '@connector/platform';
import { ZohoBooksClient, ZohoContact, ZohoContactInput, ZohoDuplicateContactNameError } from '@connector/zoho-books';
import { ZohoContacts } from './zoho-contacts';

const duplicate = (name: string) =>
  new ZohoDuplicateContactNameError({ operation: 'POST /contacts', status: 400, zohoCode: 3062, upstreamMessage: `The customer "${name}" already exists.` });

const payload: ZohoContactPayload = {
  contact_name: 'Sam Same',
  company_name: '',
  contact_type: 'customer',
  customer_sub_type: 'individual',
  contact_persons: [{ first_name: 'Sam', last_name: 'Same', email: 'sam@example.com', phone: '', is_primary_contact: true }],
};

/** A Books client whose organization already holds `taken` contacts (by name). */
function booksWith(taken: ZohoContact[]) {
  const written: Array<{ method: string; body: ZohoContactInput }> = [];
  const client = {
    async createContact(body: ZohoContactInput) {
      written.push({ method: 'POST', body });
      if (taken.some((c) => c.contact_name === body.contact_name)) throw duplicate(body.contact_name);
      return { contact_id: 'new', contact_name: body.contact_name };
    },
    async updateContact(contactId: string, body: ZohoContactInput) {
      written.push({ method: 'PUT', body });
      if (taken.some((c) => c.contact_name === body.contact_name && c.contact_id !== contactId)) throw duplicate(body.contact_name);
      return { contact_id: contactId, contact_name: body.contact_name };
    },
    async findContactByName(name: string) {
      return taken.find((c) => c.contact_name === name);
    },
    async getContact(contactId: string) {
      return taken.find((c) => c.contact_id === contactId)!;
    },
  };
  return { zoho: client as unknown as ZohoBooksClient, written };
}

const contacts = new ZohoContacts({} as ZohoClientFactory);

describe('Zoho contacts under unique names', () => {
  test('the holder of the name with the same email is this customer: it is adopted, not duplicated', async () => {
    const { zoho, written } = booksWith([{ contact_id: '7', contact_name: 'Sam Same', email: 'sam@example.com', contact_type: 'customer' }]);
    const result = await contacts.create(zoho, payload, 'sam@example.com');
    assert.equal(result.how, 'same-name-same-email');
    assert.equal(result.contact.contact_id, '7');
    assert.equal(written.length, 1);
  });

  test('a different person holding the name gets the email variant, then numbered ones', async () => {
    const { zoho, written } = booksWith([
      { contact_id: '7', contact_name: 'Sam Same', email: 'other@example.com' },
      { contact_id: '8', contact_name: 'Sam Same (sam@example.com)', email: 'third@example.com' },
    ]);
    const result = await contacts.create(zoho, payload, 'sam@example.com');
    assert.equal(result.how, 'created');
    assert.deepEqual(written.map((w) => w.body.contact_name), ['Sam Same', 'Sam Same (sam@example.com)', 'Sam Same (sam@example.com) (2)']);
  });

  test('a vendor with the same name and email is not adopted (invoices need a customer)', async () => {
    const { zoho } = booksWith([{ contact_id: '7', contact_name: 'Sam Same', email: 'sam@example.com', contact_type: 'vendor' }]);
    const result = await contacts.create(zoho, payload, 'sam@example.com');
    assert.equal(result.how, 'created');
    assert.equal(result.contact.contact_name, 'Sam Same (sam@example.com)');
  });

  test('an update keeps a name variant the contact already has, and every person with its id', async () => {
    const current: ZohoContact = {
      contact_id: '9',
      contact_name: 'Sam Same (sam@example.com)',
      contact_persons: [
        { contact_person_id: 'p1', first_name: 'Sam', email: 'sam@example.com', is_primary_contact: true },
        { contact_person_id: 'p2', first_name: 'Pat', email: 'pat@example.com', is_primary_contact: false },
      ],
    };
    const { zoho, written } = booksWith([current, { contact_id: '7', contact_name: 'Sam Same' }]);
    await contacts.update(zoho, '9', payload, 'sam@example.com');
    assert.equal(written.length, 1);
    assert.equal(written[0]!.body.contact_name, 'Sam Same (sam@example.com)');
    assert.deepEqual(written[0]!.body.contact_persons!.map((p) => [p.contact_person_id, p.is_primary_contact]), [['p1', true], ['p2', false]]);
  });
});
