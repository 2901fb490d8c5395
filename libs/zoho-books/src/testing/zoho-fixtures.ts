/*
 * Zoho Books fixtures copied unchanged from the shared set (shared/fixtures/zoho, whose README
 * gives each body's source). Each call returns a fresh copy, so a test may change what it gets.
 */

import invoiceCreateRequest from './fixtures/invoice-create-request.json';
import invoiceCreateResponse from './fixtures/invoice-create-response.json';
import itemCreateResponse from './fixtures/item-create-response.json';
import contactsListResponse from './fixtures/contacts-list-response.json';
import invoicesListResponse from './fixtures/invoices-list-response.json';
import itemsListResponse from './fixtures/items-list-response.json';
import taxesListResponse from './fixtures/taxes-list-response.json';
import organizationsListResponse from './fixtures/organizations-list-response.json';
import invoiceDeleteResponse from './fixtures/invoice-delete-response.json';
import invoiceVoidResponse from './fixtures/invoice-void-response.json';
import invoiceMarkSentResponse from './fixtures/invoice-mark-sent-response.json';
import customerPaymentCreateRequest from './fixtures/customerpayment-create-request.json';
import customerPaymentCreateResponse from './fixtures/customerpayment-create-response.json';
import errorNotAuthorized57 from './fixtures/error-not-authorized-57.json';
import errorUnauthenticated14 from './fixtures/error-unauthenticated-14.json';
import errorRateLimitPerMinute44 from './fixtures/error-rate-limit-per-minute-44.json';
import errorRateLimitDaily45 from './fixtures/error-rate-limit-daily-45.json';
import errorConcurrency1070 from './fixtures/error-concurrency-1070.json';
import errorInternal1000 from './fixtures/error-internal-1000.json';
import errorDuplicateContactName3062 from './fixtures/error-duplicate-contact-name-3062.json';
import errorNotFound1002 from './fixtures/error-not-found-1002.json';
import errorMultipleOrganizations6024 from './fixtures/error-multiple-organizations-6024.json';

const FIXTURES = {
  'invoice-create-request.json': invoiceCreateRequest,
  'invoice-create-response.json': invoiceCreateResponse,
  'item-create-response.json': itemCreateResponse,
  'contacts-list-response.json': contactsListResponse,
  'invoices-list-response.json': invoicesListResponse,
  'items-list-response.json': itemsListResponse,
  'taxes-list-response.json': taxesListResponse,
  'organizations-list-response.json': organizationsListResponse,
  'invoice-delete-response.json': invoiceDeleteResponse,
  'invoice-void-response.json': invoiceVoidResponse,
  'invoice-mark-sent-response.json': invoiceMarkSentResponse,
  'customerpayment-create-request.json': customerPaymentCreateRequest,
  'customerpayment-create-response.json': customerPaymentCreateResponse,
  'error-not-authorized-57.json': errorNotAuthorized57,
  'error-unauthenticated-14.json': errorUnauthenticated14,
  'error-rate-limit-per-minute-44.json': errorRateLimitPerMinute44,
  'error-rate-limit-daily-45.json': errorRateLimitDaily45,
  'error-concurrency-1070.json': errorConcurrency1070,
  'error-internal-1000.json': errorInternal1000,
  'error-duplicate-contact-name-3062.json': errorDuplicateContactName3062,
  'error-not-found-1002.json': errorNotFound1002,
  'error-multiple-organizations-6024.json': errorMultipleOrganizations6024,
};

export type ZohoFixtureName = keyof typeof FIXTURES;

export function zohoFixture(name: ZohoFixtureName): unknown {
  return structuredClone(FIXTURES[name]);
}
