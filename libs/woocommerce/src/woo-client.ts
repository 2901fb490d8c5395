import { DEFAULT_HTTP_TIMEOUT_MS, describeError, parseRetryAfter, PermanentError, RawHttpResponse, REDACTED_KEYS } from '@connector/common';
import type { WooCustomer, WooOrder, WooProduct, WooRefund, WooVariation, WooWebhook } from '@connector/contracts';
import { authenticateRequest, encodeQuery, StoreAuthScheme } from './auth';
import { sendWithStoreAuth } from './auth-fallback';
import { WooApiError, WooCredentialsError, wooErrorFor, WooPermissionError } from './errors';
import { hasNextPage, MAX_PAGE_SIZE } from './pagination';
import { publicStoreExchange } from './public-transport';
import { processStoreAuthMemory, StoreAuthMemory } from './store-auth-memory';
import { normalizeStoreUrl } from './store-url';
import { exchange, parseJson, WooExchange } from './transport';
import { ensureWebhooks, EnsuredWebhook, EnsureWebhooksOptions, WebhookApi, WooWebhookInput } from './webhooks';

export interface WooClientOptions {
  /** The store's address; normalized with `normalizeStoreUrl`. */
  url: string;
  consumerKey: string;
  consumerSecret: string;
  /**
   * Admit http and loopback/private stores (sandbox, tests). Without it, a store whose name
   * resolves to a non-public address is refused when connecting, not only when its URL is checked.
   */
  allowPrivate?: boolean;
  timeoutMs?: number;
  /** Told about every HTTP exchange (audit trail, metrics); must not throw. */
  onCall?: (record: WooCallRecord) => void;
  /** Which stores need OAuth 1.0a over https; default: shared by every client of the process. */
  authMemory?: StoreAuthMemory;
  /**
   * How requests reach the store; default fetch when `allowPrivate`, else the public-addresses-only
   * exchange of public-transport.ts. Tests put a stand-in TLS-terminating proxy here.
   */
  exchange?: WooExchange;
}

/** One HTTP exchange with the store. Never holds credentials or OAuth parameters. */
export interface WooCallRecord {
  method: string;
  /** Path below `/wp-json/wc/v3`, e.g. `/orders/727`. */
  path: string;
  query: Record<string, string>;
  /** How it was authenticated; a refused `basic` followed by `oauth1` is the fallback at work. */
  auth: 'basic' | 'oauth1';
  /** HTTP status; absent when no response arrived. */
  status?: number;
  durationMs: number;
  /** The JSON sent, with secrets (e.g. a webhook secret) redacted. */
  requestBody?: unknown;
  /** The store's answer, kept for failed calls only (successful ones carry customer data). */
  responseBody?: unknown;
  /** Why no response arrived (network error, timeout). */
  error?: string;
}

export type SortOrder = 'asc' | 'desc';

export interface ListOrdersOptions {
  /** Only orders modified after this moment (exclusive); a string is passed as-is and read as GMT. */
  modifiedAfter?: Date | string;
  /** One status or several, e.g. `['processing', 'completed']`; WooCommerce's default is `any`. */
  status?: string | readonly string[];
  orderBy?: 'date' | 'id' | 'include' | 'title' | 'slug' | 'modified';
  order?: SortOrder;
  /** Only this customer's orders (user id). */
  customer?: number;
}

export interface ListCustomersOptions {
  email?: string;
  /** WooCommerce's default is `customer`; `all` lists every role. */
  role?: string;
  search?: string;
  orderBy?: 'id' | 'include' | 'name' | 'registered_date';
  order?: SortOrder;
}

export interface ListProductsOptions {
  modifiedAfter?: Date | string;
  sku?: string;
  status?: string;
  type?: string;
  orderBy?: 'date' | 'id' | 'include' | 'title' | 'slug' | 'modified' | 'price' | 'popularity' | 'rating';
  order?: SortOrder;
}

/** `refused`: the store answered and turned the keys down (401/403), as against not being reachable. */
export type WooPingResult = { ok: true; store: { url: string } } | { ok: false; store?: { url: string }; error: string; refused?: boolean };

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Query = Record<string, string | undefined>;

const API_PREFIX = '/wp-json/wc/v3';
const USER_AGENT = 'Connector (WooCommerce to Zoho Books sync)';
/** Shared by every client, so connections to a store are kept alive across clients as fetch's are. */
const PUBLIC_STORE_EXCHANGE = publicStoreExchange();

/**
 * The WooCommerce REST API v3 of one store. Authentication follows the store's scheme (Basic over
 * https, OAuth 1.0a over http, and over https where Basic never reaches WooCommerce: see
 * auth-fallback.ts). Failures are mapped by `wooErrorFor`; apart from that fallback nothing is
 * retried here, so the caller's backoff decides. List methods are async iterators that fetch
 * page by page (100 per page) as the iteration proceeds.
 */
export class WooClient implements WebhookApi {
  /** The normalized store URL. */
  readonly storeUrl: string;
  private readonly apiBase: string;
  private readonly consumerKey: string;
  private readonly consumerSecret: string;
  private readonly timeoutMs: number;
  private readonly onCall?: (record: WooCallRecord) => void;
  private readonly authMemory: StoreAuthMemory;
  private readonly exchange: WooExchange;

  constructor(options: WooClientOptions) {
    this.storeUrl = normalizeStoreUrl(options.url, { allowPrivate: options.allowPrivate });
    this.apiBase = `${this.storeUrl}${API_PREFIX}`;
    this.consumerKey = options.consumerKey;
    this.consumerSecret = options.consumerSecret;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
    this.onCall = options.onCall;
    this.authMemory = options.authMemory ?? processStoreAuthMemory;
    this.exchange = options.exchange ?? (options.allowPrivate ? exchange : PUBLIC_STORE_EXCHANGE);
  }

  // Orders ------------------------------------------------------------------------------------

  /** Dates are compared in GMT (`dates_are_gmt=true`), matching `date_modified_gmt`. */
  listOrders(options: ListOrdersOptions = {}): AsyncIterable<WooOrder> {
    const status = typeof options.status === 'string' ? options.status : options.status?.join(',');
    return this.paginate<WooOrder>('/orders', {
      modified_after: wooDate(options.modifiedAfter),
      dates_are_gmt: 'true',
      status,
      customer: options.customer === undefined ? undefined : String(options.customer),
      orderby: options.orderBy,
      order: options.order,
    });
  }

  async getOrder(orderId: number): Promise<WooOrder> {
    return this.one<WooOrder>('GET', `/orders/${id(orderId)}`);
  }

  /**
   * Every refund of an order (`GET /orders/{id}/refunds`), newest first, page by page. The order
   * itself only carries `refunds[{id, reason, total}]`; these are the full refunds, with lines.
   */
  listOrderRefunds(orderId: number): AsyncIterable<WooRefund> {
    return this.paginate<WooRefund>(`/orders/${id(orderId)}/refunds`);
  }

  /**
   * One refund of an order. A refund that is gone (deleted), or that belongs to another order, is a
   * `WooNotFoundError` (`woocommerce_rest_shop_order_refund_invalid_id` /
   * `woocommerce_rest_invalid_order_refund_id` / `woocommerce_rest_invalid_order_id`).
   */
  async getOrderRefund(orderId: number, refundId: number): Promise<WooRefund> {
    return this.one<WooRefund>('GET', `/orders/${id(orderId)}/refunds/${id(refundId)}`);
  }

  // Customers ---------------------------------------------------------------------------------

  listCustomers(options: ListCustomersOptions = {}): AsyncIterable<WooCustomer> {
    return this.paginate<WooCustomer>('/customers', {
      email: options.email,
      role: options.role,
      search: options.search,
      orderby: options.orderBy,
      order: options.order,
    });
  }

  async getCustomer(customerId: number): Promise<WooCustomer> {
    return this.one<WooCustomer>('GET', `/customers/${id(customerId)}`);
  }

  // Products ----------------------------------------------------------------------------------

  listProducts(options: ListProductsOptions = {}): AsyncIterable<WooProduct> {
    return this.paginate<WooProduct>('/products', {
      modified_after: wooDate(options.modifiedAfter),
      dates_are_gmt: 'true',
      sku: options.sku,
      status: options.status,
      type: options.type,
      orderby: options.orderBy,
      order: options.order,
    });
  }

  async getProduct(productId: number): Promise<WooProduct> {
    return this.one<WooProduct>('GET', `/products/${id(productId)}`);
  }

  listVariations(productId: number): AsyncIterable<WooVariation> {
    return this.paginate<WooVariation>(`/products/${id(productId)}/variations`);
  }

  async getVariation(productId: number, variationId: number): Promise<WooVariation> {
    return this.one<WooVariation>('GET', `/products/${id(productId)}/variations/${id(variationId)}`);
  }

  // Webhooks ----------------------------------------------------------------------------------

  /** Every webhook of the store, whatever its status. */
  async listWebhooks(): Promise<WooWebhook[]> {
    const all: WooWebhook[] = [];
    for await (const hook of this.paginate<WooWebhook>('/webhooks', { status: 'all' })) all.push(hook);
    return all;
  }

  /** WooCommerce pings `delivery_url` synchronously before answering, and always creates it active. */
  async createWebhook(input: WooWebhookInput & { topic: string; delivery_url: string }): Promise<WooWebhook> {
    return this.one<WooWebhook>('POST', '/webhooks', { body: input });
  }

  async updateWebhook(webhookId: number, input: WooWebhookInput): Promise<WooWebhook> {
    return this.one<WooWebhook>('PUT', `/webhooks/${id(webhookId)}`, { body: input });
  }

  /** Deletes for good (`force=true`); webhooks cannot be trashed. */
  async deleteWebhook(webhookId: number): Promise<WooWebhook> {
    return this.one<WooWebhook>('DELETE', `/webhooks/${id(webhookId)}`, { query: { force: 'true' } });
  }

  /** See `ensureWebhooks` in webhooks.ts: idempotent registration of our deliveries. */
  async ensureWebhooks(options: EnsureWebhooksOptions): Promise<EnsuredWebhook[]> {
    return ensureWebhooks(this, options);
  }

  // Connection check --------------------------------------------------------------------------

  /**
   * Checks what the integration needs: reading orders, and managing webhooks (which needs an
   * administrator or shop-manager key). Never throws; failures come back in words.
   */
  async ping(): Promise<WooPingResult> {
    const store = { url: this.storeUrl };
    try {
      await this.send('GET', '/orders', { query: { per_page: '1', _fields: 'id' } });
    } catch (error) {
      return { ok: false, store, error: `Cannot read orders: ${describeError(error)}`, refused: keysRefused(error) };
    }
    try {
      await this.send('GET', '/webhooks', { query: { per_page: '1' } });
    } catch (error) {
      return { ok: false, store, error: `Cannot manage webhooks: ${describeError(error)}`, refused: keysRefused(error) };
    }
    return { ok: true, store };
  }

  // Plumbing ----------------------------------------------------------------------------------

  private async one<T>(method: HttpMethod, path: string, request: { query?: Query; body?: unknown } = {}): Promise<T> {
    const response = await this.send(method, path, request);
    if (typeof response.body !== 'object' || response.body === null || Array.isArray(response.body)) {
      throw unexpectedShape(`${method} ${path}`, response.status, 'expected a JSON object');
    }
    return response.body as T;
  }

  private async *paginate<T>(path: string, filters: Query = {}): AsyncGenerator<T> {
    for (let page = 1; ; page++) {
      const response = await this.send('GET', path, { query: { ...filters, page: String(page), per_page: String(MAX_PAGE_SIZE) } });
      if (!Array.isArray(response.body)) throw unexpectedShape(`GET ${path}`, response.status, 'expected a JSON array');
      yield* response.body as T[];
      if (!hasNextPage(response.headers, page, response.body.length, MAX_PAGE_SIZE)) return;
    }
  }

  private async send(
    method: HttpMethod,
    path: string,
    request: { query?: Query; body?: unknown } = {},
  ): Promise<{ status: number; headers: Headers; body: unknown }> {
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) query[name] = value;
    return sendWithStoreAuth(this.storeUrl, this.authMemory, (scheme) => this.sendAs(scheme, method, path, query, request.body));
  }

  /** One exchange authenticated with `scheme`, recorded, its failure mapped to an error. */
  private async sendAs(
    scheme: StoreAuthScheme,
    method: HttpMethod,
    path: string,
    query: Record<string, string>,
    requestBody: unknown,
  ): Promise<{ status: number; headers: Headers; body: unknown }> {
    const url = `${this.apiBase}${path}`;
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': USER_AGENT };
    const authenticated = authenticateRequest(scheme, { method, url, query, consumerKey: this.consumerKey, consumerSecret: this.consumerSecret });
    if (authenticated.authorization) headers.Authorization = authenticated.authorization;
    if (requestBody !== undefined) headers['Content-Type'] = 'application/json';
    const search = encodeQuery(authenticated.query);
    const init: RequestInit = { method, headers, body: requestBody === undefined ? undefined : JSON.stringify(requestBody) };

    const operation = `${method} ${path}`;
    const auth = scheme === 'basic' ? 'basic' : 'oauth1';
    const started = performance.now();
    let raw: RawHttpResponse;
    try {
      raw = await this.exchange(search ? `${url}?${search}` : url, init, this.timeoutMs, `WooCommerce ${operation}`);
    } catch (error) {
      this.record({ method, path, query, auth, durationMs: elapsed(started), requestBody: redact(requestBody), error: describeError(error) });
      throw error;
    }
    const body = parseJson(raw.text);
    const failed = raw.status < 200 || raw.status >= 300;
    this.record({
      method,
      path,
      query,
      auth,
      status: raw.status,
      durationMs: elapsed(started),
      requestBody: redact(requestBody),
      responseBody: failed ? (body ?? raw.text.slice(0, 500)) : undefined,
    });
    const error = wooErrorFor(operation, { status: raw.status, headers: raw.headers, body, text: raw.text }, parseRetryAfter(raw.headers.get('retry-after')));
    if (error) throw error;
    return { status: raw.status, headers: raw.headers, body };
  }

  private record(record: WooCallRecord): void {
    try {
      this.onCall?.(record);
    } catch {
      // An audit or metrics hook must never break the call it observes.
    }
  }
}

/** WooCommerce's date filter format: `YYYY-MM-DDTHH:MM:SS`, read as GMT with `dates_are_gmt`. */
function wooDate(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toISOString().slice(0, 19);
}

/** Resource ids are positive integers; anything else would change the path. */
function id(value: number): string {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new PermanentError(`WooCommerce ids are positive integers, got ${String(value)}`, { code: 'invalid_id' });
  }
  return String(value);
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

const SECRET_KEYS = new Set(REDACTED_KEYS.map((key) => key.toLowerCase()));

/** A copy of a request body with secret-looking fields replaced, for the call record. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [key, SECRET_KEYS.has(key.toLowerCase()) ? '[redacted]' : redact(field)]),
  );
}

function unexpectedShape(operation: string, status: number, problem: string): WooApiError {
  return new WooApiError({ operation, status, upstreamMessage: `unexpected response: ${problem}` });
}

function keysRefused(error: unknown): boolean {
  return error instanceof WooCredentialsError || error instanceof WooPermissionError;
}
