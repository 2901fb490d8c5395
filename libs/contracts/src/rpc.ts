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
  /**
   * The caller was handed this token right after its own report dropped the one before (a new
   * mint), and Zoho refused it too: the authorization lacks a scope or access, not a token.
   */
  freshTokenRefused?: boolean;
}

export interface ZohoInvalidateReply {
  /** The refused token was the current one and is dropped: the next session brings a new mint. */
  dropped: boolean;
}

/**
 * Header on every RPC request: how many milliseconds the caller waits for the reply. The callee
 * counts from when the request arrives (a relative time is immune to clock skew between hosts and
 * errs on the late side) and drops work still queued after it: nobody would read the answer.
 */
export const RPC_TIMEOUT_HEADER = 'Connector-Timeout-Ms';

/**
 * Header on every RPC request: how often (ms) the callee should say it is still working on it.
 * While a handler runs, its service sends an empty message with RPC_WORKING_HEADER to the reply
 * subject that often; a caller that hears neither an answer nor that for several intervals knows
 * the callee is gone (killed, or cut off) without waiting out the whole timeout, which is minutes
 * for a catalogue import.
 */
export const RPC_HEARTBEAT_HEADER = 'Connector-Heartbeat-Ms';
export const RPC_WORKING_HEADER = 'Connector-Working';

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
  /** Replay dry run: look the contact up (stored links, then Zoho by email) but never create or link one. */
  dryRun?: boolean;
  /**
   * Zoho refused a document billed to this contact: customer-sync asks Zoho whether it still
   * exists, and if it was deleted there, forgets its links and finds or creates the customer's
   * contact afresh (the reply's `refused` says what it found).
   */
  refusedContactId?: string;
}

/** What Zoho said of a contact or item a refused document referred to (`refusedContactId`, `refusedItemIds`). */
export type RefusedRecordState = 'gone' | 'active' | 'inactive';

export interface EnsureContactReply {
  contactId: string;
  contactName: string;
  /** How it was found: `link` (stored mapping, no Zoho call), `email` (Zoho lookup) or `created`. */
  source: 'link' | 'email' | 'created';
  /** Dry run only: no contact exists yet, the live run would create one (`contactId` is empty). */
  wouldCreate?: boolean;
  /** ISO code of the contact's currency in Zoho, which its invoices take (absent when not known). */
  currencyCode?: string;
  /** Present when the request named a `refusedContactId`: that contact's state in Zoho. */
  refused?: { contactId: string; state: RefusedRecordState };
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
  kind: 'product' | 'shipping' | 'fee' | 'refund';
}

export interface EnsureItemsRequest {
  connectionId: string;
  lines: ItemRequestLine[];
  correlationId?: string | null;
  /** Replay dry run: look the items up (stored links, then Zoho) but never create or link one. */
  dryRun?: boolean;
  /**
   * Zoho refused a document with these items: catalog-sync asks Zoho whether each still exists,
   * and forgets the links to one deleted there, so its lines are matched or created afresh (a
   * pinned link to a deleted item is an error that says so: a person chose that item).
   */
  refusedItemIds?: string[];
}

export interface EnsureItemsReply {
  /**
   * key → Zoho item id. In a dry run, `wouldCreate` marks an item the live run would create
   * (its `itemId` is empty and `name` is the name it would get).
   */
  items: Record<string, { itemId: string; source: 'link' | 'sku' | 'name' | 'created' | 'pinned'; wouldCreate?: boolean; name?: string }>;
  /** Present when the request named `refusedItemIds`: each one's state in Zoho. */
  refused?: Array<{ itemId: string; state: RefusedRecordState }>;
}

export interface SyncCatalogRequest {
  connectionId: string;
}

export interface SyncCatalogReply {
  products: number;
  matched: number;
  unmatched: number;
}

/** token-service → one sync service: replay its resource's events of a connection (`replayRpc`). */
export interface StartReplayRequest {
  replayId: string;
  connectionId: string;
  /** Audit stream sequence to start at; exclusive with `fromTime` (neither: from sequence 1). */
  fromSeq?: number;
  /** ISO time: start at the first event stored at or after it. */
  fromTime?: string;
  /** Report what would be written instead of writing it. */
  dryRun: boolean;
}

export interface StartReplayReply {
  /** The replay's own durable consumer. */
  consumer: string;
  /** Events the replay will go through (the consumer's pending count at start). */
  total: number;
}

/** One write a dry run found the live run would make (to Zoho or to the sync state). */
export interface PlannedWrite {
  /** Audit stream sequence of the event that would cause it. */
  seq: number;
  service: string;
  resource: string;
  resourceId: string | null;
  /** e.g. `create-invoice`, `update-invoice`, `void-invoice`, `create-contact`, `create-item`. */
  action: string;
  message: string;
  /** The request body the write would send, when there is one. */
  payload?: unknown;
}

/** An event a replay gave up on. */
export interface ReplayFailure {
  seq: number;
  subject: string;
  reason: string;
}
