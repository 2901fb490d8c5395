import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quotaNearlySpent } from './alert-conditions';
import { failedOrdersText, failedRefundsText, quotaText, webhookProblemsText } from './alert-texts';
import { alertUrlHost, alertUrlProblem } from './alert-url';

test('alert URLs: https to public hosts only, unless private endpoints are allowed', () => {
  assert.equal(alertUrlProblem('https://hooks.slack.com/services/T/B/X', false), null);
  assert.match(alertUrlProblem('http://hooks.slack.com/services/T/B/X', false)!, /https/);
  assert.match(alertUrlProblem('https://169.254.169.254/latest', false)!, /private/);
  assert.match(alertUrlProblem('https://localhost:3001/api', false)!, /private/);
  assert.match(alertUrlProblem('ftp://example.com', true)!, /http/);
  assert.match(alertUrlProblem('not a url', true)!, /not a valid URL/);
  assert.equal(alertUrlProblem('http://127.0.0.1:4000/alerts', true), null);
});

test('only the host of an alert URL is ever logged (the path is the credential)', () => {
  assert.equal(alertUrlHost('https://hooks.slack.com/services/T000/B000/SECRET'), 'hooks.slack.com');
});

test('quota warning at 90 % of the daily limit, never without a limit', () => {
  assert.equal(quotaNearlySpent(899, 1000), false);
  assert.equal(quotaNearlySpent(900, 1000), true);
  assert.equal(quotaNearlySpent(5000, undefined), false);
  assert.equal(quotaNearlySpent(5000, 0), false);
});

test('alert texts name the connection and the cause', () => {
  const one = failedOrdersText('Acme', [{ orderId: '727', orderNumber: 'WC-727', reason: 'tax rate VAT 19 % has no Zoho tax' }]);
  assert.match(one, /^Connector — Acme: An order could not be invoiced/);
  assert.match(one, /order WC-727: tax rate VAT 19 %/);
  const many = failedOrdersText('Acme', Array.from({ length: 12 }, (_, i) => ({ orderId: String(i), orderNumber: null, reason: null })));
  assert.match(many, /12 orders could not be invoiced/);
  assert.match(many, /… and 2 more/);
  assert.match(webhookProblemsText('Acme', ['webhook 4 for order.created is disabled'], { ok: true }), /disabled\. They were re-activated/);
  assert.match(webhookProblemsText('Acme', ['no webhook delivers order.updated'], { ok: false, error: 'HTTP 403' }), /Re-activating them failed \(HTTP 403\)/);
  assert.match(failedRefundsText('Acme', [{ orderId: '727', orderNumber: null, refundId: '730', reason: 'Zoho said no' }]), /^Connector — Acme: A refund could not be booked as a credit note in Zoho Books\. .*\n• order 727, refund 730: Zoho said no$/);
  assert.match(failedRefundsText('Acme', Array.from({ length: 11 }, (_, i) => ({ orderId: String(i), orderNumber: null, refundId: String(i), reason: null }))), /11 refunds could not be booked[\s\S]*… and 1 more/);
  assert.match(quotaText('Acme', 912, 1000), /912 of 1000 Zoho Books API calls used today \(91 %\)/);
});
