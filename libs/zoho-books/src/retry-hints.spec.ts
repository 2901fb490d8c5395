import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concurrencyBackoff, dailyQuotaDelay, perMinuteBlock } from './retry-hints';

const headers = (values: Record<string, string> = {}) => new Headers(values);
const DAILY_RESET = { 'X-Rate-Limit-Reset': '34881' };

test('a per-minute refusal (44) blocks for the minute unless Zoho says otherwise, never for the daily reset', () => {
  assert.equal(perMinuteBlock(headers()), 60_000);
  assert.equal(perMinuteBlock(headers(DAILY_RESET)), 60_000, 'X-Rate-Limit-Reset counts down the day');
  assert.equal(perMinuteBlock(headers({ 'Retry-After': '30' })), 30_000);
  assert.equal(perMinuteBlock(headers({ 'Retry-After': '600' })), 60_000, 'at most the minute');
  assert.equal(perMinuteBlock(headers({ 'Retry-After': 'soon' })), 60_000, 'an unreadable Retry-After counts as none');
});

test('a concurrency refusal (1070) backs off a few seconds, never the daily reset', () => {
  assert.equal(concurrencyBackoff(headers()), 5_000);
  assert.equal(concurrencyBackoff(headers(DAILY_RESET)), 5_000);
  assert.equal(concurrencyBackoff(headers({ 'Retry-After': '2' })), 2_000);
  assert.equal(concurrencyBackoff(headers({ 'Retry-After': '3600' })), 60_000);
});

test('no Retry-After makes a refusal be retried at once', () => {
  // An event put back with no delay would spend its allowance of block waits in seconds.
  assert.equal(perMinuteBlock(headers({ 'Retry-After': '0' })), 1_000);
  assert.equal(concurrencyBackoff(headers({ 'Retry-After': '0' })), 1_000);
  assert.equal(concurrencyBackoff(headers({ 'Retry-After': new Date(Date.now() - 60_000).toUTCString() })), 1_000);
});

test('the daily quota (45) blocks until the announced reset, else an hour', () => {
  assert.equal(dailyQuotaDelay(headers({ 'X-Rate-Limit-Reset': '7200' })), 7_200_000);
  assert.equal(dailyQuotaDelay(headers({ 'Retry-After': '900', ...DAILY_RESET })), 900_000, 'Retry-After first');
  assert.equal(dailyQuotaDelay(headers()), 3_600_000, 'reset unknown: probed again in an hour');
  const inTwoHours = Math.floor(Date.now() / 1000) + 7_200;
  const fromEpoch = dailyQuotaDelay(headers({ 'X-Rate-Limit-Reset': String(inTwoHours) }));
  assert.ok(fromEpoch > 7_190_000 && fromEpoch <= 7_200_000, `an epoch reset: ${fromEpoch}`);
});

test('a daily reset that cannot be right is not waited for as it reads', () => {
  // The quota resets within a day: a reset years away (an epoch in milliseconds, read as seconds) is misread.
  assert.equal(dailyQuotaDelay(headers({ 'X-Rate-Limit-Reset': String(Date.now() + 7_200_000) })), 3_600_000);
  assert.equal(dailyQuotaDelay(headers({ 'Retry-After': String(3 * 86_400) })), 3_600_000);
  // A reset that reads as now has not happened on Zoho's side: it refused the call.
  assert.equal(dailyQuotaDelay(headers({ 'X-Rate-Limit-Reset': '0' })), 60_000);
  assert.equal(dailyQuotaDelay(headers({ 'X-Rate-Limit-Reset': String(Math.floor(Date.now() / 1000) - 60) })), 60_000);
});
