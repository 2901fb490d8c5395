/**
 * Shipping address on orders and customers. `phone` on the shipping address only exists in newer
 * WooCommerce (8.x payloads), so it is optional. Country is an ISO 3166-1 alpha-2 code, state a
 * WooCommerce state code (e.g. `CA`), both possibly empty.
 */
export interface WooAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  phone?: string;
}

/** The billing address additionally carries the customer's email and phone. */
export interface WooBillingAddress extends WooAddress {
  email: string;
  phone: string;
}
