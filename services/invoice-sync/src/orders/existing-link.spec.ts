import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WooOrder } from '@connector/contracts';
import type { OrderSyncEntity } from '@connector/persistence';
import { decideOnLink, existingLink } from './existing-link';

const record = (changes: Partial<OrderSyncEntity>) =>
  ({ state: 'synced', invoiceId: '4600000012345', invoiceStatus: 'sent', modifiedGmt: '2026-11-01T10:00:00', contentHash: 'h1', ...changes }) as OrderSyncEntity;

test('an invoice Connector voided stays voided for the decision while its reinstatement fails or is retried', () => {
  assert.equal(existingLink(record({ state: 'voided', invoiceStatus: 'void' }))?.state, 'voided');
  assert.equal(existingLink(record({ state: 'failed', invoiceStatus: 'void' }))?.state, 'voided', 'reopening it failed');
  assert.equal(existingLink(record({ state: 'pending', invoiceStatus: 'void' }))?.state, 'voided', 'reopening it is retried');
});

test('otherwise the record state maps as it is: a void Zoho answered for a synced record is not ours to undo', () => {
  assert.equal(existingLink(record({ state: 'synced', invoiceStatus: 'void' }))?.state, 'synced');
  assert.equal(existingLink(record({ state: 'failed', invoiceStatus: 'draft' }))?.state, 'pending');
  assert.equal(existingLink(record({ state: 'creating', invoiceId: null, invoiceStatus: null }))?.state, 'pending');
  assert.equal(existingLink(record({ state: 'skipped', invoiceId: null, invoiceStatus: null, modifiedGmt: null })), undefined);
});

test('a cancellation while a reinstatement is retried: the invoice it already reopened as a draft is voided again', () => {
  const order = (status: string) => ({ id: 727, status, date_modified_gmt: '2026-11-01T11:00:00' }) as unknown as WooOrder;
  const reopened = existingLink(record({ state: 'voided', invoiceStatus: 'draft' }));
  assert.equal(decideOnLink(order('cancelled'), reopened, undefined).action, 'void');
  assert.equal(decideOnLink(order('processing'), reopened, undefined).action, 'reinstate', 'the reinstatement itself goes on');
  const stillVoid = existingLink(record({ state: 'voided', invoiceStatus: 'void' }));
  assert.equal(decideOnLink(order('cancelled'), stillVoid, undefined).action, 'skip', 'an invoice still void has nothing to void');
  assert.equal(decideOnLink({ ...order('cancelled'), date_modified_gmt: '2026-11-01T09:00:00' }, reopened, undefined).action, 'skip', 'an older cancellation is stale');
});
