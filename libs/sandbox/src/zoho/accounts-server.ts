import type { IncomingMessage, ServerResponse } from 'node:http';
import { mediaType, parseMultipartFields, parseUrlEncodedPairs, readRequestBody } from '../http/request-body';
import { parseScopes } from './scopes';
import type { TokenOutcome, TokenStore } from './token-store';

/** One call to the fake Zoho Accounts server (never with tokens, codes or secrets). */
export interface AccountsCallRecord {
  at: number;
  method: string;
  path: string;
  grantType?: string;
  clientId?: string;
  /** `ok`, or the `error` value returned. */
  outcome: string;
}

export interface AccountsServerSettings {
  /** HTTP status of token-endpoint errors. Zoho sends 200 (the default); some clients assume 400. */
  errorHttpStatus: number;
}

/** Zoho's throttle body (specs/zoho-books.md §1.5, fixtures/zoho/oauth-error-access-denied-throttle.json). */
export const ACCESS_DENIED_THROTTLE_BODY = {
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
};

/**
 * The fake Zoho Accounts (OAuth) server: token endpoint (refresh and authorization-code grants),
 * revocation, an auto-consenting authorize endpoint and `/oauth/serverinfo`. As on Zoho, every
 * token-endpoint error comes back with HTTP 200 and an `error` field, and JSON bodies are refused
 * with `invalid_client`.
 */
export class AccountsServer {
  readonly calls: AccountsCallRecord[] = [];

  constructor(
    private readonly tokens: TokenStore,
    private readonly settings: AccountsServerSettings,
    private readonly urls: () => { accountsUrl: string; apiDomain: string },
    private readonly now: () => number,
  ) {}

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://accounts.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readRequestBody(req);
    const record = (outcome: string, extra: Partial<AccountsCallRecord> = {}) =>
      this.calls.push({ at: this.now(), method, path: url.pathname, outcome, ...extra });

    if (url.pathname === '/oauth/v2/token') {
      if (method !== 'POST') {
        // Zoho answers GET on the token endpoint with a generic server error.
        record('server_error');
        return sendJson(res, this.settings.errorHttpStatus, { error: 'server_error' });
      }
      return this.token(req, res, url, body, record);
    }
    if (url.pathname === '/oauth/v2/token/revoke' && method === 'POST') {
      const params = collectParams(req, url, body);
      const token = params.get('token');
      const known = token ? this.tokens.revoke(token) : false;
      record(known ? 'ok' : 'invalid_token');
      return sendJson(res, 200, known ? { status: 'success' } : { error: 'invalid_token', status: 'failure' });
    }
    if (url.pathname === '/oauth/v2/auth' && method === 'GET') return this.authorize(res, url, record);
    if (url.pathname === '/oauth/serverinfo' && method === 'GET') {
      record('ok');
      return sendJson(res, 200, { result: 'success', locations: { us: this.urls().accountsUrl } });
    }
    record('not_found');
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><body><h1>404 Not Found</h1></body></html>');
  };

  private token(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: Buffer,
    record: (outcome: string, extra?: Partial<AccountsCallRecord>) => void,
  ): void {
    const type = mediaType(req.headers['content-type']);
    if (type === 'application/json' && body.length > 0) {
      record('invalid_client', { grantType: url.searchParams.get('grant_type') ?? undefined });
      return sendJson(res, this.settings.errorHttpStatus, { error: 'invalid_client' });
    }
    const params = collectParams(req, url, body);
    const grantType = params.get('grant_type');
    const clientId = params.get('client_id');
    const clientSecret = params.get('client_secret');
    let outcome: TokenOutcome;
    if (grantType === 'refresh_token') {
      outcome = this.tokens.refresh({ clientId, clientSecret, refreshToken: params.get('refresh_token') });
    } else if (grantType === 'authorization_code') {
      outcome = this.tokens.exchangeGrantCode({ clientId, clientSecret, code: params.get('code'), redirectUri: params.get('redirect_uri') });
    } else {
      record('unsupported_grant_type', { grantType, clientId });
      return sendJson(res, this.settings.errorHttpStatus, { error: 'unsupported_grant_type' });
    }
    if (!outcome.ok) {
      record(outcome.error === 'access_denied_throttle' ? 'Access Denied' : outcome.error, { grantType, clientId });
      const errorBody = outcome.error === 'access_denied_throttle' ? ACCESS_DENIED_THROTTLE_BODY : { error: outcome.error };
      return sendJson(res, this.settings.errorHttpStatus, errorBody);
    }
    record('ok', { grantType, clientId });
    const response: Record<string, unknown> = { access_token: outcome.accessToken };
    if (outcome.refreshToken) response.refresh_token = outcome.refreshToken;
    Object.assign(response, { api_domain: this.urls().apiDomain, token_type: 'Bearer', expires_in: outcome.expiresIn });
    sendJson(res, 200, response);
  }

  /**
   * The consent screen, auto-approved: redirects to `redirect_uri` with `code`, `location` and
   * `accounts-server` like Zoho's multi-DC redirect, so the full authorization-code flow can run
   * headless. `access_type=offline` makes the code yield a refresh token.
   */
  private authorize(res: ServerResponse, url: URL, record: (outcome: string, extra?: Partial<AccountsCallRecord>) => void): void {
    const clientId = url.searchParams.get('client_id') ?? undefined;
    const redirectUri = url.searchParams.get('redirect_uri') ?? undefined;
    if (!clientId || !this.tokens.hasClient(clientId)) {
      record('invalid_client', { clientId });
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('invalid_client');
    }
    if (!redirectUri || !/^https?:\/\//.test(redirectUri) || url.searchParams.get('response_type') !== 'code') {
      record('invalid_redirect_uri', { clientId });
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('invalid_redirect_uri');
    }
    const target = new URL(redirectUri);
    const state = url.searchParams.get('state');
    const code = this.tokens.issueGrantCode(clientId, {
      redirectUri,
      scopes: parseScopes(url.searchParams.get('scope') ?? undefined),
      offline: url.searchParams.get('access_type') === 'offline',
    });
    if (code === undefined) {
      target.searchParams.set('error', 'access_denied');
    } else {
      target.searchParams.set('code', code);
      target.searchParams.set('location', 'us');
      target.searchParams.set('accounts-server', this.urls().accountsUrl);
    }
    if (state !== null) target.searchParams.set('state', state);
    record(code === undefined ? 'access_denied' : 'ok', { clientId });
    res.writeHead(302, { location: target.toString() });
    res.end();
  }
}

/** Parameters from the query string, a form body (urlencoded or multipart) and Basic client credentials. */
function collectParams(req: IncomingMessage, url: URL, body: Buffer): { get(name: string): string | undefined } {
  const params = new Map<string, string>();
  for (const [key, value] of url.searchParams) params.set(key, value);
  const type = mediaType(req.headers['content-type']);
  if (type === 'application/x-www-form-urlencoded' || (type === '' && body.length > 0)) {
    for (const [key, value] of parseUrlEncodedPairs(body.toString('utf8'))) params.set(key, value);
  } else if (type === 'multipart/form-data') {
    for (const [key, value] of parseMultipartFields(body, req.headers['content-type'] ?? '')) params.set(key, value);
  }
  const authorization = req.headers.authorization;
  if (authorization?.startsWith('Basic ') && !params.has('client_id')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      params.set('client_id', decodeURIComponent(decoded.slice(0, colon)));
      params.set('client_secret', decodeURIComponent(decoded.slice(colon + 1)));
    }
  }
  return { get: (name) => params.get(name) };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
