import type { ZohoInvoicePayload } from '@connector/accounting';
import type { RefusedRecordState } from '@connector/contracts';
import { ZohoApiError, ZohoDuplicateContactNameError, ZohoErrorCode, ZohoFailure } from '@connector/zoho-books';

/** The Zoho contact and items a refused document referred to. */
export interface RefusedRecords {
  contactId: string;
  itemIds: string[];
}

/** What Zoho said of each of them, asked by customer-sync and catalog-sync. */
export interface RefusedRecordsCheck {
  contact?: { contactId: string; state: RefusedRecordState };
  items: Array<{ itemId: string; state: RefusedRecordState }>;
}

/**
 * Whether Zoho's refusal of a document may come from a contact or item deleted in Zoho after
 * Connector linked it (Zoho lets an owner delete one that nothing uses yet, e.g. a contact made
 * at a customer's sign-up, an item matched by the catalogue import). Zoho's answer to a deleted
 * `customer_id` or `item_id` is not documented (specs §7.3), so every validation refusal counts
 * except those with a known other cause: authorization (a fresh token refused too) and a
 * duplicate name. Rate limits and outages are transient errors, retried, never ZohoApiError.
 */
export function mayReferToDeletedRecord(error: unknown): error is ZohoApiError {
  if (!(error instanceof ZohoApiError) || error instanceof ZohoDuplicateContactNameError) return false;
  return error.status < 500 && error.zohoCode !== ZohoErrorCode.NOT_AUTHORIZED && error.zohoCode !== ZohoErrorCode.UNAUTHENTICATED;
}

/** The contact and the distinct items an invoice payload refers to. */
export function referencedRecords(payload: ZohoInvoicePayload): RefusedRecords {
  return { contactId: payload.customer_id, itemIds: [...new Set(payload.line_items.map((line) => line.item_id).filter(Boolean))] };
}

/** Whether the check found a record deleted in Zoho (then the document is planned and written again). */
export function foundDeleted(check: RefusedRecordsCheck): boolean {
  return check.contact?.state === 'gone' || check.items.some((item) => item.state === 'gone');
}

/** For the outcome or the failure: what was checked and what Zoho said. */
export function describeCheck(check: RefusedRecordsCheck): string {
  const records = [
    ...(check.contact ? [{ what: `contact ${check.contact.contactId}`, state: check.contact.state }] : []),
    ...check.items.map((item) => ({ what: `item ${item.itemId}`, state: item.state })),
  ];
  const gone = records.filter((r) => r.state === 'gone').map((r) => r.what);
  const inactive = records.filter((r) => r.state === 'inactive').map((r) => r.what);
  if (gone.length > 0) return `${listed(gone)} no longer existed in Zoho (deleted there), so ${gone.length === 1 ? 'it was' : 'they were'} matched afresh`;
  const checked = `${records.length === 1 ? 'the record it refers to' : `all ${records.length} records it refers to`} (${listed(records.map((r) => r.what))}) still ${records.length === 1 ? 'exists' : 'exist'} in Zoho`;
  return inactive.length > 0 ? `${checked}; ${listed(inactive)} ${inactive.length === 1 ? 'is' : 'are'} marked inactive there` : checked;
}

/** Zoho's refusal, of the same class, with what the check found added to its message. */
export function withCheck(error: ZohoApiError, check: RefusedRecordsCheck): ZohoApiError {
  const failure: ZohoFailure = { operation: error.operation, status: error.status, zohoCode: error.zohoCode, upstreamMessage: error.upstreamMessage };
  const Refusal = error.constructor as new (failure: ZohoFailure, message?: string) => ZohoApiError;
  return new Refusal(failure, `${error.message}; ${describeCheck(check)}`);
}

function listed(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
