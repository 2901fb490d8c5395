export { Decimal } from './decimal/decimal';
export { FakeZoho } from './zoho/fake-zoho';
export type { FakeZohoOptions, ZohoFaults, ZohoCallRecord, AccountsCallRecord, ZohoOrg, CreateOrganizationInput, ZohoLimits, ZohoErrorCodes } from './zoho/fake-zoho';
export type * from './zoho/books-json-types';
export { computeInvoiceTotals } from './zoho/invoice-math';
export type { InvoiceMathInput, InvoiceMathLine, InvoiceMathResult } from './zoho/invoice-math';
export type { FaultMatch, InjectedFault, LatencySpec } from './http/fault-plan';
