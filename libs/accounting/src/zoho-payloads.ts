/*
 * The Zoho Books request bodies this library produces (Zoho Books API v3; see
 * specs/zoho-books.md §3–§5). Only the fields we fill are typed. Amounts are JSON numbers where
 * Zoho documents numbers; every number here was produced by `Decimal.toNumber()`, which guarantees
 * it prints back as the exact decimal intended.
 */

export interface ZohoInvoiceLineItemPayload {
  item_id: string;
  /** Overrides the item's catalogue name on this invoice; at most 100 characters. */
  name: string;
  description?: string;
  quantity: number;
  /** Unit price; tax-inclusive when the invoice has `is_inclusive_tax`. */
  rate: number;
  /** Absolute amount off `rate × quantity` (a string ending in `%` would mean a percentage). */
  discount?: number | string;
  /** A Zoho tax or tax group id; absent for untaxed lines. */
  tax_id?: string;
  item_order: number;
}

export interface ZohoInvoicePayload {
  customer_id: string;
  /** yyyy-mm-dd in the store's time zone. */
  date: string;
  /** The WooCommerce order number: how an invoice is found again (GET /invoices?reference_number=). */
  reference_number: string;
  /** Only when the invoice number is ours; the create call then needs `ignore_auto_number_generation=true`. */
  invoice_number?: string;
  is_inclusive_tax: boolean;
  /** Discounts are per line and taken before tax, as WooCommerce coupons are. */
  discount_type: 'item_level';
  is_discount_before_tax: true;
  line_items: ZohoInvoiceLineItemPayload[];
  notes: string;
  /** Always sent, 0 when nothing needs adjusting, so an update clears an earlier adjustment. */
  adjustment: number;
  adjustment_description: string;
  /** Untaxed shipping; never filled by `buildInvoice`, which bills shipping as line items. */
  shipping_charge?: number | string;
  /** Only for an order in another currency than the organization's base one: the rate of `date`. */
  exchange_rate?: number;
}

/**
 * POST /creditnotes: an invoice's body without its number or shipping charge (Zoho numbers credit
 * notes itself), with `reference_number` naming the refund (`<order number>-R<refund id>`).
 */
export type ZohoCreditNotePayload = Omit<ZohoInvoicePayload, 'invoice_number' | 'shipping_charge'>;

export interface ZohoAddressPayload {
  attention?: string;
  address?: string;
  street2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  phone?: string;
}

export interface ZohoContactPersonPayload {
  /** Present for persons that already exist; a PUT without it would delete them. */
  contact_person_id?: string;
  salutation?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  mobile?: string;
  designation?: string;
  department?: string;
  is_primary_contact: boolean;
}

export interface ZohoContactPayload {
  contact_name: string;
  company_name: string;
  contact_type: 'customer';
  customer_sub_type: 'individual' | 'business';
  billing_address?: ZohoAddressPayload;
  shipping_address?: ZohoAddressPayload;
  contact_persons: ZohoContactPersonPayload[];
}

export interface ZohoItemPayload {
  name: string;
  rate: number;
  description?: string;
  sku?: string;
  product_type: 'goods';
}

/** Zoho's payment modes (POST /customerpayments `payment_mode`). */
export type ZohoPaymentMode = 'check' | 'cash' | 'creditcard' | 'banktransfer' | 'bankremittance' | 'autotransaction' | 'others';

/**
 * POST /customerpayments: the money an order brought in, applied to the order's invoice.
 * `reference_number` names the order (`<order number>-P`), how a payment is found again after a
 * lost response; the gateway's transaction id is in `description`.
 */
export interface ZohoCustomerPaymentPayload {
  customer_id: string;
  payment_mode: ZohoPaymentMode;
  amount: number;
  /** yyyy-mm-dd in the store's time zone: the day the order was paid. */
  date: string;
  reference_number: string;
  description: string;
  /** The deposit-to account; absent: Zoho's default for the mode. */
  account_id?: string;
  /** Empty when the invoice has nothing left to pay: the whole amount is then the customer's credit. */
  invoices: Array<{ invoice_id: string; amount_applied: number }>;
  /** Only for an order in another currency than the organization's base one: the rate of `date`. */
  exchange_rate?: number;
}

/**
 * POST /creditnotes/{id}/refunds: money going back to the customer out of a credit note's open
 * balance (a withdrawal from `from_account_id`), for an order whose payment was booked.
 */
export interface ZohoCreditNoteRefundPayload {
  /** yyyy-mm-dd in the store's time zone: the day of the WooCommerce refund. */
  date: string;
  amount: number;
  from_account_id: string;
  refund_mode: ZohoPaymentMode;
  /** The credit note's own reference (`<order number>-R<refund id>`): found again after a lost response. */
  reference_number: string;
  description: string;
  /** Only for an order in another currency than the organization's base one: the rate of `date`. */
  exchange_rate?: number;
}
