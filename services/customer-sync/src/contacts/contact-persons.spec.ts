import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ZohoContact } from '@connector/zoho-books';
import { existingPersons } from './contact-persons';

describe('existing contact persons', () => {
  test('keep their id and writable fields, drop read-only extras, and say which one is primary', () => {
    const contact: ZohoContact = {
      contact_id: '1',
      contact_name: 'Ada',
      contact_persons: [
        { contact_person_id: '11', first_name: 'Ada', email: 'ada@example.com', is_primary_contact: true, is_added_in_portal: false, created_time: 'x' },
        { contact_person_id: '12', first_name: 'Bob', phone: '+1', skype: 'bob.s', designation: 'Buyer' },
      ],
    };
    assert.deepEqual(existingPersons(contact), [
      { contact_person_id: '11', first_name: 'Ada', email: 'ada@example.com', is_primary_contact: true },
      { contact_person_id: '12', first_name: 'Bob', phone: '+1', skype: 'bob.s', designation: 'Buyer', is_primary_contact: false },
    ]);
  });

  test('a contact without persons has none to keep', () => {
    assert.deepEqual(existingPersons({ contact_id: '1', contact_name: 'Ada' }), []);
  });
});
