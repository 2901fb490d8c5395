import { DEFAULT_HTTP_TIMEOUT_MS, RawHttpResponse } from '@connector/common';
import { booksErrorFor, ZohoApiError, ZohoConcurrencyLimitedError, ZohoErrorCode, ZohoRateLimitedError } from './errors';
import { parseZohoJson } from './json';
import { chooseOrganization } from './organization-choice';
import { quotaFromHeaders } from './quota-headers';
import { allowPrivateEndpointsFromEnv, assertApiDomain } from './regions';
import type { ZohoCallRecord, ZohoRateLimiter, ZohoSession } from './session';
import { exchange } from './transport';
import type {
  ZohoContact,
  ZohoContactInput,
  ZohoCreditNote,
  ZohoCreditNoteInput,
  ZohoCreditNoteRefund,
  ZohoCreditNoteRefundInput,
  ZohoCreditNoteWriteOptions,
  ZohoCurrency,
  ZohoExchangeRate,
  ZohoCustomerPayment,
  ZohoCustomerPaymentInput,
  ZohoEnvelope,
  ZohoInvoice,
  ZohoInvoiceInput,
  ZohoInvoiceWriteOptions,
  ZohoItem,
  ZohoItemInput,
  ZohoOrganization,
  ZohoPageContext,
  ZohoTax,
} from './types';

export interface ZohoBooksClientOptions {
  session: ZohoSession;
  /** Sent as `organization_id` on every organization-scoped call. */
  organizationId?: string;
  rateLimiter?: ZohoRateLimiter;
  /** Told about every HTTP exchange (audit trail, metrics); must not throw. */
  onCall?: (record: ZohoCallRecord) => void;
  timeoutMs?: number;
  /** Accept a loopback/private `apiDomain` (sandbox, tests). Defaults to ALLOW_PRIVATE_ENDPOINTS. */
  allowPrivate?: boolean;
}

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Query = Record<string, string | undefined>;

interface Request {
  query?: Query;
  body?: unknown;
  /** Add `organization_id` (every call except listing organizations). */
  scoped?: boolean;
}

/** Zoho's maximum page size. */
const PAGE_SIZE = 200;
/**
 * Contact and item lists take `filter_by` (specs/zoho-books.md §contacts, §items) with no
 * documented default; Books' own screens open on active records. Lookups that must see inactive
 * records (a name or SKU an inactive one holds is still taken) ask for all of them explicitly.
 */
const ALL_STATUSES = 'Status.All';
/** Rate-limiter key for calls made without an organization id. */
const UNSCOPED_KEY = 'unscoped';

/**
 * Typed Zoho Books v3 calls for one organization. Every call goes to `<apiDomain>/books/v3/…` with
 * the session's token; a token Zoho refuses (401 with code 57 or 14) is reported and the call
 * retried with a fresh one, once (`replaceRefusedToken`). Everything else is mapped to the shared error taxonomy by
 * `booksErrorFor` and thrown; retrying transient failures is the caller's job, so a 429 never
 * triggers a burst of in-call retries that would eat more quota.
 */
export class ZohoBooksClient {
  readonly organizationId?: string;
  private readonly session: ZohoSession;
  private readonly rateLimiter?: ZohoRateLimiter;
  private readonly onCall?: (record: ZohoCallRecord) => void;
  private readonly timeoutMs: number;
  private readonly allowPrivate: boolean;

  constructor(options: ZohoBooksClientOptions) {
    this.session = options.session;
    this.organizationId = options.organizationId;
    this.rateLimiter = options.rateLimiter;
    this.onCall = options.onCall;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    this.allowPrivate = options.allowPrivate ?? allowPrivateEndpointsFromEnv();
  }

  // Organizations and settings ------------------------------------------------------------------

  /** Every organization the token's user can reach (needs no `organization_id`). */
  async listOrganizations(): Promise<ZohoOrganization[]> {
    const response = await this.send('GET', '/organizations', { scoped: false });
    return listOf<ZohoOrganization>(response, 'organizations', 'GET /organizations');
  }

  /** The organization to use: `preferred`, the only one, or the default one (see `chooseOrganization`). */
  async resolveOrganizationId(preferred?: string): Promise<string> {
    return chooseOrganization(await this.listOrganizations(), preferred).organization_id;
  }

  /** Taxes, compound taxes and tax groups (`tax_type` tells them apart). */
  async listTaxes(): Promise<ZohoTax[]> {
    return collect(this.paginate<ZohoTax>('/settings/taxes', 'taxes'));
  }

  async listCurrencies(): Promise<ZohoCurrency[]> {
    return collect(this.paginate<ZohoCurrency>('/settings/currencies', 'currencies'));
  }

  /**
   * The rates the organization keeps for a currency (by hand or from its feed), newest first,
   * every page. `fromDate` (yyyy-mm-dd) keeps those effective on or after it; a document dated
   * D needs the latest rate effective on or before D, so pass a date no later than that.
   */
  async listExchangeRates(currencyId: string, options: { fromDate?: string } = {}): Promise<ZohoExchangeRate[]> {
    return collect(this.paginate<ZohoExchangeRate>(`/settings/currencies/${segment(currencyId)}/exchangerates`, 'exchange_rates', { from_date: options.fromDate }));
  }

  // Contacts ----------------------------------------------------------------------------------

  /**
   * Contacts whose primary email is `email`, inactive ones included (the caller prefers an active
   * one but must see the rest). Zoho's `email` filter is not documented as exact or
   * case-insensitive, so rows are checked here, ignoring case. Email is not unique in Books.
   */
  async findContactsByEmail(email: string): Promise<ZohoContact[]> {
    const wanted = email.trim().toLowerCase();
    if (wanted === '') return [];
    const rows = await collect(this.paginate<ZohoContact>('/contacts', 'contacts', { email: email.trim(), filter_by: ALL_STATUSES }));
    return rows.filter((contact) => contact.email?.trim().toLowerCase() === wanted);
  }

  /**
   * The contact named exactly `name` (an exact-case match wins over one differing only in case),
   * inactive or not: it is asked for when Zoho refuses the name as taken, which an inactive one does.
   */
  async findContactByName(name: string): Promise<ZohoContact | undefined> {
    const rows = await collect(this.paginate<ZohoContact>('/contacts', 'contacts', { contact_name: name, filter_by: ALL_STATUSES }));
    return bestNameMatch(rows, name, (contact) => contact.contact_name);
  }

  async getContact(contactId: string): Promise<ZohoContact> {
    return this.one<ZohoContact>('GET', `/contacts/${segment(contactId)}`, 'contact');
  }

  async createContact(body: ZohoContactInput): Promise<ZohoContact> {
    return this.one<ZohoContact>('POST', '/contacts', 'contact', { body });
  }

  /** Replaces the contact's fields; `contact_persons` left out of the body are deleted by Zoho. */
  async updateContact(contactId: string, body: ZohoContactInput): Promise<ZohoContact> {
    return this.one<ZohoContact>('PUT', `/contacts/${segment(contactId)}`, 'contact', { body });
  }

  // Items -------------------------------------------------------------------------------------

  /** Items named `name`, compared ignoring case and surrounding spaces; inactive ones too (they hold the name). */
  async findItemsByName(name: string): Promise<ZohoItem[]> {
    const wanted = name.trim().toLowerCase();
    const rows = await collect(this.paginate<ZohoItem>('/items', 'items', { name: name.trim(), filter_by: ALL_STATUSES }));
    return rows.filter((item) => item.name.trim().toLowerCase() === wanted);
  }

  /** Zoho's free-text item search (name or description), inactive items too; the first page, at most 200 items. */
  async searchItems(text: string): Promise<ZohoItem[]> {
    const response = await this.send('GET', '/items', { query: { search_text: text, filter_by: ALL_STATUSES, page: '1', per_page: String(PAGE_SIZE) } });
    return listOf<ZohoItem>(response, 'items', 'GET /items');
  }

  /** All items, inactive ones too, fetched page by page as the iteration proceeds. */
  listItems(): AsyncIterable<ZohoItem> {
    return this.paginate<ZohoItem>('/items', 'items', { filter_by: ALL_STATUSES });
  }

  async getItem(itemId: string): Promise<ZohoItem> {
    return this.one<ZohoItem>('GET', `/items/${segment(itemId)}`, 'item');
  }

  async createItem(body: ZohoItemInput): Promise<ZohoItem> {
    return this.one<ZohoItem>('POST', '/items', 'item', { body });
  }

  async updateItem(itemId: string, body: ZohoItemInput): Promise<ZohoItem> {
    return this.one<ZohoItem>('PUT', `/items/${segment(itemId)}`, 'item', { body });
  }

  // Invoices ----------------------------------------------------------------------------------

  /**
   * Invoices whose `reference_number` is exactly `reference`. Books has no idempotency keys, so
   * this lookup is how a retried create finds the invoice an earlier attempt already made; Zoho's
   * filter may match loosely, hence the exact check here.
   */
  async findInvoicesByReference(reference: string): Promise<ZohoInvoice[]> {
    const rows = await collect(this.paginate<ZohoInvoice>('/invoices', 'invoices', { reference_number: reference }));
    return rows.filter((invoice) => invoice.reference_number === reference);
  }

  async getInvoice(invoiceId: string): Promise<ZohoInvoice> {
    return this.one<ZohoInvoice>('GET', `/invoices/${segment(invoiceId)}`, 'invoice');
  }

  async createInvoice(body: ZohoInvoiceInput, options: ZohoInvoiceWriteOptions = {}): Promise<ZohoInvoice> {
    return this.one<ZohoInvoice>('POST', '/invoices', 'invoice', { body, query: numberingQuery(options) });
  }

  /** Replaces the invoice; lines left out of `line_items` are deleted, lines with `line_item_id` kept. */
  async updateInvoice(invoiceId: string, body: ZohoInvoiceInput, options: ZohoInvoiceWriteOptions = {}): Promise<ZohoInvoice> {
    return this.one<ZohoInvoice>('PUT', `/invoices/${segment(invoiceId)}`, 'invoice', { body, query: numberingQuery(options) });
  }

  /** Payments and credits on a voided invoice become customer credits (Zoho's rule). */
  async voidInvoice(invoiceId: string): Promise<void> {
    await this.send('POST', `/invoices/${segment(invoiceId)}/status/void`);
  }

  /** Reopens a void invoice as a draft (`status/draft`; Zoho takes it only from void). */
  async markInvoiceDraft(invoiceId: string): Promise<void> {
    await this.send('POST', `/invoices/${segment(invoiceId)}/status/draft`);
  }

  async markInvoiceSent(invoiceId: string): Promise<void> {
    await this.send('POST', `/invoices/${segment(invoiceId)}/status/sent`);
  }

  /** Fails (permanently) when payments or credit notes are applied; void it instead. */
  async deleteInvoice(invoiceId: string): Promise<void> {
    await this.send('DELETE', `/invoices/${segment(invoiceId)}`);
  }

  // Credit notes ------------------------------------------------------------------------------

  /**
   * Credit notes whose `reference_number` is exactly `reference`: how a retried create finds the
   * credit note an earlier attempt made, as with findInvoicesByReference.
   */
  async findCreditNotesByReference(reference: string): Promise<ZohoCreditNote[]> {
    const rows = await collect(this.paginate<ZohoCreditNote>('/creditnotes', 'creditnotes', { reference_number: reference }));
    return rows.filter((creditNote) => creditNote.reference_number === reference);
  }

  async getCreditNote(creditNoteId: string): Promise<ZohoCreditNote> {
    return this.one<ZohoCreditNote>('GET', `/creditnotes/${segment(creditNoteId)}`, 'creditnote');
  }

  async createCreditNote(body: ZohoCreditNoteInput, options: ZohoCreditNoteWriteOptions = {}): Promise<ZohoCreditNote> {
    const query = { ...numberingQuery(options), invoice_id: options.invoiceId };
    return this.one<ZohoCreditNote>('POST', '/creditnotes', 'creditnote', { body, query });
  }

  /**
   * Applies part of the credit note's balance to sent invoices of the same customer. An amount
   * above an invoice's balance, or amounts adding up to more than the credit note's balance, are
   * refused (a permanent error).
   */
  async applyCreditNoteToInvoices(creditNoteId: string, invoices: Array<{ invoice_id: string; amount_applied: number }>): Promise<void> {
    await this.send('POST', `/creditnotes/${segment(creditNoteId)}/invoices`, { body: { invoices } });
  }

  /** The credits it applied are taken back off the invoices, which owe those amounts again; refused while refunds are recorded. */
  async voidCreditNote(creditNoteId: string): Promise<void> {
    await this.send('POST', `/creditnotes/${segment(creditNoteId)}/status/void`);
  }

  /** Zoho records money paid back to the customer from `from_account_id` and lowers the credit note's balance by `amount`. */
  async refundCreditNote(creditNoteId: string, body: ZohoCreditNoteRefundInput): Promise<ZohoCreditNoteRefund> {
    return this.one<ZohoCreditNoteRefund>('POST', `/creditnotes/${segment(creditNoteId)}/refunds`, 'creditnote_refund', { body });
  }

  /** Zoho lists the refunds recorded on the credit note (every page). */
  async listCreditNoteRefunds(creditNoteId: string): Promise<ZohoCreditNoteRefund[]> {
    return collect(this.paginate<ZohoCreditNoteRefund>(`/creditnotes/${segment(creditNoteId)}/refunds`, 'creditnote_refunds'));
  }

  /** Zoho deletes the refund and gives its amount back to the credit note's balance. */
  async deleteCreditNoteRefund(creditNoteId: string, refundId: string): Promise<void> {
    await this.send('DELETE', `/creditnotes/${segment(creditNoteId)}/refunds/${segment(refundId)}`);
  }

  // Customer payments -------------------------------------------------------------------------

  /**
   * Payments whose `reference_number` is exactly `reference`: how a retried create finds the
   * payment an earlier attempt made (Zoho takes no idempotency key), as with credit notes.
   */
  async findPaymentsByReference(reference: string): Promise<ZohoCustomerPayment[]> {
    const rows = await collect(this.paginate<ZohoCustomerPayment>('/customerpayments', 'customerpayments', { reference_number: reference }));
    return rows.filter((payment) => payment.reference_number === reference);
  }

  /**
   * Records money received and applies it to invoices: each becomes paid or partially paid, and a
   * draft is marked sent on the way. An amount applied above an invoice's balance is refused.
   */
  async createCustomerPayment(body: ZohoCustomerPaymentInput): Promise<ZohoCustomerPayment> {
    return this.one<ZohoCustomerPayment>('POST', '/customerpayments', 'payment', { body });
  }

  /**
   * The same body as a create: its `invoices` replace the payment's applications, and what is no
   * longer applied is the customer's credit. How a paid invoice's total can fall below its payment.
   */
  async updateCustomerPayment(paymentId: string, body: ZohoCustomerPaymentInput): Promise<ZohoCustomerPayment> {
    return this.one<ZohoCustomerPayment>('PUT', `/customerpayments/${segment(paymentId)}`, 'payment', { body });
  }

  /** With each invoice's `balance_amount` after the payment, which list rows may leave out. */
  async getCustomerPayment(paymentId: string): Promise<ZohoCustomerPayment> {
    return this.one<ZohoCustomerPayment>('GET', `/customerpayments/${segment(paymentId)}`, 'payment');
  }

  /** The invoices it was applied to owe those amounts again. */
  async deleteCustomerPayment(paymentId: string): Promise<void> {
    await this.send('DELETE', `/customerpayments/${segment(paymentId)}`);
  }

  // Plumbing ----------------------------------------------------------------------------------

  private async one<T>(method: HttpMethod, path: string, key: string, request: Request = {}): Promise<T> {
    const response = await this.send(method, path, request);
    const resource = response.body[key];
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
      throw unexpectedShape(`${method} ${path}`, response.status, `the response has no "${key}" object`);
    }
    return resource as T;
  }

  private async *paginate<T>(path: string, key: string, filters: Query = {}): AsyncGenerator<T> {
    for (let page = 1; ; page++) {
      const response = await this.send('GET', path, { query: { ...filters, page: String(page), per_page: String(PAGE_SIZE) } });
      const rows = listOf<T>(response, key, `GET ${path}`);
      yield* rows;
      if (rows.length === 0 || !pageContextOf(response.body)?.has_more_page) return;
    }
  }

  /** One Books call, with the single refresh-and-retry on a refused token. */
  private async send(method: HttpMethod, path: string, request: Request = {}): Promise<{ status: number; body: ZohoEnvelope }> {
    const scoped = request.scoped ?? true;
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) query[name] = value;
    if (scoped && this.organizationId) query.organization_id = this.organizationId;
    const operation = `${method} ${path}`;

    const limiterKey = (scoped && this.organizationId) || UNSCOPED_KEY;
    const refusals = { minted: false };
    for (let attempt = 1; ; attempt++) {
      // The token is taken after the wait for the organization's budget, so it is a fresh one.
      const slot = await this.rateLimiter?.acquire(limiterKey);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        slot?.();
      };
      let raw: RawHttpResponse;
      let accessToken: string;
      try {
        const session = await this.session.getAccessToken();
        accessToken = session.accessToken;
        const base = assertApiDomain(session.apiDomain, { allowPrivate: this.allowPrivate });
        const search = new URLSearchParams(query).toString();
        const url = `${base}/books/v3${path}${search ? `?${search}` : ''}`;
        raw = await this.exchangeRecorded(url, method, path, query, accessToken, request.body);
      } catch (error) {
        release();
        throw error;
      }
      let error: Error | undefined;
      let body: unknown;
      try {
        if (limiterKey !== UNSCOPED_KEY) this.recordQuota(limiterKey, raw.headers);
        body = parseZohoJson(raw.text);
        const code = codeOf(body);
        const tokenRefused = raw.status === 401 && (code === ZohoErrorCode.NOT_AUTHORIZED || code === ZohoErrorCode.UNAUTHENTICATED);
        if (tokenRefused && attempt <= MAX_TOKEN_RETRIES) {
          release();
          if (await this.replaceRefusedToken(accessToken, refusals)) continue;
        }
        error = booksErrorFor(operation, { status: raw.status, headers: raw.headers, body, text: raw.text });
        // The block is written before the slot is freed, so a caller waiting for the slot meets it.
        if (error instanceof ZohoRateLimitedError) {
          await this.rateLimiter?.block?.(limiterKey, error.retryAfterMs ?? 60_000)?.catch(() => undefined);
        }
        if (error instanceof ZohoConcurrencyLimitedError) this.rateLimiter?.concurrencyRefused?.(limiterKey);
      } finally {
        release();
      }
      if (error) throw error;
      return { status: raw.status, body: body as ZohoEnvelope };
    }
  }

  /** Hands Zoho's own count of the organization's daily quota to the limiter; a limiter that fails must not fail the call. */
  private recordQuota(organizationKey: string, headers: Headers): void {
    const reading = quotaFromHeaders(headers);
    if (!reading || !this.rateLimiter?.recordQuota) return;
    try {
      this.rateLimiter.recordQuota(organizationKey, reading);
    } catch {
      // The reading is bookkeeping for alerts and the backfill; the next response brings another.
    }
  }

  /**
   * Zoho refused `accessToken`: reports it and says whether the call is worth trying again with the
   * session's next token. The token handed back can be dead too (this caller held an older one
   * while the current one also expired), so a token that was not minted for this call is replaced
   * and tried; but Zoho is asked only once with a token minted for this call (specs §1.6, "refresh
   * once"): that one refused as well means the authorization lacks the OAuth scope or the
   * organization access, which no new token changes. It is then kept, not dropped (it serves every
   * other operation), and the session remembers, so callers refused the same way do not mint
   * tokens for nothing: Zoho allows 10 in 10 minutes, and then blocks every call of the connection.
   */
  private async replaceRefusedToken(accessToken: string, refusals: { minted: boolean }): Promise<boolean> {
    if (refusals.minted) {
      await this.session.invalidate(accessToken, { freshTokenRefused: true });
      return false;
    }
    const outcome = await this.session.invalidate(accessToken);
    refusals.minted = outcome?.dropped === true;
    // The same token again: the session has no other for this refusal; a call with it would be refused too.
    return (await this.session.getAccessToken()).accessToken !== accessToken;
  }

  private async exchangeRecorded(
    url: string,
    method: HttpMethod,
    path: string,
    query: Record<string, string>,
    accessToken: string,
    body: unknown,
  ): Promise<RawHttpResponse> {
    const headers: Record<string, string> = { Authorization: `Zoho-oauthtoken ${accessToken}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const started = performance.now();
    const record = (fields: Partial<ZohoCallRecord>): void => {
      const durationMs = Math.round(performance.now() - started);
      try {
        this.onCall?.({ method, path, query: { ...query }, durationMs, requestBody: body, ...fields });
      } catch {
        // An audit or metrics hook must never break the call it observes.
      }
    };
    try {
      const raw = await exchange(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, this.timeoutMs, `Zoho Books ${method} ${path}`);
      const responseBody = parseZohoJson(raw.text);
      record({ status: raw.status, code: codeOf(responseBody), responseBody });
      return raw;
    } catch (error) {
      record({ error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }
}

/** Refused tokens replaced within one call before giving up (a session that cannot say `dropped`). */
const MAX_TOKEN_RETRIES = 3;

function codeOf(body: unknown): number | undefined {
  const code = (body as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function listOf<T>(response: { status: number; body: ZohoEnvelope }, key: string, operation: string): T[] {
  const rows = response.body[key];
  if (!Array.isArray(rows)) throw unexpectedShape(operation, response.status, `the response has no "${key}" list`);
  return rows as T[];
}

/** `page_context` is an object; one OAS example shows it as a one-element array. */
function pageContextOf(body: ZohoEnvelope): ZohoPageContext | undefined {
  const context = body.page_context;
  const value = Array.isArray(context) ? context[0] : context;
  return typeof value === 'object' && value !== null ? (value as ZohoPageContext) : undefined;
}

function unexpectedShape(operation: string, status: number, problem: string): ZohoApiError {
  return new ZohoApiError({ operation, status, upstreamMessage: `unexpected response: ${problem}` });
}

function bestNameMatch<T>(rows: T[], name: string, nameOf: (row: T) => string): T | undefined {
  const exact = rows.find((row) => nameOf(row) === name);
  if (exact) return exact;
  const folded = name.trim().toLowerCase();
  return rows.find((row) => nameOf(row).trim().toLowerCase() === folded);
}

function numberingQuery(options: ZohoInvoiceWriteOptions): Query {
  return options.ignoreAutoNumberGeneration ? { ignore_auto_number_generation: 'true' } : {};
}

/** Ids go into paths; encoding keeps a malformed id from turning into another path. */
function segment(id: string): string {
  return encodeURIComponent(id);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
