export { Decimal } from './decimal/decimal';
export { FakeZoho } from './zoho/fake-zoho';
export type { FakeZohoOptions, ZohoFaults, ZohoCallRecord, AccountsCallRecord, ZohoOrg, CreateOrganizationInput, ZohoLimits, ZohoErrorCodes } from './zoho/fake-zoho';
export type * from './zoho/books-json-types';
export { computeInvoiceTotals } from './zoho/invoice-math';
export type { InvoiceMathInput, InvoiceMathLine, InvoiceMathResult } from './zoho/invoice-math';
export type { FaultPlan, FaultMatch, InjectedFault, LatencySpec } from './http/fault-plan';
export { FakeWooStore } from './woo/fake-woo-store';
export type { FakeWooOptions, DeliverOptions, DeliveryRecord, PingRecord, WooRequestRecord } from './woo/fake-woo-store';
export type {
  FakeProductInput,
  FakeVariableProductInput,
  FakeCustomerInput,
  FakeCustomerPatch,
  FakeOrderInput,
  FakeOrderLineInput,
  FakeOrderPatch,
  FakeRefundInput,
  FakeRefundLineInput,
  FakeRefundShippingInput,
  FakeRefundFeeInput,
  Money,
} from './woo/store-inputs';
export type { WooTaxRateInput } from './woo/tax-rates';
export type { WooKeyPermissions, WooUserRole } from './woo/store-records';
export type * from './woo/woo-json-types';
export { computeOrderTotals } from './woo/order-totals';
export type { OrderMathInput, OrderTotals, CouponType } from './woo/order-totals';
export { phpJsonEncode, PhpFloat } from './woo/php-json';
export { webhookSignature } from './woo/webhook-signature';
export { signWooRequest, oauthSignatureBaseString } from './woo/oauth1';
export { startSandbox } from './sandbox/start-sandbox';
export type { Sandbox, SandboxOptions } from './sandbox/start-sandbox';
export { SANDBOX_PROFILES } from './sandbox/seed-profiles';
export type { SandboxProfileName, SandboxProfile } from './sandbox/seed-profiles';
