/*
 * Zoho Books v3 request and response bodies (specs/zoho-books.md §2–§6, fixtures/zoho/). Responses
 * list the fields the integration reads and keep an index signature for the many others Zoho
 * sends. Ids are always strings (see json.ts). Amounts are JSON numbers as Zoho sends them.
 * Request bodies type the fields we may send; optional means "leave Zoho's value alone".
 */

/** Every Books response: `code` 0 on success, `message` in words, plus the resource key. */
export interface ZohoEnvelope {
  code: number;
  message: string;
  [resource: string]: unknown;
}

export interface ZohoPageContext {
  page: number;
  per_page: number;
  has_more_page: boolean;
  [key: string]: unknown;
}

export interface ZohoOrganization {
  organization_id: string;
  name: string;
  is_default_org: boolean;
  currency_id: string;
  currency_code: string;
  currency_symbol?: string;
  price_precision?: number;
  time_zone?: string;
  language_code?: string;
  is_org_active?: boolean;
  plan_name?: string;
  [key: string]: unknown;
}

/** A tax, compound tax or tax group (Zoho lists groups in the same collection as `tax_group`). */
export interface ZohoTax {
  tax_id: string;
  tax_name: string;
  tax_percentage: number;
  tax_type: 'tax' | 'compound_tax' | 'tax_group' | (string & {});
  is_default_tax?: boolean;
  is_value_added?: boolean;
  tax_specific_type?: string | null;
  [key: string]: unknown;
}

export interface ZohoCurrency {
  currency_id: string;
  currency_code: string;
  currency_name?: string;
  currency_symbol?: string;
  price_precision?: number;
  is_base_currency?: boolean;
  /** e.g. `1,234,567.89`. */
  currency_format?: string;
  /** The latest rate on file (1 for the base currency, and for one without rates). */
  exchange_rate?: number;
  /** yyyy-mm-dd of that rate; '' without one. */
  effective_date?: string;
  [key: string]: unknown;
}

/** One rate of a currency: base-currency units per unit of it, from `effective_date` (yyyy-mm-dd) on. */
export interface ZohoExchangeRate {
  exchange_rate_id: string;
  currency_id: string;
  currency_code: string;
  effective_date: string;
  rate: number;
  [key: string]: unknown;
}

export interface ZohoAddress {
  attention?: string;
  address?: string;
  street2?: string;
  city?: string;
  state?: string;
  state_code?: string;
  zip?: string;
  country?: string;
  phone?: string;
  fax?: string;
  address_id?: string;
}

export interface ZohoContactPerson {
  contact_person_id: string;
  salutation?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  is_primary_contact?: boolean;
  [key: string]: unknown;
}

export interface ZohoCustomFieldValue {
  customfield_id?: string;
  index?: number;
  label?: string;
  value: unknown;
}

/**
 * A contact. GET /contacts/{id} and writes return the full record; list rows are flattened from
 * the primary contact person (`email`, `first_name`, … at the top level, no `contact_persons`).
 */
export interface ZohoContact {
  contact_id: string;
  contact_name: string;
  company_name?: string;
  contact_type?: 'customer' | 'vendor' | (string & {});
  customer_sub_type?: 'individual' | 'business' | (string & {});
  status?: 'active' | 'inactive' | (string & {});
  email?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  /** The contact's one currency; its documents are in it. Zoho refuses to change it once it has transactions. */
  currency_id?: string;
  currency_code?: string;
  currency_symbol?: string;
  primary_contact_id?: string;
  billing_address?: ZohoAddress;
  shipping_address?: ZohoAddress;
  contact_persons?: ZohoContactPerson[];
  custom_fields?: ZohoCustomFieldValue[];
  notes?: string;
  created_time?: string;
  last_modified_time?: string;
  [key: string]: unknown;
}

export interface ZohoContactPersonInput {
  /** Keeps an existing person; a PUT that omits a person's id deletes that person. */
  contact_person_id?: string;
  salutation?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  designation?: string;
  department?: string;
  is_primary_contact?: boolean;
}

/** POST /contacts and PUT /contacts/{id}; `contact_name` is unique per organization (code 3062). */
export interface ZohoContactInput {
  contact_name: string;
  company_name?: string;
  contact_type?: 'customer' | 'vendor';
  customer_sub_type?: 'individual' | 'business';
  /** An id of the organization's currencies (not a code); the base currency when left out. */
  currency_id?: string;
  payment_terms?: number;
  payment_terms_label?: string;
  notes?: string;
  website?: string;
  language_code?: string;
  billing_address?: ZohoAddress;
  shipping_address?: ZohoAddress;
  contact_persons?: ZohoContactPersonInput[];
  custom_fields?: ZohoCustomFieldValue[];
  is_taxable?: boolean;
  tax_id?: string;
  tax_exemption_id?: string;
  vat_treatment?: string;
  tax_treatment?: string;
  country_code?: string;
  vat_reg_no?: string;
}

export interface ZohoItem {
  item_id: string;
  name: string;
  status?: 'active' | 'inactive' | (string & {});
  description?: string;
  rate: number;
  unit?: string;
  sku?: string;
  tax_id?: string;
  tax_name?: string;
  tax_percentage?: number;
  product_type?: 'goods' | 'service' | 'digital_service' | (string & {});
  item_type?: string;
  custom_fields?: ZohoCustomFieldValue[];
  [key: string]: unknown;
}

/** POST /items (and PUT /items/{id}): `name` is unique per organization, `sku` should be. */
export interface ZohoItemInput {
  name: string;
  rate: number;
  description?: string;
  sku?: string;
  unit?: string;
  tax_id?: string;
  is_taxable?: boolean;
  tax_exemption_id?: string;
  product_type?: 'goods' | 'service' | 'digital_service';
  item_type?: 'sales' | 'purchases' | 'sales_and_purchases' | 'inventory';
  account_id?: string;
  hsn_or_sac?: string;
  custom_fields?: ZohoCustomFieldValue[];
}

export interface ZohoInvoiceLineItem {
  line_item_id: string;
  item_id?: string;
  name?: string;
  description?: string;
  item_order?: number;
  rate: number;
  quantity: number;
  unit?: string;
  discount?: number | string;
  discount_amount?: number;
  tax_id?: string;
  tax_name?: string;
  tax_percentage?: number;
  item_total: number;
  [key: string]: unknown;
}

export type ZohoInvoiceStatus =
  | 'draft'
  | 'sent'
  | 'overdue'
  | 'paid'
  | 'void'
  | 'unpaid'
  | 'partially_paid'
  | 'viewed'
  | (string & {});

/** GET /invoices/{id} and writes return all of it; list rows carry the header fields only. */
export interface ZohoInvoice {
  invoice_id: string;
  invoice_number: string;
  reference_number?: string;
  status: ZohoInvoiceStatus;
  date: string;
  due_date?: string;
  customer_id: string;
  customer_name?: string;
  currency_id?: string;
  currency_code?: string;
  exchange_rate?: number;
  is_inclusive_tax?: boolean;
  discount?: number | string;
  discount_type?: string;
  is_discount_before_tax?: boolean;
  line_items?: ZohoInvoiceLineItem[];
  shipping_charge?: number;
  adjustment?: number;
  adjustment_description?: string;
  sub_total?: number;
  tax_total?: number;
  total: number;
  balance?: number;
  payment_made?: number;
  credits_applied?: number;
  notes?: string;
  created_time?: string;
  last_modified_time?: string;
  [key: string]: unknown;
}

export interface ZohoInvoiceLineItemInput {
  /** Keeps an existing line on update; lines left out of an update are deleted. */
  line_item_id?: string;
  item_id: string;
  name?: string;
  description?: string;
  item_order?: number;
  rate: number;
  quantity: number;
  unit?: string;
  /** A number is an amount; a string ending in `%` a percentage. */
  discount?: number | string;
  tax_id?: string;
  tax_exemption_id?: string;
  product_type?: 'goods' | 'services';
  hsn_or_sac?: string;
}

/** POST /invoices and PUT /invoices/{id}. */
export interface ZohoInvoiceInput {
  customer_id: string;
  line_items: ZohoInvoiceLineItemInput[];
  /** Our own number; needs `ignoreAutoNumberGeneration` and must be unique in the organization. */
  invoice_number?: string;
  reference_number?: string;
  date?: string;
  due_date?: string;
  payment_terms?: number;
  payment_terms_label?: string;
  /** The customer's currency (Zoho's default); naming another one is refused. */
  currency_id?: string;
  /**
   * Base-currency units per unit of the invoice's currency. Zoho wants it for a foreign currency;
   * in the base currency it is 1 whatever is sent.
   */
  exchange_rate?: number;
  contact_persons?: string[];
  is_inclusive_tax?: boolean;
  discount?: number | string;
  discount_type?: 'entity_level' | 'item_level';
  is_discount_before_tax?: boolean;
  shipping_charge?: number | string;
  adjustment?: number;
  adjustment_description?: string;
  notes?: string;
  terms?: string;
  salesperson_name?: string;
  template_id?: string;
  location_id?: string;
  custom_fields?: ZohoCustomFieldValue[];
  tax_id?: string;
  tax_exemption_id?: string;
  tax_authority_id?: string;
  place_of_supply?: string;
  vat_treatment?: string;
  tax_treatment?: string;
  allow_partial_payments?: boolean;
  reason?: string;
}

export interface ZohoInvoiceWriteOptions {
  /** Send `ignore_auto_number_generation=true` so our `invoice_number` is used. */
  ignoreAutoNumberGeneration?: boolean;
}

export type ZohoCreditNoteStatus = 'draft' | 'open' | 'closed' | 'void' | (string & {});

/**
 * A credit note (specs/zoho-books.md §5.8). GET /creditnotes/{id} and the create return all of
 * it; list rows carry the header fields only. `balance` is what is left to apply to invoices or
 * refund; at 0 the status reads `closed`.
 */
export interface ZohoCreditNote {
  creditnote_id: string;
  creditnote_number: string;
  reference_number?: string;
  status: ZohoCreditNoteStatus;
  date: string;
  customer_id: string;
  customer_name?: string;
  currency_id?: string;
  currency_code?: string;
  exchange_rate?: number;
  is_inclusive_tax?: boolean;
  line_items?: ZohoInvoiceLineItem[];
  sub_total?: number;
  tax_total?: number;
  total: number;
  balance?: number;
  adjustment?: number;
  /** The invoice it was raised against (`invoiceId` on create). */
  invoice_id?: string;
  invoice_number?: string;
  created_time?: string;
  last_modified_time?: string;
  [key: string]: unknown;
}

/** A credit note line: an invoice line that may also name the invoice line it credits. */
export interface ZohoCreditNoteLineItemInput extends Omit<ZohoInvoiceLineItemInput, 'line_item_id' | 'item_id'> {
  /**
   * Optional on credit notes (then `name` and `rate` describe the line). As on invoices, whether
   * Zoho takes lines without an item is unconfirmed; sending an item is the safe path.
   */
  item_id?: string;
  account_id?: string;
  invoice_id?: string;
  invoice_item_id?: string;
}

/** POST /creditnotes. Totals follow the same rules as an invoice's. */
export interface ZohoCreditNoteInput {
  customer_id: string;
  line_items: ZohoCreditNoteLineItemInput[];
  /** yyyy-mm-dd; Zoho uses today (in the organization's time zone) when left out. */
  date?: string;
  reference_number?: string;
  /** Our own number; used only with `ignoreAutoNumberGeneration` and unique in the organization. */
  creditnote_number?: string;
  is_inclusive_tax?: boolean;
  discount_type?: 'entity_level' | 'item_level';
  is_discount_before_tax?: boolean;
  adjustment?: number;
  adjustment_description?: string;
  notes?: string;
  terms?: string;
  /** The customer's currency (the default); naming another one is refused. */
  currency_id?: string;
  /** As on an invoice: wanted for a foreign currency, 1 in the base currency. */
  exchange_rate?: number;
}

export interface ZohoCreditNoteWriteOptions extends ZohoInvoiceWriteOptions {
  /** Raise the credit note against this invoice (the same customer's, not void); applies no credit by itself. */
  invoiceId?: string;
}

/**
 * POST /creditnotes/{id}/refunds: money paid back to the customer out of an open credit note's
 * balance, recorded as a withdrawal from `from_account_id`.
 */
export interface ZohoCreditNoteRefundInput {
  /** yyyy-mm-dd. */
  date: string;
  /** Greater than 0 and at most the credit note's `balance`, in the credit note's currency. */
  amount: number;
  /** The bank or cash account the money leaves. */
  from_account_id: string;
  refund_mode?: ZohoPaymentModeName;
  /** At most 100 characters. */
  reference_number?: string;
  description?: string;
}

/** A refund of a credit note as Zoho answers it (`creditnote_refund`; rows of `creditnote_refunds`). */
export interface ZohoCreditNoteRefund {
  creditnote_refund_id: string;
  creditnote_id: string;
  date: string;
  refund_mode?: string;
  reference_number?: string;
  /** In the organization's base currency. */
  amount_bcy?: number;
  /** In the credit note's currency. */
  amount_fcy?: number;
  [key: string]: unknown;
}

/** Zoho's payment modes (specs/zoho-books.md §5.7). */
export type ZohoPaymentModeName = 'check' | 'cash' | 'creditcard' | 'banktransfer' | 'bankremittance' | 'autotransaction' | 'others';

/** POST /customerpayments (specs/zoho-books.md §5.7): money received, applied to invoices. */
export interface ZohoCustomerPaymentInput {
  customer_id: string;
  payment_mode: ZohoPaymentModeName;
  amount: number;
  /** yyyy-mm-dd. */
  date: string;
  reference_number?: string;
  description?: string;
  /** The deposit-to account. */
  account_id?: string;
  /** As on an invoice: the payment is in the customer's currency; 1 in the base currency. */
  exchange_rate?: number;
  invoices: Array<{ invoice_id: string; amount_applied: number }>;
}

/** A customer payment as Zoho answers it (`payment`; rows of `customerpayments`). */
export interface ZohoCustomerPayment {
  payment_id: string;
  /** One of ZohoPaymentModeName, or a mode the organization added in Books. */
  payment_mode: string;
  amount: number;
  date: string;
  status?: string;
  reference_number?: string;
  description?: string;
  customer_id: string;
  customer_name?: string;
  /** Where the amount went; what is not applied is the customer's credit. List rows may leave it out. */
  invoices?: Array<{ invoice_id: string; invoice_number?: string; amount_applied: number; balance_amount?: number }>;
  currency_id?: string;
  currency_code?: string;
  exchange_rate?: number;
  created_time?: string;
  [key: string]: unknown;
}
