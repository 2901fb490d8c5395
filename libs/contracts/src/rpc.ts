import type { WooAddress, WooBillingAddress } from './woocommerce';

/** Request and reply bodies of the core-NATS RPCs named in `RPC`. */
export interface ZohoSessionRequest {
  connectionId: string;
}

export interface ZohoSessionReply {
  accessToken: string;
  apiDomain: string;
  organizationId: string;
  expiresAt: string;
}

export interface ZohoInvalidateRequest {
  connectionId: string;
  accessToken: string;
}

/** Every RPC reply is wrapped so errors cross the wire with their class (transient or not). */
export type RpcReply<T> =
  | { ok: true; data: T }
  | { ok: false; error: { message: string; transient: boolean; code?: string; retryAfterMs?: number } };

/** customer-sync: the Zoho contact for a store customer (registered or guest), created if needed. */
export interface EnsureContactRequest {
  connectionId: string;
  /** 0 for guests. */
  customerId: number;
  /** Normalized by the callee (trimmed, lower-cased). */
  email: string;
  /** WooCommerce order currency, so a new contact gets the right Zoho currency. */
  currency?: string;
  /** The order's billing and shipping details (used when the contact must be created). */
  billing: WooBillingAddress;
  shipping?: WooAddress;
  /** Correlation id of the event that asked, for the audit trail. */
  correlationId?: string | null;
}

export interface EnsureContactReply {
  contactId: string;
  contactName: string;
  /** How it was found: `link` (stored mapping, no Zoho call), `email` (Zoho lookup) or `created`. */
  source: 'link' | 'email' | 'created';
}

/** One order line (or the synthetic shipping / fee line) needing a Zoho item. */
export interface ItemRequestLine {
  /** Caller's key for the answer, e.g. the WooCommerce line item id or `shipping`. */
  key: string;
  productId: number;
  variationId: number;
  sku: string | null;
  name: string;
  /** Unit price as a decimal string (for a newly created item's rate). */
  rate: string;
  description?: string;
  kind: 'product' | 'shipping' | 'fee';
}

export interface EnsureItemsRequest {
  connectionId: string;
  lines: ItemRequestLine[];
  correlationId?: string | null;
}

export interface EnsureItemsReply {
  /** key → Zoho item id. */
  items: Record<string, { itemId: string; source: 'link' | 'sku' | 'name' | 'created' | 'pinned' }>;
}

export interface SyncCatalogRequest {
  connectionId: string;
}

export interface SyncCatalogReply {
  products: number;
  matched: number;
  unmatched: number;
}
