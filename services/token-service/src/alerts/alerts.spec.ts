import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dailyQuotaRefused, quotaNearlySpent } from './alert-conditions';
import { AlertRetries, MAX_ALERT_RETRY_MS } from './alert-retries';
import { failedOrdersText, failedRefundsText, quotaRefusedText, quotaText, webhookProblemsText } from './alert-texts';
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

test('the daily quota counts as refused when a 429 today blocks the organization longer than a per-minute limit would', () => {
  const now = new Date('2026-11-29T14:00:00Z');
  assert.equal(dailyQuotaRefused({ rejectedToday: 1, blockedUntil: new Date('2026-11-29T15:00:00Z') }, now), true);
  assert.equal(dailyQuotaRefused({ rejectedToday: 1, blockedUntil: new Date('2026-11-29T14:01:00Z') }, now), false, 'a per-minute block');
  assert.equal(dailyQuotaRefused({ rejectedToday: 0, blockedUntil: new Date('2026-11-29T15:00:00Z') }, now), false, 'a block from yesterday');
  assert.equal(dailyQuotaRefused({ rejectedToday: 3, blockedUntil: null }, now), false);
});

test('an alert that was not delivered is retried on the next poll, then after 2, 4 … polls, up to half an hour', () => {
  let now = 0;
  const retries = new AlertRetries(60_000, () => now);
  assert.equal(retries.due('c:cause'), true);
  assert.deepEqual(retries.failed('c:cause'), { failures: 1, retryInMs: 60_000 });
  assert.equal(retries.due('c:cause'), false);
  assert.equal(retries.due('c:other'), true, 'per cause');
  now = 60_000;
  assert.equal(retries.due('c:cause'), true);
  assert.deepEqual(retries.failed('c:cause'), { failures: 2, retryInMs: 120_000 });
  for (let i = 0; i < 10; i++) retries.failed('c:cause');
  assert.equal(retries.failed('c:cause').retryInMs, MAX_ALERT_RETRY_MS);
  retries.succeeded('c:cause');
  assert.equal(retries.due('c:cause'), true);
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
  assert.match(quotaText('Acme', 912, 1000, new Date('2026-11-30T05:00:00Z')), /912 of 1000 Zoho Books API calls of the day used \(91 %\); the count resets at 2026-11-30T05:00:00.000Z/);
  assert.match(quotaRefusedText('Acme', new Date('2026-11-30T00:00:00Z')), /^Connector — Acme: Zoho Books refused further API calls: .*Calls resume at 2026-11-30T00:00:00\.000Z .*orders wait/);
});
