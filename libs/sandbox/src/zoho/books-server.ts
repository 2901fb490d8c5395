import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AbortableSleeps } from '../http/abortable-sleep';
import type { FaultPlan, InjectedFault } from '../http/fault-plan';
import { mediaType, parseMultipartFields, parseUrlEncodedPairs, readRequestBody } from '../http/request-body';
import { BOOKS_CODES, BOOKS_MESSAGES, BooksError } from './books-errors';
import type { BooksContext, BooksResult, ZohoErrorCodes } from './books-request';
import { createBooksRoutes, type BooksRoute } from './books-router';
import type { ZohoOrganization } from './organization';
import { scopesGrant } from './scopes';
import type { TokenGrant, TokenStore } from './token-store';
import type { ZohoIdSequence } from './zoho-ids';

export const BOOKS_BASE_PATH = '/books/v3';

/** One Books API call as the fake saw it. Tokens are never recorded. */
export interface ZohoCallRecord {
  /** Epoch ms when the request arrived. */
  at: number;
  method: string;
  /** Full path, e.g. `/books/v3/invoices/123`. */
  path: string;
  /** Path below the Books base, e.g. `/invoices/123`. */
  resourcePath: string;
  /** Query parameters (token-like parameters removed). */
  query: Record<string, string>;
  status: number;
  /** The `code` of the response body (0 on success). */
  code: number | undefined;
  organizationId?: string;
  durationMs: number;
  /** True when a loseResponseAfterCommit fault dropped the response. */
  responseLost: boolean;
  /** The parsed request body, if any. */
  body?: unknown;
}

export interface BooksServerSettings {
  /** Send `Retry-After` on limit-based 429s. Zoho's behaviour is unconfirmed; default false. */
  retryAfterOn429: boolean;
  codes: ZohoErrorCodes;
  /** `search_text` on items also matches SKUs. Documented as "name or description" only; default true. */
  searchTextMatchesSku: boolean;
  /** Send the `X-Rate-Limit-*` headers (Zoho has since Dec 2019, undocumented); default true. */
  rateLimitHeaders: boolean;
}

export interface BooksServerDeps {
  tokens: TokenStore;
  organizations: Map<string, ZohoOrganization>;
  faults: FaultPlan;
  sleeps: AbortableSleeps;
  ids: ZohoIdSequence;
  settings: BooksServerSettings;
  now: () => number;
  apiDomain: () => string;
  accountIds: (org: ZohoOrganization) => { tax: string; purchase: string };
  orgJson: (org: ZohoOrganization, isDefault: boolean) => Record<string, unknown>;
}

const SECRET_QUERY_PARAMS = /token|secret|password|authtoken|code/i;

/**
 * The Books API request pipeline, in the order Zoho applies it:
 * authentication (401/14, 401/57) → route (404/405) → scope (401/57) → organization (400) →
 * rate limits (429/1070, 429/45, 429/44) → injected faults → body parsing (400/1038) → handler.
 * Every call is recorded in `calls`.
 */
export class BooksServer {
  readonly calls: ZohoCallRecord[] = [];
  private readonly routes;

  constructor(private readonly deps: BooksServerDeps) {
    this.routes = createBooksRoutes({ portalBase: deps.apiDomain, accountIds: deps.accountIds });
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = this.deps.now();
    const startedHr = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://books.invalid');
    const resourcePath = url.pathname.startsWith(BOOKS_BASE_PATH) ? url.pathname.slice(BOOKS_BASE_PATH.length) || '/' : url.pathname;
    const record: ZohoCallRecord = {
      at: started,
      method,
      path: url.pathname,
      resourcePath,
      query: safeQuery(url.searchParams),
      status: 0,
      code: undefined,
      durationMs: 0,
      responseLost: false,
    };
    let org: ZohoOrganization | undefined;
    let release: (() => void) | undefined;
    let delayed = false;
    const delay = async () => {
      if (!delayed) {
        delayed = true;
        await this.deps.sleeps.sleep(this.deps.faults.latencyMs());
      }
    };
    let result: BooksResult;
    let extraHeaders: Record<string, string> = {};
    let handlerRan = false;
    try {
      if (!url.pathname.startsWith(`${BOOKS_BASE_PATH}/`)) throw new BooksError(404, BOOKS_CODES.invalidUrl, BOOKS_MESSAGES.invalidUrl);
      const grant = this.authenticate(req);
      const lookup = this.routes.lookup(method, resourcePath);
      if (lookup.kind === 'not-found') throw new BooksError(404, BOOKS_CODES.invalidUrl, BOOKS_MESSAGES.invalidUrl);
      if (lookup.kind === 'method-not-allowed') throw new BooksError(405, BOOKS_CODES.invalidUrl, BOOKS_MESSAGES.invalidUrl);
      const route: BooksRoute = lookup.match.route;
      if (!scopesGrant(grant.scopes, route.scope)) throw new BooksError(401, BOOKS_CODES.notAuthorized, BOOKS_MESSAGES.notAuthorized);
      const granted = this.grantedOrganizations(grant);
      if (route.withoutOrganization) {
        org = granted[0];
      } else {
        org = this.resolveOrganization(granted, url.searchParams);
        record.organizationId = org.id;
        const admission = org.limiter.tryAcquire();
        if (!admission.ok) throw this.limitError(org, admission.reason, admission.retryAfterSeconds);
        release = admission.release;
      }
      await delay();
      const fault = this.deps.faults.takeInjected(method, url.pathname);
      if (fault) throw injectedError(fault);
      const body = await this.parseBody(req, url);
      if (body !== undefined) record.body = body;
      handlerRan = true;
      if (route.withoutOrganization) {
        result = {
          status: 200,
          body: { code: 0, message: 'success', organizations: granted.map((o, i) => this.deps.orgJson(o, i === 0)) },
        };
      } else {
        const ctx: BooksContext = {
          org: org!,
          params: lookup.match.params,
          query: url.searchParams,
          body: body ?? {},
          now: this.deps.now(),
          ids: this.deps.ids,
          codes: this.deps.settings.codes,
          searchTextMatchesSku: this.deps.settings.searchTextMatchesSku,
        };
        result = route.handler!(ctx);
      }
    } catch (error) {
      if (!(error instanceof BooksError)) throw error;
      await delay();
      result = { status: error.status, body: error.body() };
      extraHeaders = error.headers;
    } finally {
      release?.();
    }
    record.status = result.status;
    record.code = typeof result.body.code === 'number' ? result.body.code : undefined;
    record.durationMs = performance.now() - startedHr;
    this.calls.push(record);

    if (handlerRan && this.deps.faults.takeLostResponse(method, url.pathname)) {
      record.responseLost = true;
      req.socket.destroy();
      return;
    }
    const text = JSON.stringify(result.body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json;charset=UTF-8',
      'content-length': Buffer.byteLength(text),
      ...extraHeaders,
    };
    const limiterOrg = org;
    if (limiterOrg && this.deps.settings.rateLimitHeaders) {
      const limits = limiterOrg.limiter.headers();
      headers['X-Rate-Limit-Limit'] = limits.limit;
      headers['X-Rate-Limit-Remaining'] = limits.remaining;
      headers['X-Rate-Limit-Reset'] = limits.resetSeconds;
    }
    res.writeHead(result.status, headers);
    res.end(text);
  };

  private authenticate(req: IncomingMessage): TokenGrant {
    const header = req.headers.authorization;
    const match = header ? /^Zoho-oauthtoken\s+(\S+)\s*$/.exec(header) : null;
    if (!match) throw new BooksError(401, BOOKS_CODES.unauthenticated, BOOKS_MESSAGES.unauthenticated);
    const grant = this.deps.tokens.authenticate(match[1]!);
    if (!grant) throw new BooksError(401, BOOKS_CODES.notAuthorized, BOOKS_MESSAGES.notAuthorized);
    return grant;
  }

  private grantedOrganizations(grant: TokenGrant): ZohoOrganization[] {
    const all = [...this.deps.organizations.values()];
    if (grant.orgIds === 'all') return all;
    return all.filter((org) => grant.orgIds.includes(org.id));
  }

  private resolveOrganization(granted: ZohoOrganization[], query: URLSearchParams): ZohoOrganization {
    const id = query.get('organization_id');
    if (id === null || id === '') {
      // A single-organisation user is served that organisation; several need the parameter.
      if (granted.length === 1) return granted[0]!;
      if (granted.length > 1) {
        throw new BooksError(400, BOOKS_CODES.multipleOrganizations, BOOKS_MESSAGES.multipleOrganizations, {
          error_info: granted.map((org, i) => ({ organization_id: org.id, name: org.info.name, is_default_org: i === 0 })),
        });
      }
    }
    const org = granted.find((o) => o.id === id);
    if (!org) throw new BooksError(400, this.deps.settings.codes.invalidOrganization, BOOKS_MESSAGES.invalidOrganization);
    return org;
  }

  private limitError(org: ZohoOrganization, reason: 'concurrency' | 'per-minute' | 'daily', retryAfterSeconds: number): BooksError {
    const headers: Record<string, string> = this.deps.settings.retryAfterOn429 ? { 'Retry-After': String(retryAfterSeconds) } : {};
    switch (reason) {
      case 'concurrency':
        return new BooksError(429, BOOKS_CODES.concurrency, BOOKS_MESSAGES.concurrency, {}, headers);
      case 'daily':
        return new BooksError(429, BOOKS_CODES.dailyLimit, BOOKS_MESSAGES.dailyLimit(org.limiter.limits.daily), {}, headers);
      case 'per-minute':
        return new BooksError(429, BOOKS_CODES.perMinuteLimit, BOOKS_MESSAGES.perMinuteLimit, {}, headers);
    }
  }

  /** JSON bodies, or form bodies carrying the legacy `JSONString` field (also accepted in the query). */
  private async parseBody(req: IncomingMessage, url: URL): Promise<Record<string, unknown> | undefined> {
    const raw = await readRequestBody(req);
    const type = mediaType(req.headers['content-type']);
    let jsonText: string | undefined;
    if (raw.length > 0) {
      if (type === 'application/x-www-form-urlencoded') {
        const field = parseUrlEncodedPairs(raw.toString('utf8')).find(([key]) => key === 'JSONString');
        if (!field) throw new BooksError(400, BOOKS_CODES.malformedJson, BOOKS_MESSAGES.malformedJson);
        jsonText = field[1];
      } else if (type === 'multipart/form-data') {
        jsonText = parseMultipartFields(raw, req.headers['content-type'] ?? '').get('JSONString');
        if (jsonText === undefined) throw new BooksError(400, BOOKS_CODES.malformedJson, BOOKS_MESSAGES.malformedJson);
      } else {
        jsonText = raw.toString('utf8');
      }
    } else if (url.searchParams.has('JSONString')) {
      jsonText = url.searchParams.get('JSONString') ?? '';
    }
    if (jsonText === undefined || jsonText.trim() === '') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(jsonText);
    } catch {
      throw new BooksError(400, BOOKS_CODES.malformedJson, BOOKS_MESSAGES.malformedJson);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new BooksError(400, BOOKS_CODES.malformedJson, BOOKS_MESSAGES.malformedJson);
    }
    return parsed as Record<string, unknown>;
  }
}

function safeQuery(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of params) if (!SECRET_QUERY_PARAMS.test(key)) query[key] = value;
  return query;
}

/** The body Zoho would send for an injected status. */
function injectedError(fault: InjectedFault): BooksError {
  const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
  const code = typeof fault.code === 'number' ? fault.code : undefined;
  if (fault.status === 429) {
    const resolved = code ?? BOOKS_CODES.perMinuteLimit;
    const message =
      fault.message ??
      (resolved === BOOKS_CODES.concurrency
        ? BOOKS_MESSAGES.concurrency
        : resolved === BOOKS_CODES.dailyLimit
          ? BOOKS_MESSAGES.dailyLimit(1000)
          : BOOKS_MESSAGES.perMinuteLimit);
    return new BooksError(429, resolved, message, {}, headers);
  }
  if (fault.status === 401) return new BooksError(401, code ?? BOOKS_CODES.notAuthorized, fault.message ?? BOOKS_MESSAGES.notAuthorized, {}, headers);
  if (fault.status === 500) return new BooksError(500, code ?? BOOKS_CODES.internal, fault.message ?? BOOKS_MESSAGES.internal, {}, headers);
  if (fault.status >= 500) {
    return new BooksError(fault.status, code ?? BOOKS_CODES.internal, fault.message ?? 'Service temporarily unavailable. Please try again later.', {}, headers);
  }
  return new BooksError(fault.status, code ?? BOOKS_CODES.invalidValue, fault.message ?? 'Injected fault', {}, headers);
}
