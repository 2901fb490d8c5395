import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, TransientError } from '@connector/common';
import { WooCredentialsError, WooNotFoundError, WooPermissionError, WooRateLimitedError, WooUnavailableError } from '@connector/woocommerce';
import { ZohoInvalidClientError, ZohoReauthorizationRequired, ZohoUnavailableError } from '@connector/zoho-books';
import { isRefusal, upstreamFailure } from './upstream-failure';

const woo = { operation: 'GET /webhooks', upstreamMessage: 'no', status: 401 };

test('a refusal (retrying cannot help until someone fixes it) is a 400; an outage a 502; both keep the words', () => {
  const refusals = [
    new WooCredentialsError(woo),
    new WooPermissionError({ ...woo, status: 403 }),
    new WooNotFoundError({ ...woo, status: 404 }),
    new ZohoInvalidClientError('invalid_client', 'accounts.zoho.eu'),
    new ZohoReauthorizationRequired(),
    new PermanentError('a permanent failure another service answered over NATS'),
  ];
  const outages = [
    new WooUnavailableError('WooCommerce GET /webhooks failed: ECONNREFUSED'),
    new WooRateLimitedError('slow down'),
    new ZohoUnavailableError('Zoho Books answered 503'),
    new TransientError('rpc.x.catalog.sync did not answer: timeout'),
  ];
  for (const error of refusals) assert.equal(isRefusal(error), true, error.name);
  for (const error of outages) assert.equal(isRefusal(error), false, error.name);
  const refused = upstreamFailure('the store refused the keys', true);
  assert.deepEqual([refused.getStatus(), refused.message], [400, 'the store refused the keys']);
  const down = upstreamFailure('the store did not answer', false);
  assert.deepEqual([down.getStatus(), down.message], [502, 'the store did not answer']);
});
