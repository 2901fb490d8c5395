import type { Decimal } from '../decimal/decimal';

/*
 * What the fake stores per record. The JSON the API returns is rendered from these by the
 * `*-json.ts` files, so stored state and wire format stay separate (money is Decimal here and a
 * JSON number rounded to the price precision on the wire).
 */

export interface ZohoAddress {
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

export interface ContactPersonRecord {
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

export interface ContactRecord {
  contact_id: string;
  contact_name: string;
  company_name: string;
  contact_type: 'customer' | 'vendor';
  customer_sub_type: 'individual' | 'business';
  website: string;
  language_code: string;
  credit_limit: Decimal;
  is_portal_enabled: boolean;
  currency_id: string;
  payment_terms: number;
  payment_terms_label: string;
  notes: string;
  status: 'active' | 'inactive';
  tax_id: string;
  billing_address: ZohoAddress;
  shipping_address: ZohoAddress;
  contact_persons: ContactPersonRecord[];
  custom_fields: unknown[];
  /** Payments left over after applying, and payments of voided invoices. */
  unused_credits: Decimal;
  created_at: number;
  modified_at: number;
}

export interface ItemRecord {
  item_id: string;
  name: string;
  status: 'active' | 'inactive';
  description: string;
  rate: Decimal;
  unit: string;
  tax_id: string;
  sku: string;
  product_type: string;
  item_type: string;
  account_id: string;
  purchase_rate: Decimal;
  custom_fields: unknown[];
  created_at: number;
  modified_at: number;
}

export interface TaxRecord {
  tax_id: string;
  tax_name: string;
  tax_percentage: Decimal;
  tax_type: 'tax' | 'compound_tax';
  is_default_tax: boolean;
}

export interface TaxGroupRecord {
  tax_group_id: string;
  tax_group_name: string;
  member_ids: string[];
}

export interface InvoiceLineRecord {
  line_item_id: string;
  item_id: string;
  name: string;
  description: string;
  item_order: number;
  rate: Decimal;
  quantity: Decimal;
  unit: string;
  /** As sent: `"10%"`, a number, or undefined. */
  discount: string | number | undefined;
  discount_amount_input: Decimal | undefined;
  tax_id: string;
  product_type: string;
  /** Computed by invoice-math. */
  item_total: Decimal;
  discount_amount: Decimal;
  tax_amount: Decimal;
}

export interface InvoiceRecord {
  invoice_id: string;
  invoice_number: string;
  customer_id: string;
  contact_persons: string[];
  date: string;
  due_date: string;
  payment_terms: number;
  payment_terms_label: string;
  reference_number: string;
  /** Stored status; paid/partially_paid/overdue are derived when rendering. */
  base_status: 'draft' | 'sent' | 'void';
  is_emailed: boolean;
  currency_id: string;
  exchange_rate: Decimal;
  discount: Decimal;
  is_discount_before_tax: boolean;
  discount_type: string;
  is_inclusive_tax: boolean;
  line_items: InvoiceLineRecord[];
  shipping_charge: Decimal;
  adjustment: Decimal;
  adjustment_description: string;
  sub_total: Decimal;
  tax_total: Decimal;
  total: Decimal;
  taxes: Array<{ tax_id: string; tax_name: string; tax_amount: Decimal }>;
  payment_made: Decimal;
  credits_applied: Decimal;
  write_off_amount: Decimal;
  allow_partial_payments: boolean;
  notes: string;
  terms: string;
  salesperson_name: string;
  custom_fields: unknown[];
  billing_address: ZohoAddress;
  shipping_address: ZohoAddress;
  created_at: number;
  modified_at: number;
}

export interface PaymentRecord {
  payment_id: string;
  payment_mode: string;
  amount: Decimal;
  bank_charges: Decimal;
  date: string;
  reference_number: string;
  description: string;
  customer_id: string;
  /** The customer's currency, as a payment takes it. */
  currency_id: string;
  exchange_rate: Decimal;
  account_id: string;
  invoices: Array<{ invoice_id: string; amount_applied: Decimal }>;
  created_at: number;
}

/** A credit note line: an invoice line that may also name the invoice (line) it credits. */
export interface CreditNoteLineRecord extends InvoiceLineRecord {
  invoice_id: string;
  invoice_item_id: string;
}

/** Credit of a credit note applied to one invoice (POST /creditnotes/{id}/invoices). */
export interface CreditApplicationRecord {
  creditnote_invoice_id: string;
  invoice_id: string;
  amount_applied: Decimal;
  date: string;
}

/**
 * A refund of a credit note: money paid back to the customer from `from_account_id`
 * (POST /creditnotes/{id}/refunds). It lowers the credit note's balance until deleted.
 */
export interface CreditNoteRefundRecord {
  creditnote_refund_id: string;
  date: string;
  /** In the credit note's currency (`amount_fcy`; `amount_bcy` is this × `exchange_rate`). */
  amount: Decimal;
  /** The rate sent, else the credit note's. */
  exchange_rate: Decimal;
  from_account_id: string;
  /** One of the payment modes, or '' when the body named none. */
  refund_mode: string;
  reference_number: string;
  description: string;
  created_at: number;
}

export interface CreditNoteRecord {
  creditnote_id: string;
  creditnote_number: string;
  customer_id: string;
  date: string;
  reference_number: string;
  /** Stored status; `closed` is derived when nothing is left to apply. */
  base_status: 'draft' | 'open' | 'void';
  currency_id: string;
  exchange_rate: Decimal;
  is_discount_before_tax: boolean;
  discount_type: string;
  is_inclusive_tax: boolean;
  /** The invoice it was raised against (query `invoice_id` on create), or ''. */
  invoice_id: string;
  line_items: CreditNoteLineRecord[];
  adjustment: Decimal;
  adjustment_description: string;
  sub_total: Decimal;
  tax_total: Decimal;
  total: Decimal;
  taxes: Array<{ tax_id: string; tax_name: string; tax_amount: Decimal }>;
  /** Credits standing on invoices; voiding the credit note or the invoice removes them. */
  invoices_credited: CreditApplicationRecord[];
  /** Money given back to the customer out of the credit note (POST /creditnotes/{id}/refunds), oldest first. */
  refunds: CreditNoteRefundRecord[];
  notes: string;
  terms: string;
  billing_address: ZohoAddress;
  shipping_address: ZohoAddress;
  created_at: number;
  modified_at: number;
}
