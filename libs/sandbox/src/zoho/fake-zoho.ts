import { Decimal } from '../decimal/decimal';
import { AbortableSleeps } from '../http/abortable-sleep';
import { FaultPlan } from '../http/fault-plan';
import { startHttpServer, type RunningHttpServer } from '../http/http-server';
import { assertTimeZone, isIsoDate, localDate } from '../time/zoned-time';
import { AccountsServer, type AccountsCallRecord } from './accounts-server';
import { BOOKS_BASE_PATH, BooksServer, type ZohoCallRecord } from './books-server';
import type { ZohoContact, ZohoCreditNote, ZohoCreditNoteRefund, ZohoInvoice, ZohoItem, ZohoPayment, ZohoTax } from './books-json-types';
import { DEFAULT_ERROR_CODES, type ZohoErrorCodes } from './books-request';
import { contactJson, hasTransaction } from './contact-json';
import { creditNoteJson } from './credit-note-json';
import { creditNoteRefundJson } from './credit-note-refunds';
import { currencyFormat, currencyInfo } from './currencies';
import { paymentJson } from './customer-payments';
import { invoiceJson } from './invoice-json';
import { itemHandlers, itemInUse, itemJson } from './items';
import { ZohoOrganization, type CreateOrganizationInput, type ZohoOrg } from './organization';
import { DEFAULT_ZOHO_LIMITS, type ZohoLimits } from './rate-limiter';
import { taxListJson } from './settings-handlers';
import { DEFAULT_TOKEN_SETTINGS, TokenStore, type OAuthClient } from './token-store';
import { newOrganizationId, ZohoIdSequence } from './zoho-ids';

export interface FakeZohoOptions {
  host?: string;
  /** Port of the Accounts (OAuth) server; 0 (default) = random. */
  accountsPort?: number;
  /** Port of the Books API server; 0 (default) = random. */
  apiPort?: number;
  /** `expires_in` of access tokens, seconds (default 3600). */
  accessTokenTtlSeconds?: number;
  /** Access tokens one refresh token may mint per window before `Access Denied` (default 10). */
  tokenMintLimit?: number;
  /** The mint window in ms (default 600000 = 10 minutes). */
  tokenMintWindowMs?: number;
  /** Live access tokens per refresh token; the oldest dies beyond it (default 15). */
  maxActiveAccessTokens?: number;
  /** Refresh tokens per client; the oldest is deleted beyond it (default 20). */
  maxRefreshTokensPerClient?: number;
  /** HTTP status of token-endpoint errors (default 200, as Zoho). */
  tokenErrorHttpStatus?: number;
  /** Default limits of new organisations (per minute 100, daily 5000, concurrency 10). */
  limits?: Partial<ZohoLimits>;
  /** Send `Retry-After` with limit-based 429 responses (default false; unconfirmed for Zoho). */
  retryAfterOn429?: boolean;
  /**
   * Send `X-Rate-Limit-Limit/-Remaining/-Reset` on organisation calls (default true, as Zoho has
   * since Dec 2019; undocumented, so `false` tests a client that must do without them).
   */
  rateLimitHeaders?: boolean;
  /** Codes the spec leaves open (duplicates, wrong organization_id). */
  errorCodes?: Partial<ZohoErrorCodes>;
  /**
   * Whether `GET /items?search_text=` matches SKUs as well as names and descriptions (default
   * true). Zoho documents "name or description"; SKU is unconfirmed (specs/zoho-books.md §4), so
   * `false` tests a client against the documented behaviour.
   */
  searchTextMatchesSku?: boolean;
  /** Clock for tokens, limits and timestamps (default Date.now). */
  now?: () => number;
}

export type ZohoFaults = FaultPlan;
export type { ZohoCallRecord, AccountsCallRecord, ZohoOrg, CreateOrganizationInput, ZohoLimits, ZohoErrorCodes };

/**
 * A fake Zoho: the Accounts (OAuth) server and the Books API on two different ports, as two
 * hosts in real life. State is in memory. See libs/sandbox/README.md for what is faithful.
 */
export class FakeZoho {
  /** Every Books API call, in arrival order. */
  readonly calls: ZohoCallRecord[];
  /** Every call to the Accounts server (token grants, revocations), without secrets. */
  readonly accountsCalls: AccountsCallRecord[];
  readonly faults: ZohoFaults;

  private readonly organizations = new Map<string, ZohoOrganization>();
  private readonly ids = new ZohoIdSequence();
  private readonly accountIds = new Map<string, { tax: string; purchase: string }>();
  private readonly sleeps = new AbortableSleeps();
  private readonly defaultLimits: ZohoLimits;
  private readonly now: () => number;
  private readonly tokens: TokenStore;
  private readonly codes: ZohoErrorCodes;
  private readonly searchTextMatchesSku: boolean;
  private accountsServer?: RunningHttpServer;
  private apiServer?: RunningHttpServer;
  private readonly books: BooksServer;
  private readonly accounts: AccountsServer;

  private constructor(options: FakeZohoOptions) {
    this.now = options.now ?? Date.now;
    this.defaultLimits = { ...DEFAULT_ZOHO_LIMITS, ...options.limits };
    this.tokens = new TokenStore(
      {
        ...DEFAULT_TOKEN_SETTINGS,
        ...(options.accessTokenTtlSeconds !== undefined && { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
        ...(options.tokenMintLimit !== undefined && { mintLimit: options.tokenMintLimit }),
        ...(options.tokenMintWindowMs !== undefined && { mintWindowMs: options.tokenMintWindowMs }),
        ...(options.maxActiveAccessTokens !== undefined && { maxActiveAccessTokens: options.maxActiveAccessTokens }),
        ...(options.maxRefreshTokensPerClient !== undefined && { maxRefreshTokensPerClient: options.maxRefreshTokensPerClient }),
      },
      this.now,
    );
    this.codes = { ...DEFAULT_ERROR_CODES, ...options.errorCodes };
    this.searchTextMatchesSku = options.searchTextMatchesSku ?? true;
    this.faults = new FaultPlan((path) => [path, path.startsWith(BOOKS_BASE_PATH) ? path.slice(BOOKS_BASE_PATH.length) : path]);
    this.books = new BooksServer({
      tokens: this.tokens,
      organizations: this.organizations,
      faults: this.faults,
      sleeps: this.sleeps,
      ids: this.ids,
      settings: {
        retryAfterOn429: options.retryAfterOn429 ?? false,
        codes: this.codes,
        searchTextMatchesSku: this.searchTextMatchesSku,
        rateLimitHeaders: options.rateLimitHeaders ?? true,
      },
      now: this.now,
      apiDomain: () => this.apiDomain,
      accountIds: (org) => this.accountIdsFor(org),
      orgJson: (org, isDefault) => ({ ...org.info, is_default_org: isDefault }),
    });
    this.accounts = new AccountsServer(
      this.tokens,
      { errorHttpStatus: options.tokenErrorHttpStatus ?? 200 },
      () => ({ accountsUrl: this.accountsUrl, apiDomain: this.apiDomain }),
      this.now,
    );
    this.calls = this.books.calls;
    this.accountsCalls = this.accounts.calls;
  }

  static async start(options: FakeZohoOptions = {}): Promise<FakeZoho> {
    const fake = new FakeZoho(options);
    const host = options.host ?? '127.0.0.1';
    fake.accountsServer = await startHttpServer(fake.accounts.handle, { port: options.accountsPort ?? 0, host });
    try {
      fake.apiServer = await startHttpServer(fake.books.handle, { port: options.apiPort ?? 0, host });
    } catch (error) {
      await fake.accountsServer.close();
      throw error;
    }
    return fake;
  }

  /** The Zoho Accounts server, e.g. `http://127.0.0.1:41001`. */
  get accountsUrl(): string {
    return this.accountsServer?.url ?? '';
  }

  /** The API host returned as `api_domain`; the Books base is `apiDomain + '/books/v3'`. */
  get apiDomain(): string {
    return this.apiServer?.url ?? '';
  }

  /** `apiDomain + '/books/v3'`. */
  get booksBaseUrl(): string {
    return `${this.apiDomain}${BOOKS_BASE_PATH}`;
  }

  // ---- OAuth ------------------------------------------------------------------------------

  /** A new OAuth client: `1000.` + 30 upper-case alphanumerics, and a 42-hex secret. */
  registerClient(): OAuthClient {
    return this.tokens.registerClient();
  }

  /**
   * A refresh token (`1000.<32hex>.<32hex>`) for the client, granting the given organisations
   * (default: all, including ones created later) and scopes (default ZohoBooks.fullaccess.all).
   */
  issueRefreshToken(clientId: string, orgIds?: string[], scopes?: string[]): string {
    return this.tokens.issueRefreshToken(clientId, orgIds ?? 'all', scopes);
  }

  /**
   * A single-use grant code for the authorization-code grant (what the consent redirect would
   * carry), valid 2 minutes. `offline` makes the exchange return a refresh token.
   */
  issueAuthorizationCode(clientId: string, options: { redirectUri?: string; scopes?: string[]; orgIds?: string[]; offline?: boolean } = {}): string {
    const code = this.tokens.issueGrantCode(clientId, { ...options, orgIds: options.orgIds ?? 'all', offline: options.offline ?? true });
    if (code === undefined) throw new Error('grant-code limit reached for this client');
    return code;
  }

  /** Revokes a refresh token and every access token minted from it (→ `invalid_code`, 401/57). */
  revokeRefreshToken(token: string): void {
    this.tokens.revoke(token);
  }

  /** Every access token issued so far becomes invalid (→ 401 code 57), as after an hour. */
  expireAccessTokens(): void {
    this.tokens.expireAccessTokens();
  }

  // ---- organisations ------------------------------------------------------------------------

  createOrganization(input: CreateOrganizationInput = {}): ZohoOrg {
    const currency = currencyInfo(input.currencyCode ?? 'USD');
    const timeZone = input.timeZone ?? 'UTC';
    assertTimeZone(timeZone);
    const precision = input.pricePrecision ?? currency.precision;
    const info: ZohoOrg = {
      organization_id: newOrganizationId(),
      name: input.name ?? `Fake Shop ${this.organizations.size + 1}`,
      contact_name: input.contactName ?? 'Alex Owner',
      email: input.email ?? 'owner@example-shop.test',
      is_default_org: this.organizations.size === 0,
      plan_type: 130,
      tax_group_enabled: true,
      plan_name: input.planName ?? 'PROFESSIONAL',
      plan_period: 'Monthly',
      language_code: 'en',
      fiscal_year_start_month: 0,
      account_created_date: localDate(this.now(), timeZone),
      time_zone: timeZone,
      is_org_active: true,
      currency_id: this.ids.next(),
      currency_code: currency.code,
      currency_symbol: currency.symbol,
      currency_format: currencyFormat(precision),
      price_precision: precision,
    };
    const limits: ZohoLimits = {
      ...this.defaultLimits,
      ...input.limits,
      ...(input.planDailyLimit !== undefined && { daily: input.planDailyLimit }),
    };
    const org = new ZohoOrganization(info, limits, this.now);
    org.addTaxes(this.ids, input.taxes ?? [], input.taxGroups ?? []);
    for (const code of input.currencies ?? []) org.addCurrency(this.ids, code);
    this.organizations.set(info.organization_id, org);
    return { ...info };
  }

  /** Adds a currency to an organisation (Settings → Currencies); its currency_id. */
  addCurrency(orgId: string, code: string): string {
    return this.org(orgId).addCurrency(this.ids, code).currency_id;
  }

  /**
   * Sets the organisation's rate of a currency from `effectiveDate` (yyyy-mm-dd) on, replacing one
   * of that date (POST …/exchangerates would refuse it); its exchange_rate_id.
   */
  setExchangeRate(orgId: string, code: string, effectiveDate: string, rate: number | string): string {
    const org = this.org(orgId);
    const currency = org.currencyByCode(code);
    if (!currency || currency.is_base_currency) throw new Error(`organisation ${orgId} has no foreign currency ${code}`);
    if (!isIsoDate(effectiveDate)) throw new Error(`effective date ${effectiveDate} is not yyyy-mm-dd`);
    const value = Decimal.from(String(rate));
    if (value.sign() <= 0) throw new Error(`exchange rate ${String(rate)} is not greater than zero`);
    const rates = (org.exchangeRates.get(currency.currency_id) ?? []).filter((r) => r.effective_date !== effectiveDate);
    const id = this.ids.next();
    rates.push({ exchange_rate_id: id, currency_id: currency.currency_id, effective_date: effectiveDate, rate: value });
    org.exchangeRates.set(currency.currency_id, rates);
    return id;
  }

  organization(orgId: string): ZohoOrg {
    return { ...this.org(orgId).info };
  }

  /** Marks a draft invoice sent, as its owner would in Zoho (POST /invoices/{id}/status/sent does the same). */
  markInvoiceSent(orgId: string, invoiceId: string): void {
    const invoice = this.org(orgId).invoices.get(invoiceId);
    if (!invoice) throw new Error(`organization ${orgId} has no invoice ${invoiceId}`);
    if (invoice.base_status === 'draft') invoice.base_status = 'sent';
  }

  /**
   * Deletes a contact as its owner would in Zoho, under the same rule as DELETE /contacts/{id}:
   * one with transactions cannot be deleted (it can be marked inactive).
   */
  deleteContact(orgId: string, contactId: string): void {
    const org = this.org(orgId);
    if (!org.contacts.has(contactId)) throw new Error(`organization ${orgId} has no contact ${contactId}`);
    if (hasTransaction(org, contactId)) throw new Error(`contact ${contactId} has transactions: Zoho does not delete it`);
    org.contacts.delete(contactId);
  }

  /** Deletes an invoice as its owner would in Zoho, under the same rule as DELETE /invoices/{id} (none with payments or credits applied). */
  deleteInvoice(orgId: string, invoiceId: string): void {
    const org = this.org(orgId);
    const invoice = org.invoices.get(invoiceId);
    if (!invoice) throw new Error(`organization ${orgId} has no invoice ${invoiceId}`);
    if (invoice.payment_made.sign() > 0 || invoice.credits_applied.sign() > 0) throw new Error(`invoice ${invoiceId} has payments or credits applied: Zoho does not delete it`);
    org.invoices.delete(invoiceId);
  }

  /** Adds an item as its owner would in Zoho (what POST /items takes and checks, e.g. a unique name and SKU). */
  createItem(orgId: string, input: { name: string; rate: number | string; sku?: string; [field: string]: unknown }): ZohoItem {
    const org = this.org(orgId);
    const result = itemHandlers.create({
      org, params: {}, query: new URLSearchParams(), body: input, now: this.now(), ids: this.ids, codes: this.codes, searchTextMatchesSku: this.searchTextMatchesSku,
    });
    return result.body.item as ZohoItem;
  }

  /** Deletes an item as its owner would in Zoho, under the same rule as DELETE /items/{id} (not one an invoice uses). */
  deleteItem(orgId: string, itemId: string): void {
    const org = this.org(orgId);
    if (!org.items.has(itemId)) throw new Error(`organization ${orgId} has no item ${itemId}`);
    if (itemInUse(org, itemId)) throw new Error(`item ${itemId} is used in transactions: Zoho does not delete it`);
    org.items.delete(itemId);
  }

  /** Corrects an invoice's exchange rate, as its owner would by editing it in Zoho. */
  setInvoiceExchangeRate(orgId: string, invoiceId: string, rate: number | string): void {
    const invoice = this.org(orgId).invoices.get(invoiceId);
    if (!invoice) throw new Error(`organization ${orgId} has no invoice ${invoiceId}`);
    invoice.exchange_rate = Decimal.from(String(rate));
  }

  /** Adds taxes (and groups) to an existing organisation, as its owner would in Zoho's settings. */
  addTaxes(orgId: string, taxes: NonNullable<CreateOrganizationInput['taxes']>, taxGroups: NonNullable<CreateOrganizationInput['taxGroups']> = []): void {
    this.org(orgId).addTaxes(this.ids, taxes, taxGroups);
  }

  /** Changes an organisation's limits (counters are kept). */
  setLimits(orgId: string, limits: Partial<ZohoLimits>): void {
    const org = this.org(orgId);
    org.limiter.limits = { ...org.limiter.limits, ...limits };
  }

  /** Forgets the request counts of one organisation (or all), e.g. between benchmark phases. */
  resetLimits(orgId?: string): void {
    for (const org of orgId ? [this.org(orgId)] : this.organizations.values()) org.limiter.reset();
  }

  // ---- inspection ---------------------------------------------------------------------------

  /** A position in `calls`, for `callsSince`. */
  mark(): number {
    return this.calls.length;
  }

  callsSince(mark: number): ZohoCallRecord[] {
    return this.calls.slice(mark);
  }

  contacts(orgId: string): ZohoContact[] {
    const org = this.org(orgId);
    return [...org.contacts.values()].map((c) => contactJson({ org }, c));
  }

  items(orgId: string): ZohoItem[] {
    const org = this.org(orgId);
    return [...org.items.values()].map((i) => itemJson({ org }, i));
  }

  invoices(orgId: string): ZohoInvoice[] {
    const org = this.org(orgId);
    return [...org.invoices.values()].map((i) => invoiceJson({ org, now: this.now() }, i, this.apiDomain));
  }

  /** Taxes and tax groups, as GET /settings/taxes lists them. */
  taxes(orgId: string): ZohoTax[] {
    const org = this.org(orgId);
    return taxListJson(org, this.accountIdsFor(org));
  }

  payments(orgId: string): ZohoPayment[] {
    const org = this.org(orgId);
    return [...org.payments.values()].map((payment) => paymentJson({ org }, payment));
  }

  /** Credit notes as GET /creditnotes/{id} returns them, in creation order. */
  creditNotes(orgId: string): ZohoCreditNote[] {
    const org = this.org(orgId);
    return [...org.creditNotes.values()].map((creditNote) => creditNoteJson({ org }, creditNote));
  }

  /** The refunds of one credit note as GET /creditnotes/{id}/refunds lists them, oldest first. */
  creditNoteRefunds(orgId: string, creditNoteId: string): ZohoCreditNoteRefund[] {
    const org = this.org(orgId);
    const creditNote = org.creditNotes.get(creditNoteId);
    if (!creditNote) throw new Error(`organization ${orgId} has no credit note ${creditNoteId}`);
    return creditNote.refunds.map((refund) => creditNoteRefundJson({ org }, creditNote, refund));
  }

  async stop(): Promise<void> {
    this.sleeps.abortAll();
    await Promise.all([this.accountsServer?.close(), this.apiServer?.close()]);
  }

  private org(orgId: string): ZohoOrganization {
    const org = this.organizations.get(orgId);
    if (!org) throw new Error(`unknown organization ${orgId}`);
    return org;
  }

  private accountIdsFor(org: ZohoOrganization): { tax: string; purchase: string } {
    let ids = this.accountIds.get(org.id);
    if (!ids) {
      ids = { tax: this.ids.next(), purchase: this.ids.next() };
      this.accountIds.set(org.id, ids);
    }
    return ids;
  }
}
