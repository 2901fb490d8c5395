import { Decimal } from '../decimal/decimal';
import { zohoTimestamp } from '../time/zoned-time';
import { BooksError, invalidValue } from './books-errors';
import type { ZohoOrganization } from './organization';
import type { ZohoIdSequence } from './zoho-ids';

/** Error codes the spec leaves open; the fake makes them configurable (README lists the defaults). */
export interface ZohoErrorCodes {
  /** Duplicate item name. Default 1001. */
  duplicateItemName: number;
  /** Duplicate item SKU. Default 1001. */
  duplicateItemSku: number;
  /** Duplicate invoice number. Default 1001. */
  duplicateInvoiceNumber: number;
  /** Duplicate credit note number (with ignore_auto_number_generation=true). Default 1001, as for invoices. */
  duplicateCreditNoteNumber: number;
  /** POST /settings/currencies with a code the organisation already has. Default 1001 ("already exists"). */
  duplicateCurrency: number;
  /** Wrong or foreign organization_id (message `Invalid value passed for organization_id`). Default 2. */
  invalidOrganization: number;
}

export const DEFAULT_ERROR_CODES: ZohoErrorCodes = {
  duplicateItemName: 1001,
  duplicateItemSku: 1001,
  duplicateInvoiceNumber: 1001,
  duplicateCreditNoteNumber: 1001,
  duplicateCurrency: 1001,
  invalidOrganization: 2,
};

/** What a Books handler gets: the resolved organisation, path params, query and parsed body. */
export interface BooksContext {
  org: ZohoOrganization;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  now: number;
  ids: ZohoIdSequence;
  codes: ZohoErrorCodes;
  /** Whether `GET /items?search_text=` also matches SKUs (FakeZohoOptions.searchTextMatchesSku). */
  searchTextMatchesSku: boolean;
}

export interface BooksResult {
  status: number;
  body: Record<string, unknown>;
}

/** The success envelope: `{code: 0, message, ...payload}`. */
export function success(message: string, payload: Record<string, unknown> = {}, status = 200): BooksResult {
  return { status, body: { code: 0, message, ...payload } };
}

export function timestamp(ctx: { org: ZohoOrganization }, epochMs: number): string {
  return zohoTimestamp(epochMs, ctx.org.timeZone);
}

/** An amount as Zoho prints it: a JSON number rounded to the price precision. */
export function money(ctx: { org: ZohoOrganization }, value: Decimal): number {
  return value.toNumber(ctx.org.precision);
}

// ---- reading request fields -------------------------------------------------------------

function has(body: Record<string, unknown>, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(body, field) && body[field] !== undefined && body[field] !== null;
}

export function readString(body: Record<string, unknown>, field: string, options: { max?: number; label?: string } = {}): string | undefined {
  if (!has(body, field)) return undefined;
  const value = body[field];
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidValue(options.label ?? field, 'Expected a text value.');
  const text = String(value);
  if (options.max !== undefined && text.length > options.max) {
    throw invalidValue(options.label ?? field, `It must not exceed ${options.max} characters.`);
  }
  return text;
}

export function readDecimal(body: Record<string, unknown>, field: string, label = field): Decimal | undefined {
  if (!has(body, field) || body[field] === '') return undefined;
  const value = Decimal.tryFrom(body[field]);
  if (value === undefined) throw invalidValue(label, 'Expected a number.');
  return value;
}

export function readBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  if (!has(body, field)) return undefined;
  const value = body[field];
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidValue(field, 'Expected true or false.');
}

export function readInteger(body: Record<string, unknown>, field: string): number | undefined {
  if (!has(body, field) || body[field] === '') return undefined;
  const value = Number(body[field]);
  if (!Number.isInteger(value)) throw invalidValue(field, 'Expected a whole number.');
  return value;
}

export function readObject(body: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  if (!has(body, field)) return undefined;
  const value = body[field];
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidValue(field, 'Expected an object.');
  return value as Record<string, unknown>;
}

export function readArray(body: Record<string, unknown>, field: string): unknown[] | undefined {
  if (!has(body, field)) return undefined;
  const value = body[field];
  if (!Array.isArray(value)) throw invalidValue(field, 'Expected a list.');
  return value;
}

export function queryFlag(query: URLSearchParams, name: string): boolean {
  return query.get(name)?.toLowerCase() === 'true';
}

// ---- pagination ---------------------------------------------------------------------------

export interface PageContextExtras {
  report_name?: string;
  applied_filter?: string;
  sort_column: string;
  sort_order: 'A' | 'D';
}

/**
 * Zoho's `page`/`per_page` paging: page 1-based, per_page defaults to 200 and is capped at 200.
 * The response carries `page_context` with `has_more_page`.
 */
export function paginate<T>(rows: readonly T[], query: URLSearchParams, extras: PageContextExtras): { rows: T[]; page_context: Record<string, unknown> } {
  const page = positiveInt(query.get('page'), 'page', 1);
  const perPage = Math.min(200, positiveInt(query.get('per_page'), 'per_page', 200));
  const start = (page - 1) * perPage;
  const slice = rows.slice(start, start + perPage);
  const pageContext: Record<string, unknown> = { page, per_page: perPage, has_more_page: start + perPage < rows.length };
  if (extras.report_name) pageContext.report_name = extras.report_name;
  if (extras.applied_filter) pageContext.applied_filter = extras.applied_filter;
  pageContext.sort_column = extras.sort_column;
  pageContext.sort_order = extras.sort_order;
  return { rows: slice, page_context: pageContext };
}

function positiveInt(text: string | null, field: string, fallback: number): number {
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw invalidValue(field);
  return value;
}

/** Sort direction from `sort_order` (`A`/`D`, also `ascending`/`descending`). */
export function sortOrder(query: URLSearchParams, fallback: 'A' | 'D'): 'A' | 'D' {
  const value = query.get('sort_order')?.toUpperCase();
  if (value === 'A' || value === 'ASCENDING') return 'A';
  if (value === 'D' || value === 'DESCENDING') return 'D';
  return fallback;
}

/**
 * The contact and item lists' `filter_by` when none is sent. Zoho documents the parameter but no
 * default (specs/zoho-books.md §contacts, §items), and Books' own screens open on active records:
 * the fake takes the strictest plausible default, so a lookup that needs inactive records but
 * forgets to ask for `Status.All` misses them here, in tests, rather than in production.
 */
export function statusFilter(query: URLSearchParams): string {
  return query.get('filter_by') ?? 'Status.Active';
}

/** Text filters with Zoho's `<field>`, `<field>_startswith`, `<field>_contains` variants (case-insensitive). */
export function textFilterMatches(query: URLSearchParams, field: string, value: string): boolean {
  const lower = value.toLowerCase();
  const exact = query.get(field);
  if (exact !== null && exact !== '' && lower !== exact.toLowerCase()) return false;
  const startsWith = query.get(`${field}_startswith`);
  if (startsWith !== null && startsWith !== '' && !lower.startsWith(startsWith.toLowerCase())) return false;
  const contains = query.get(`${field}_contains`);
  if (contains !== null && contains !== '' && !lower.includes(contains.toLowerCase())) return false;
  return true;
}

export function isBooksError(error: unknown): error is BooksError {
  return error instanceof BooksError;
}
