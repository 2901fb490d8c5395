import type { WooAddress, WooBillingAddress } from './address';
import type { WooMetaData } from './meta-data';

/** A registered customer (GET /wc/v3/customers/{id}). Guests have no such record. */
export interface WooCustomer {
  id: number;
  date_created: string | null;
  date_created_gmt: string | null;
  date_modified: string | null;
  date_modified_gmt: string | null;
  email: string;
  first_name: string;
  last_name: string;
  role: string;
  username: string;
  billing: WooBillingAddress;
  shipping: WooAddress;
  is_paying_customer: boolean;
  avatar_url: string;
  meta_data: WooMetaData[];
}
