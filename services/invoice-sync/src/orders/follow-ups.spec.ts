import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CONNECTION_SETTINGS, OrderPaymentEntity, OrderSyncEntity, UNSENT_INVOICE_REASON } from '@connector/persistence';
import { followUpsMayAct } from './follow-ups';

const synced = (changes: Partial<OrderSyncEntity> = {}) =>
  ({ state: 'synced', invoiceId: '4600000012345', invoiceStatus: 'sent', reason: null, ...changes }) as OrderSyncEntity;
const payment = (state: OrderPaymentEntity['state']) => ({ state }) as OrderPaymentEntity;
const drafts = DEFAULT_CONNECTION_SETTINGS;
const sending = { ...DEFAULT_CONNECTION_SETTINGS, invoiceStatus: 'sent' as const };
const paying = { ...DEFAULT_CONNECTION_SETTINGS, paymentsSince: '2026-01-01T00:00:00' };

test('an invoice in step with nothing after it left to do: the follow-ups have no work', () => {
  assert.equal(followUpsMayAct(synced(), drafts, undefined), false);
  assert.equal(followUpsMayAct(synced({ invoiceStatus: 'draft' }), drafts, undefined), false, 'drafts are what the connection makes');
  assert.equal(followUpsMayAct(synced({ reason: 'Zoho total 10.01 differs from the order total 10.00' }), drafts, undefined), false, 'not a step of theirs');
});

test('a follow-up step that failed, retrying or for good, is finished by the next event', () => {
  for (const reason of [`${UNSENT_INVOICE_REASON}Zoho is down`, 'payment not recorded: Invalid value passed for account_id', 'retrying: refunds not credited: 503']) {
    assert.equal(followUpsMayAct(synced({ reason }), drafts, undefined), true, reason);
  }
});

test('a draft is marked when the connection sends its invoices', () => {
  assert.equal(followUpsMayAct(synced({ invoiceStatus: 'draft' }), sending, undefined), true);
  assert.equal(followUpsMayAct(synced({ invoiceStatus: 'sent' }), sending, undefined), false);
  assert.equal(followUpsMayAct(synced({ invoiceStatus: 'paid' }), sending, undefined), false);
});

test('with payments on, an order whose payment is neither recorded nor skipped may have one due', () => {
  assert.equal(followUpsMayAct(synced(), paying, undefined), true, 'never looked at, or paid since');
  assert.equal(followUpsMayAct(synced(), paying, payment('creating')), true, 'an attempt that did not finish');
  assert.equal(followUpsMayAct(synced(), paying, payment('failed')), true);
  assert.equal(followUpsMayAct(synced(), paying, payment('recorded')), false);
  assert.equal(followUpsMayAct(synced(), paying, payment('skipped')), false);
});

test('a credit note a draft left open may be applied: the owner may have sent the invoice in Zoho since', () => {
  assert.equal(followUpsMayAct(synced({ invoiceStatus: 'draft' }), drafts, undefined, true), true);
  assert.equal(followUpsMayAct(synced({ invoiceStatus: 'sent' }), drafts, undefined, true), true, 'seen sent since, not yet applied');
  assert.equal(followUpsMayAct(synced({ state: 'voided', invoiceStatus: 'void' }), drafts, undefined, true), false, 'a void invoice takes none');
});

test('a voided invoice, or none, takes no mark and no payment', () => {
  assert.equal(followUpsMayAct(synced({ state: 'voided', invoiceStatus: 'void', reason: 'order 41 is cancelled; invoice 1 is voided' }), paying, undefined), false);
  assert.equal(followUpsMayAct(synced({ invoiceStatus: 'void' }), sending, undefined), false);
  assert.equal(followUpsMayAct(synced({ invoiceId: null, invoiceStatus: null }), paying, undefined), false);
});
