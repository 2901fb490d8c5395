import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AbortableSleeps } from '../http/abortable-sleep';
import type { FaultPlan, InjectedFault } from '../http/fault-plan';
import { mediaType, readRequestBody } from '../http/request-body';
import { RouteTable } from '../http/route-table';
import type { FakeWooStore } from './fake-woo-store';
import { phpJsonEncode } from './php-json';
import { parsePhpQuery, type PhpArray } from './php-query';
import { authenticateWooRequest, checkKeyPermissions } from './rest-auth';
import { phpToPlain, type WooRestContext, type WooResult, type WooRoute } from './rest-context';
import { customerRoutes } from './routes/customer-routes';
import { orderRoutes } from './routes/order-routes';
import { productRoutes } from './routes/product-routes';
import { webhookRoutes } from './routes/webhook-routes';
import type { FakeRefundInput } from './store-inputs';
import type { ApiKeyRecord } from './store-records';
import type { WooStoreState } from './store-state';
import { cannot, missingParams, noRoute, WpRestError } from './wp-errors';

/** One REST request as the fake store saw it (credentials removed from the query). */
export interface WooRequestRecord {
  at: number;
  method: string;
  /** The REST route, e.g. `/wc/v3/orders`. */
  route: string;
  query: Record<string, string>;
  status: number;
  /** `basic` (HTTPS), `oauth1`, or `none`. */
  auth: 'basic' | 'oauth1' | 'none';
  durationMs: number;
  responseLost: boolean;
}

export interface RestServerSettings {
  trustForwardedProto: boolean;
  stripAuthorizationHeader: boolean;
  controlApi: boolean;
}

const CREDENTIALS = /^(oauth_|consumer_key$|consumer_secret$)/;

/**
 * The WordPress REST request cycle for `/wp-json/…` (or `?rest_route=`): WooCommerce
 * authentication → key permissions → route (404 rest_no_route) → capability → required
 * parameters → handler → `_fields`. Responses are PHP-encoded JSON.
 */
export class WooRestServer {
  readonly requests: WooRequestRecord[] = [];
  private readonly routes = new RouteTable<WooRoute>();

  constructor(
    private readonly store: FakeWooStore,
    private readonly state: WooStoreState,
    private readonly faults: FaultPlan,
    private readonly sleeps: AbortableSleeps,
    private readonly settings: RestServerSettings,
  ) {
    for (const [methods, path, route] of [...orderRoutes, ...customerRoutes, ...productRoutes, ...webhookRoutes]) {
      for (const method of methods) this.routes.add(method, path, route);
    }
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const at = this.state.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://woo.invalid');
    const rawQuery = url.search.slice(1);
    const query = parsePhpQuery(rawQuery);
    const restRoute = url.pathname.startsWith('/wp-json') ? url.pathname.slice('/wp-json'.length) || '/' : (typeof query.get('rest_route') === 'string' ? (query.get('rest_route') as string) : undefined);
    const record: WooRequestRecord = { at, method, route: restRoute ?? url.pathname, query: safeQuery(url.searchParams), status: 0, auth: 'none', durationMs: 0, responseLost: false };

    await this.sleeps.sleep(this.faults.latencyMs());
    const fault = this.faults.takeInjected(method, restRoute ?? url.pathname);
    if (fault) return this.finish(res, record, started, injectedResponse(fault));

    const body = await readRequestBody(req);
    if (this.settings.controlApi && url.pathname === '/__sandbox/orders' && method === 'POST') {
      return this.finish(res, record, started, { status: 201, body: this.store.placeSampleOrder() });
    }
    if (this.settings.controlApi && url.pathname.startsWith('/__sandbox/orders/')) {
      const control = this.controlRefunds(method, url.pathname, body);
      if (control) return this.finish(res, record, started, control);
    }
    if (restRoute === undefined) {
      return this.finish(res, record, started, { status: 404, body: '<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>', headers: { 'Content-Type': 'text/html; charset=UTF-8' } });
    }

    let result: WooResult;
    let handlerRan = false;
    try {
      const parsed = parseBody(req, method, body);
      const route = restRoute.replace(/\/+$/, '') || '/';
      if (route === '/') {
        result = { status: 200, body: this.siteIndex() };
      } else if (route === '/wc/v3') {
        result = { status: 200, body: this.namespaceIndex() };
      } else {
        const isSsl = this.settings.trustForwardedProto && String(req.headers['x-forwarded-proto'] ?? '').toLowerCase() === 'https';
        // What PHP receives: a CGI/FastCGI host without the rewrite rule drops the header.
        const authorization = this.settings.stripAuthorizationHeader ? undefined : req.headers.authorization;
        const isWcRoute = route.startsWith('/wc/') || route.startsWith('/wc-');
        let user: ApiKeyRecord | undefined;
        if (isWcRoute) {
          const auth = authenticateWooRequest(
            { method, path: url.pathname, query, post: parsed.post, authorization, isSsl },
            { findKey: (key) => this.state.keys.get(key), siteUrl: this.state.settings.siteUrl, nowSeconds: () => Math.floor(this.state.now() / 1000) },
          );
          if (auth.error) throw auth.error;
          user = auth.user;
          if (user) {
            record.auth = isSsl && !query.has('oauth_signature') && !String(authorization ?? '').startsWith('OAuth ') ? 'basic' : 'oauth1';
            const denied = checkKeyPermissions(user, method);
            if (denied) throw denied;
          }
        }
        const lookup = this.routes.lookup(method === 'HEAD' ? 'GET' : method, route);
        if (lookup.kind !== 'found') throw noRoute();
        const { route: handler, params } = lookup.match;
        if (!user || user.role === 'customer') throw cannot(handler.action, user !== undefined);
        const ctx: WooRestContext = { method, params, query, rawQuery, body: parsed.body, user, view: this.state.view(), state: this.state, store: this.store };
        const missing = (handler.required ?? []).filter((name) => ctx.body[name] === undefined && !query.has(name));
        if (missing.length > 0) throw missingParams(missing);
        handlerRan = true;
        result = await handler.handler(ctx);
        result = { ...result, body: filterFields(result.body, query.get('_fields')) };
      }
    } catch (error) {
      if (!(error instanceof WpRestError)) throw error;
      result = { status: error.status, body: error.body(), headers: error.headers };
    }
    if (handlerRan && this.faults.takeLostResponse(method, restRoute)) {
      record.responseLost = true;
      record.status = result.status;
      record.durationMs = performance.now() - started;
      this.requests.push(record);
      req.socket.destroy();
      return;
    }
    this.finish(res, record, started, method === 'HEAD' ? { ...result, body: undefined } : result);
  };

  /**
   * The control API's refunds (not part of WooCommerce): `POST /__sandbox/orders/{id}/refunds`
   * with a FakeRefundInput as JSON → 201 and the refund as GET /orders/{id}/refunds/{rid} shows
   * it; `DELETE /__sandbox/orders/{id}/refunds/{rid}` → 200 and the order. A refund the store
   * refuses is a 400 `{code: "sandbox_invalid_refund", message}`.
   */
  private controlRefunds(method: string, pathname: string, body: Buffer): WooResult | undefined {
    const create = /^\/__sandbox\/orders\/(\d+)\/refunds\/?$/.exec(pathname);
    const remove = /^\/__sandbox\/orders\/(\d+)\/refunds\/(\d+)\/?$/.exec(pathname);
    const refused = (error: unknown): WooResult => ({ status: 400, body: { code: 'sandbox_invalid_refund', message: error instanceof Error ? error.message : String(error) } });
    if (create && method === 'POST') {
      const orderId = Number(create[1]);
      let input: FakeRefundInput;
      try {
        input = (body.length === 0 ? {} : JSON.parse(body.toString('utf8'))) as FakeRefundInput;
        if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('the body must be a JSON object (FakeRefundInput)');
      } catch (error) {
        return refused(error);
      }
      try {
        const order = this.store.refundOrder(orderId, input);
        return { status: 201, body: this.store.getRefund(orderId, order.refunds[0]!.id) };
      } catch (error) {
        return refused(error);
      }
    }
    if (remove && method === 'DELETE') {
      try {
        return { status: 200, body: this.store.deleteRefund(Number(remove[1]), Number(remove[2])) };
      } catch (error) {
        return refused(error);
      }
    }
    return undefined;
  }

  private finish(res: ServerResponse, record: WooRequestRecord, started: number, result: WooResult): void {
    const isText = typeof result.body === 'string';
    const text = result.body === undefined ? '' : isText ? (result.body as string) : phpJsonEncode(result.body);
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json; charset=UTF-8',
      'X-Robots-Tag': 'noindex',
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Expose-Headers': 'X-WP-Total, X-WP-TotalPages, Link',
      ...result.headers,
      'Content-Length': Buffer.byteLength(text),
    };
    res.writeHead(result.status, headers);
    res.end(text);
    record.status = result.status;
    record.durationMs = performance.now() - started;
    this.requests.push(record);
  }

  private siteIndex(): Record<string, unknown> {
    return {
      name: 'Fake WooCommerce Store',
      description: 'A fake WooCommerce store for tests',
      url: this.state.settings.siteUrl,
      home: this.state.settings.siteUrl,
      gmt_offset: 0,
      timezone_string: this.state.settings.timeZone,
      namespaces: ['wp/v2', 'wc/v3'],
      authentication: [],
      routes: {},
    };
  }

  private namespaceIndex(): Record<string, unknown> {
    return {
      namespace: 'wc/v3',
      routes: {
        '/wc/v3': { namespace: 'wc/v3', methods: ['GET'] },
        '/wc/v3/orders': { namespace: 'wc/v3', methods: ['GET', 'POST'] },
        '/wc/v3/customers': { namespace: 'wc/v3', methods: ['GET', 'POST'] },
        '/wc/v3/products': { namespace: 'wc/v3', methods: ['GET', 'POST'] },
        '/wc/v3/webhooks': { namespace: 'wc/v3', methods: ['GET', 'POST'] },
      },
    };
  }
}

/** JSON bodies become `body`; form bodies of POST requests also fill `$_POST` (which OAuth signs). */
function parseBody(req: IncomingMessage, method: string, raw: Buffer): { body: Record<string, unknown>; post: PhpArray } {
  const type = mediaType(req.headers['content-type']);
  if (raw.length === 0) return { body: {}, post: new Map() };
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new WpRestError(400, 'rest_invalid_json', 'Invalid JSON body passed.', { json_error_code: 4, json_error_message: 'Syntax error' });
    }
    return { body: typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}, post: new Map() };
  }
  if (type === 'application/x-www-form-urlencoded') {
    const form = parsePhpQuery(raw.toString('utf8'));
    const body = phpToPlain(form);
    return {
      body: typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
      post: method === 'POST' ? form : new Map(),
    };
  }
  return { body: {}, post: new Map() };
}

/** `_fields=a,b.c`: keeps only those fields (per item for lists, where `_links` must be asked for). */
function filterFields(body: unknown, fields: unknown): unknown {
  if (typeof fields !== 'string' || fields.trim() === '') return body;
  const wanted = fields.split(',').map((f) => f.trim()).filter((f) => f !== '');
  const pick = (item: unknown, keepLinks: boolean): unknown => {
    if (typeof item !== 'object' || item === null) return item;
    const source = item as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const field of wanted) {
      const [head, ...rest] = field.split('.');
      if (!(head! in source)) continue;
      if (rest.length === 0) out[head!] = source[head!];
      else {
        const nested = pickPath(source[head!], rest);
        if (nested !== undefined) out[head!] = mergeObjects(out[head!], nested);
      }
    }
    if (keepLinks && '_links' in source) out._links = source._links;
    return out;
  };
  return Array.isArray(body) ? body.map((item) => pick(item, wanted.includes('_links'))) : pick(body, true);
}

function pickPath(value: unknown, path: string[]): unknown {
  if (path.length === 0) return value;
  if (typeof value !== 'object' || value === null || !(path[0]! in (value as object))) return undefined;
  const inner = pickPath((value as Record<string, unknown>)[path[0]!], path.slice(1));
  return inner === undefined ? undefined : { [path[0]!]: inner };
}

function mergeObjects(a: unknown, b: unknown): unknown {
  if (typeof a !== 'object' || a === null) return b;
  return { ...(a as object), ...(b as object) };
}

function safeQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!CREDENTIALS.test(key)) out[key] = value;
  return out;
}

const CRITICAL_ERROR =
  '<p>There has been a critical error on this website.</p><p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more about troubleshooting WordPress.</a></p>';

/** What a broken WordPress (500) or the proxy in front of it (other statuses) answers. */
function injectedResponse(fault: InjectedFault): WooResult {
  const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
  if (fault.status === 500) {
    return {
      status: 500,
      body: { code: typeof fault.code === 'string' ? fault.code : 'internal_server_error', message: fault.message ?? CRITICAL_ERROR, data: { status: 500 }, additional_errors: [] },
      headers,
    };
  }
  if (fault.status >= 400 && fault.status < 500 && fault.status !== 429) {
    return { status: fault.status, body: { code: String(fault.code ?? 'injected_fault'), message: fault.message ?? 'Injected fault', data: { status: fault.status } }, headers };
  }
  return {
    status: fault.status,
    body: `<html><head><title>${fault.status}</title></head><body><h1>${fault.status}</h1><p>${fault.message ?? 'The server is temporarily unable to service your request.'}</p></body></html>`,
    headers: { ...headers, 'Content-Type': 'text/html; charset=UTF-8' },
  };
}
