import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contactFromCustomer, contactFromOrderBilling, mergeContactPersons, normalizeEmail, uniqueContactName, type ExistingContactPerson } from './contact-mapping';
import { fixtures } from './test-support/fixtures';

test('normalizeEmail trims and lower-cases', () => {
  assert.equal(normalizeEmail('  John.Doe@Example.COM '), 'john.doe@example.com');
  assert.equal(normalizeEmail(null), '');
});

test('a registered customer becomes a contact with one primary person', () => {
  const contact = contactFromCustomer(fixtures.customer());
  assert.deepEqual(contact, {
    contact_name: 'John Doe',
    company_name: '',
    contact_type: 'customer',
    customer_sub_type: 'individual',
    contact_persons: [{ first_name: 'John', last_name: 'Doe', phone: '(555) 555-5555', is_primary_contact: true, email: 'john.doe@example.com' }],
    billing_address: {
      attention: 'John Doe',
      address: '969 Market',
      street2: '',
      city: 'San Francisco',
      state: 'CA',
      zip: '94103',
      country: 'United States',
      phone: '(555) 555-5555',
    },
    shipping_address: {
      attention: 'John Doe',
      address: '969 Market',
      street2: '',
      city: 'San Francisco',
      state: 'CA',
      zip: '94103',
      country: 'United States',
      phone: '',
    },
  });
});

test('a guest is known from the order billing details (non-ASCII kept)', () => {
  const order = fixtures.orderWithRefunds();
  order.customer_id = 0;
  const contact = contactFromOrderBilling(order);
  assert.equal(contact.contact_name, 'João Silva');
  assert.equal(contact.billing_address?.country, 'Brazil');
  assert.equal(contact.billing_address?.address, 'Av. Brasil, 432');
  assert.equal(contact.contact_persons[0].email, 'joao.silva@example.com');
});

test('companies, missing names and virtual orders without a shipping address', () => {
  const order = fixtures.order();
  order.billing = { ...order.billing, first_name: '', last_name: '', company: 'ACME <b>Ltd</b>', email: ' Buyer@ACME.test ' };
  order.shipping = { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '' };
  const contact = contactFromOrderBilling(order);
  assert.equal(contact.contact_name, 'ACME <b>Ltd</b>');
  assert.equal(contact.customer_sub_type, 'business');
  assert.equal(contact.shipping_address, undefined);
  assert.equal(contact.contact_persons[0].email, 'buyer@acme.test');

  order.billing = { ...order.billing, company: '', email: '' };
  assert.equal(contactFromOrderBilling(order).contact_name, 'WooCommerce order 727');
});

test('hostile and over-long values stay within Zoho limits', () => {
  const customer = fixtures.customer();
  customer.first_name = `${'Ω'.repeat(150)}\u202E`;
  customer.last_name = '🙂'.repeat(80);
  customer.email = `${'a'.repeat(120)}@example.com`;
  const contact = contactFromCustomer(customer);
  assert.ok(contact.contact_name.length <= 200);
  const person = contact.contact_persons[0];
  assert.ok((person.first_name ?? '').length <= 100 && (person.last_name ?? '').length <= 100);
  assert.equal(person.email, undefined, 'an email that does not fit is left out, not cut');
});

test('unique contact names: name, then with email, then numbered; the suffix survives truncation', () => {
  assert.equal(uniqueContactName('John Smith', 0, 'John@X.com'), 'John Smith');
  assert.equal(uniqueContactName('John Smith', 1, 'John@X.com'), 'John Smith (john@x.com)');
  assert.equal(uniqueContactName('John Smith', 2, 'John@X.com'), 'John Smith (john@x.com) (2)');
  assert.equal(uniqueContactName('John Smith', 3, 'john@x.com'), 'John Smith (john@x.com) (3)');
  assert.equal(uniqueContactName('John Smith', 1), 'John Smith (2)');
  assert.equal(uniqueContactName('john@x.com', 1, 'john@x.com'), 'john@x.com (2)');
  const long = uniqueContactName('N'.repeat(250), 2, 'n@x.com');
  assert.ok(long.length <= 200);
  assert.ok(long.endsWith(' (n@x.com) (2)'));
});

test('merging persons keeps every existing person and updates the store one by email', () => {
  const existing: ExistingContactPerson[] = [
    { contact_person_id: 'p1', first_name: 'Accounts', last_name: 'Dept', email: 'ap@acme.test', is_primary_contact: true, designation: 'AP' },
    { contact_person_id: 'p2', first_name: 'Jon', last_name: '', email: 'Jane.Doe@Example.test', phone: '111', is_primary_contact: false, skype: 'jd' },
  ];
  const merged = mergeContactPersons(existing, { first_name: 'Jane', last_name: 'Doe', email: 'jane.doe@example.test', phone: '', is_primary_contact: true });
  assert.deepEqual(merged, [
    { contact_person_id: 'p1', first_name: 'Accounts', last_name: 'Dept', email: 'ap@acme.test', is_primary_contact: false, designation: 'AP' },
    { contact_person_id: 'p2', first_name: 'Jane', last_name: 'Doe', email: 'Jane.Doe@Example.test', phone: '111', is_primary_contact: true, skype: 'jd' },
  ]);
});

test('merging inserts the store person as primary when the contact has no such email', () => {
  const existing: ExistingContactPerson[] = [{ contact_person_id: 'p1', first_name: 'Other', email: 'other@x.test', is_primary_contact: true }];
  const merged = mergeContactPersons(existing, { first_name: 'Jane', email: 'jane@x.test', is_primary_contact: true });
  assert.equal(merged.length, 2);
  assert.equal(merged[0].contact_person_id, 'p1');
  assert.equal(merged[0].is_primary_contact, false);
  assert.deepEqual(merged[1], { first_name: 'Jane', email: 'jane@x.test', is_primary_contact: true });
  assert.equal(merged.filter((person) => person.is_primary_contact).length, 1);
});

test('merging without an email never adds copies', () => {
  const existing: ExistingContactPerson[] = [{ contact_person_id: 'p1', first_name: 'A', email: 'a@x.test', is_primary_contact: true }];
  assert.deepEqual(mergeContactPersons(existing, { first_name: 'B', is_primary_contact: true }), existing);
  assert.deepEqual(mergeContactPersons([], { first_name: 'B', is_primary_contact: true }), [{ first_name: 'B', is_primary_contact: true }]);
});
