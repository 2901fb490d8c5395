import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ZohoInvoicePayload } from '@connector/accounting';
import { ReauthorizationRequiredError } from '@connector/common';
import { ZohoApiError, ZohoDuplicateContactNameError, ZohoNotFoundError, ZohoRateLimitedError, ZohoUnavailableError } from '@connector/zoho-books';
import { describeCheck, foundDeleted, mayReferToDeletedRecord, referencedRecords, withCheck } from './refused-records';

const refusal = (status: number, zohoCode?: number) =>
  new ZohoApiError({ operation: 'POST /invoices', status, zohoCode, upstreamMessage: 'Invalid value passed for customer_id' });

test('a validation refusal may come from a record deleted in Zoho; limits, outages, authorization and duplicate names do not', () => {
  assert.equal(mayReferToDeletedRecord(refusal(400, 2)), true);
  assert.equal(mayReferToDeletedRecord(refusal(400)), true);
  assert.equal(mayReferToDeletedRecord(new ZohoNotFoundError({ operation: 'POST /invoices', status: 404, zohoCode: 1002, upstreamMessage: 'Contact does not exist.' })), true);
  assert.equal(mayReferToDeletedRecord(refusal(401, 57)), false, 'a fresh token refused too: a scope, not a record');
  assert.equal(mayReferToDeletedRecord(refusal(401, 14)), false);
  assert.equal(mayReferToDeletedRecord(new ZohoDuplicateContactNameError({ operation: 'POST /contacts', status: 400, zohoCode: 3062, upstreamMessage: 'The customer "A" already exists.' })), false);
  assert.equal(mayReferToDeletedRecord(new ZohoRateLimitedError({ operation: 'POST /invoices', status: 429, zohoCode: 44, upstreamMessage: 'blocked' }, 60_000)), false);
  assert.equal(mayReferToDeletedRecord(new ZohoUnavailableError('Zoho Books POST /invoices failed (HTTP 503)', { status: 503 })), false);
  assert.equal(mayReferToDeletedRecord(new ReauthorizationRequiredError('re-authorize')), false);
  assert.equal(mayReferToDeletedRecord(new Error('socket hang up')), false);
});

test('the records an invoice refers to: its customer and each item once', () => {
  const line = (item_id: string, item_order: number) => ({ item_id, name: 'x', quantity: 1, rate: 1, item_order });
  const payload = { customer_id: '460000000001', line_items: [line('460000000101', 1), line('460000000102', 2), line('460000000101', 3)] } as ZohoInvoicePayload;
  assert.deepEqual(referencedRecords(payload), { contactId: '460000000001', itemIds: ['460000000101', '460000000102'] });
});

test('what a check found, in words: deleted records are matched afresh, existing ones leave the refusal standing', () => {
  const gone = { contact: { contactId: 'C1', state: 'gone' as const }, items: [{ itemId: 'I1', state: 'active' as const }, { itemId: 'I2', state: 'gone' as const }] };
  assert.equal(foundDeleted(gone), true);
  assert.equal(describeCheck(gone), 'contact C1 and item I2 no longer existed in Zoho (deleted there), so they were matched afresh');
  assert.equal(describeCheck({ items: [{ itemId: 'I2', state: 'gone' }] }), 'item I2 no longer existed in Zoho (deleted there), so it was matched afresh');

  const present = { contact: { contactId: 'C1', state: 'active' as const }, items: [{ itemId: 'I1', state: 'inactive' as const }, { itemId: 'I2', state: 'active' as const }] };
  assert.equal(foundDeleted(present), false);
  assert.equal(describeCheck(present), 'all 3 records it refers to (contact C1, item I1 and item I2) still exist in Zoho; item I1 is marked inactive there');
  assert.equal(describeCheck({ contact: { contactId: 'C1', state: 'active' }, items: [] }), 'the record it refers to (contact C1) still exists in Zoho');
});

test("a refusal that stands keeps Zoho's words and class and says what was checked", () => {
  const original = new ZohoNotFoundError({ operation: 'PUT /invoices/9', status: 404, zohoCode: 1002, upstreamMessage: 'Invoice does not exist.' });
  const checked = withCheck(original, { contact: { contactId: 'C1', state: 'active' }, items: [] });
  assert.ok(checked instanceof ZohoNotFoundError);
  assert.equal(checked.status, 404);
  assert.equal(checked.zohoCode, 1002);
  assert.equal(checked.upstreamMessage, 'Invoice does not exist.');
  assert.equal(checked.message, `${original.message}; the record it refers to (contact C1) still exists in Zoho`);
});
