import { describeError } from '@connector/common';
import { ZohoApiError, ZohoBooksClient, ZohoErrorCode } from '@connector/zoho-books';

/** A reference and an email no record carries: each read finds nothing and costs one call. */
const NOTHING = 'connector-scope-check';

/**
 * One read per scope family Connector writes to (items and taxes are `settings`, which listing
 * the organizations already needs). A token without one of them works for everything else, and
 * only the orders that need the missing one fail, one by one, with Zoho's "not authorized".
 */
const READS: ReadonlyArray<{ scope: string; read: (books: ZohoBooksClient) => Promise<unknown> }> = [
  { scope: 'ZohoBooks.invoices.READ', read: (books) => books.findInvoicesByReference(NOTHING) },
  { scope: 'ZohoBooks.contacts.READ', read: (books) => books.findContactsByEmail(`${NOTHING}@example.invalid`) },
  { scope: 'ZohoBooks.creditnotes.READ', read: (books) => books.findCreditNotesByReference(NOTHING) },
  { scope: 'ZohoBooks.customerpayments.READ', read: (books) => books.findPaymentsByReference(NOTHING) },
];

export interface ScopeCheck {
  missing: string[];
  /** Reads that failed for another reason, in Zoho's words. */
  errors: string[];
}

/**
 * Which of the scope families the token cannot read. Zoho names no scope when it refuses one
 * (401, code 57 "not authorized"), so each family is read once. Four calls: for ping, which a
 * person triggers, never per order. `books` must not mint a new token on a refusal (its session's
 * invalidate drops nothing): a missing scope is not cured by a new token.
 */
export async function checkZohoScopes(books: ZohoBooksClient): Promise<ScopeCheck> {
  const result: ScopeCheck = { missing: [], errors: [] };
  for (const { scope, read } of READS) {
    try {
      await read(books);
    } catch (error) {
      if (error instanceof ZohoApiError && error.status === 401 && error.zohoCode === ZohoErrorCode.NOT_AUTHORIZED) result.missing.push(scope);
      else result.errors.push(`${scope}: ${describeError(error)}`);
    }
  }
  return result;
}
