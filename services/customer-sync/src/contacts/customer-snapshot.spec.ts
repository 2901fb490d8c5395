import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { contactFromCustomer } from '@connector/accounting';
import type { WooCustomer } from '@connector/contracts';
import { contactContentHash, customerEmail, describeCustomerProblem, isOlderSnapshot, latestModified } from './customer-snapshot';

const address = { first_name: 'Ada', last_name: 'Lovelace', company: '', address_1: '1 Loop', address_2: '', city: 'London', state: '', postcode: 'N1', country: 'GB' };
const customer = (changes: Partial<WooCustomer> = {}): WooCustomer => ({
  id: 7,
  date_created: null,
  date_created_gmt: null,
  date_modified: null,
  date_modified_gmt: '2024-05-01T10:00:00',
  email: ' Ada@Example.com ',
  first_name: 'Ada',
  last_name: 'Lovelace',
  role: 'customer',
  username: 'ada',
  billing: { ...address, email: 'billing@example.com', phone: '+44 1' },
  shipping: address,
  is_paying_customer: false,
  avatar_url: 'https://example.com/a.png',
  meta_data: [],
  ...changes,
});

describe('customer snapshots', () => {
  test('the account email is the identity, trimmed and lower-cased; the billing email stands in', () => {
    assert.equal(customerEmail(customer()), 'ada@example.com');
    assert.equal(customerEmail(customer({ email: '' })), 'billing@example.com');
    assert.equal(customerEmail(customer({ email: '', billing: { ...address, email: '', phone: '' } })), '');
  });

  test('a missing email is not a shape problem, a missing id is', () => {
    const { email: _email, ...withoutEmail } = customer();
    assert.equal(describeCustomerProblem(withoutEmail), undefined);
    assert.match(describeCustomerProblem({ ...customer(), id: 'x' }) ?? '', /id must be a positive integer/);
    assert.match(describeCustomerProblem([1]) ?? '', /must be a JSON object/);
  });

  test('only a strictly older modification date is stale; unknown dates never are', () => {
    assert.equal(isOlderSnapshot('2024-05-01T09:59:59', '2024-05-01T10:00:00'), true);
    assert.equal(isOlderSnapshot('2024-05-01T10:00:00', '2024-05-01T10:00:00'), false);
    assert.equal(isOlderSnapshot('2024-05-02T00:00:00', '2024-05-01T10:00:00'), false);
    assert.equal(isOlderSnapshot(null, '2024-05-01T10:00:00'), false);
    assert.equal(isOlderSnapshot('2024-05-01T10:00:00', null), false);
  });

  test('the latest of several dates, ignoring unset ones', () => {
    assert.equal(latestModified([null, '2024-05-01T10:00:00', undefined, '2024-06-01T00:00:00', '2024-01-01T00:00:00']), '2024-06-01T00:00:00');
    assert.equal(latestModified([null, undefined]), null);
  });

  test('the hash follows what Zoho would receive, not the raw snapshot', () => {
    const base = contactContentHash(contactFromCustomer(customer()));
    assert.equal(contactContentHash(contactFromCustomer(customer({ avatar_url: 'https://example.com/b.png', role: 'subscriber' }))), base);
    assert.notEqual(contactContentHash(contactFromCustomer(customer({ last_name: 'King' }))), base);
  });
});
