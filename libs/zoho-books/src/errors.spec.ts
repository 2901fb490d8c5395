import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTransient, retryAfterOf } from '@connector/common';
import { booksErrorFor, ZohoConcurrencyLimitedError, ZohoDailyQuotaExceeded, ZohoRateLimitedError } from './errors';
import { zohoFixture } from './testing/zoho-fixtures';

function refusal(status: number, body: unknown, headers: Record<string, string> = {}) {
  return booksErrorFor('GET /items/1', { status, headers: new Headers(headers), body, text: JSON.stringify(body) });
}

test('a concurrency refusal (1070) is a short back-off of this call, not a block of the organization', () => {
  const error = refusal(429, zohoFixture('error-concurrency-1070.json'), { 'X-Rate-Limit-Reset': '34881' });
  assert.ok(error instanceof ZohoConcurrencyLimitedError, `got ${String(error)}`);
  // The Books client blocks the organization for every ZohoRateLimitedError: a 1070 must not be one.
  assert.ok(!(error instanceof ZohoRateLimitedError));
  assert.ok(isTransient(error));
  assert.equal(error.code, '1070');
  assert.equal(error.zohoCode, 1070);
  assert.equal(error.status, 429);
  assert.equal(retryAfterOf(error), 5_000);
  assert.match(error.message, /GET \/items\/1 failed: .*in process requests.*\(HTTP 429, code 1070\); too many calls in flight, retry in 5 s/);
});

test('the per-minute (44) and daily (45) limits block the organization', () => {
  const perMinute = refusal(429, zohoFixture('error-rate-limit-per-minute-44.json'));
  assert.ok(perMinute instanceof ZohoRateLimitedError && !(perMinute instanceof ZohoDailyQuotaExceeded));
  assert.equal(perMinute.code, '44');
  assert.equal(perMinute.retryAfterMs, 60_000);

  const daily = refusal(429, zohoFixture('error-rate-limit-daily-45.json'), { 'X-Rate-Limit-Reset': '7200' });
  assert.ok(daily instanceof ZohoDailyQuotaExceeded);
  assert.equal(daily.retryAfterMs, 7_200_000);
});

test('a 429 without a known code is taken for the per-minute limit; the codes count even without a 429', () => {
  const bare = refusal(429, { code: 9999, message: 'Too many requests' });
  assert.ok(bare instanceof ZohoRateLimitedError);
  assert.equal(bare.retryAfterMs, 60_000);
  const notJson = booksErrorFor('GET /items/1', { status: 429, headers: new Headers(), body: undefined, text: '<html>429</html>' });
  assert.ok(notJson instanceof ZohoRateLimitedError);

  assert.ok(refusal(400, { code: 1070, message: 'in process requests' }) instanceof ZohoConcurrencyLimitedError);
  assert.ok(refusal(200, { code: 44, message: 'blocked' }) instanceof ZohoRateLimitedError);
});
