/*
 * The JSON shapes the fake Books API returns (and the `FakeZoho` accessors hand to tests).
 * Field names and types follow fixtures/zoho/*.json; IDs are strings, amounts JSON numbers.
 */

export interface ZohoAddressJson {
  attention: string;
  address: string;
  street2: string;
  state_code: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  fax: string;
  phone: string;
}

export interface ZohoContactPerson {
  contact_person_id: string;
  salutation: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  mobile: string;
  designation: string;
  department: string;
  skype: string;
  is_primary_contact: boolean;
  enable_portal: boolean;
}

export interface ZohoContact {
  contact_id: string;
  contact_name: string;
  company_name: string;
  has_transaction: boolean;
  contact_type: 'customer' | 'vendor';
  customer_sub_type: 'individual' | 'business';
  credit_limit: number;
  is_portal_enabled: boolean;
  language_code: string;
  is_linked_with_zohocrm: boolean;
  website: string;
  primary_contact_id: string;
  payment_terms: number;
  payment_terms_label: string;
  currency_id: string;
  currency_code: string;
  currency_symbol: string;
  outstanding_receivable_amount: number;
  unused_credits_receivable_amount: number;
  status: 'active' | 'inactive';
  payment_reminder_enabled: boolean;
  custom_fields: unknown[];
  billing_address: ZohoAddressJson;
  shipping_address: ZohoAddressJson;
  contact_persons: ZohoContactPerson[];
  notes: string;
  tax_id?: string;
  created_time: string;
  last_modified_time: string;
}

export interface ZohoItem {
  item_id: string;
  name: string;
  status: 'active' | 'inactive';
  description: string;
  rate: number;
  unit: string;
  tax_id: string;
  tax_name: string;
  tax_percentage: number;
  tax_type: string;
  sku: string;
  product_type: string;
  item_type: string;
  account_id: string;
  purchase_rate: number;
  item_tax_preferences: unknown[];
  custom_fields: unknown[];
  created_time: string;
  last_modified_time: string;
}

export interface ZohoTaxMember {
  tax_id: string;
  tax_name: string;
  tax_percentage: number;
  tax_type: 'tax' | 'compound_tax';
}

/** A row of GET /settings/taxes: a tax, or a tax group (`tax_type: 'tax_group'` with `taxes`). */
export interface ZohoTax {
  tax_id: string;
  tax_name: string;
  tax_percentage: number;
  tax_type: 'tax' | 'compound_tax' | 'tax_group';
  tax_factor?: string;
  tax_specific_type?: string | null;
  is_value_added?: boolean;
  is_default_tax: boolean;
  is_editable: boolean;
  tax_account_id?: string;
  purchase_tax_account_id?: string;
  /** Tax groups only: the member taxes. */
  taxes?: ZohoTaxMember[];
}

export interface ZohoInvoiceLine {
  line_item_id: string;
  item_id: string;
  name: string;
  description: string;
  item_order: number;
  bcy_rate: number;
  rate: number;
  quantity: number;
  unit: string;
  discount_amount: number;
  discount: number | string;
  tax_id: string;
  tax_name: string;
  tax_type: string;
  tax_percentage: number;
  item_total: number;
  product_type: string;
}

export type ZohoInvoiceStatus = 'draft' | 'sent' | 'overdue' | 'paid' | 'void' | 'unpaid' | 'partially_paid' | 'viewed';

export interface ZohoInvoice {
  invoice_id: string;
  invoice_number: string;
  date: string;
  due_date: string;
  status: ZohoInvoiceStatus;
  payment_terms: number;
  payment_terms_label: string;
  reference_number: string;
  customer_id: string;
  customer_name: string;
  contact_persons: string[];
  currency_id: string;
  currency_code: string;
  exchange_rate: number;
  discount: number;
  is_discount_before_tax: boolean;
  discount_type: string;
  is_inclusive_tax: boolean;
  line_items: ZohoInvoiceLine[];
  shipping_charge: number;
  adjustment: number;
  adjustment_description: string;
  sub_total: number;
  tax_total: number;
  total: number;
  taxes: Array<{ tax_name: string; tax_amount: number }>;
  payment_made: number;
  credits_applied: number;
  balance: number;
  write_off_amount: number;
  allow_partial_payments: boolean;
  price_precision: number;
  is_emailed: boolean;
  notes: string;
  terms: string;
  salesperson_name: string;
  billing_address: ZohoAddressJson;
  shipping_address: ZohoAddressJson;
  custom_fields: unknown[];
  invoice_url: string;
  created_time: string;
  last_modified_time: string;
}

export interface ZohoPayment {
  payment_id: string;
  payment_mode: string;
  amount: number;
  amount_refunded: number;
  bank_charges: number;
  date: string;
  status: string;
  reference_number: string;
  description: string;
  customer_id: string;
  customer_name: string;
  email: string;
  invoices: Array<{ invoice_id: string; invoice_number: string; date: string; invoice_amount: number; amount_applied: number; balance_amount: number }>;
  currency_id: string;
  currency_code: string;
  currency_symbol: string;
  exchange_rate: number;
  custom_fields: unknown[];
  created_time: string;
}

/** `closed` means nothing is left to apply or refund; it is derived from the balance. */
export type ZohoCreditNoteStatus = 'draft' | 'open' | 'closed' | 'void';

export interface ZohoCreditNoteLine extends ZohoInvoiceLine {
  /** The invoice (line) this line credits, or ''. */
  invoice_id: string;
  invoice_item_id: string;
}

/** One application of the credit note to an invoice. */
export interface ZohoCreditedInvoice {
  creditnote_invoice_id: string;
  creditnote_id: string;
  invoice_id: string;
  invoice_number: string;
  date: string;
  amount_applied: number;
}

/**
 * A refund of a credit note (`creditnote_refund` of POST /creditnotes/{id}/refunds, rows of
 * `creditnote_refunds` of the GET). `amount_fcy` is in the credit note's currency, `amount_bcy`
 * in the organisation's.
 */
export interface ZohoCreditNoteRefund {
  creditnote_refund_id: string;
  creditnote_id: string;
  date: string;
  refund_mode: string;
  reference_number: string;
  creditnote_number: string;
  customer_name: string;
  description: string;
  amount_bcy: number;
  amount_fcy: number;
}

export interface ZohoCreditNote {
  creditnote_id: string;
  creditnote_number: string;
  date: string;
  status: ZohoCreditNoteStatus;
  reference_number: string;
  customer_id: string;
  customer_name: string;
  currency_id: string;
  currency_code: string;
  exchange_rate: number;
  is_discount_before_tax: boolean;
  discount_type: string;
  is_inclusive_tax: boolean;
  /** The invoice it was raised against (query `invoice_id` on create), or ''. */
  invoice_id: string;
  invoice_number: string;
  line_items: ZohoCreditNoteLine[];
  adjustment: number;
  adjustment_description: string;
  sub_total: number;
  tax_total: number;
  total: number;
  taxes: Array<{ tax_name: string; tax_amount: number }>;
  total_credits_used: number;
  total_refunded_amount: number;
  balance: number;
  price_precision: number;
  invoices_credited: ZohoCreditedInvoice[];
  notes: string;
  terms: string;
  billing_address: ZohoAddressJson;
  shipping_address: ZohoAddressJson;
  created_time: string;
  last_modified_time: string;
}
