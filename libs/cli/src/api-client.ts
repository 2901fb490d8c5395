import { ApiError, ApiUnavailableError } from './errors';
import type { Settings } from './settings';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Catalogue sync waits for the whole import, so some calls need far more than the default. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The admin API over global fetch. Failures come out as the CLI's error classes: unreachable or
 * unauthenticated → ApiUnavailableError (exit 3), any other error status → ApiError carrying the
 * server's `message` (exit 1). The token only ever goes into the Authorization header.
 */
export class ApiClient {
  private resolved?: Settings;

  /**
   * Settings are resolved on the first request, not up front, so a usage error found by a command
   * (exit 2) is not masked by a missing token (exit 3).
   */
  constructor(private readonly resolveSettings: () => Settings) {}

  private get settings(): Settings {
    this.resolved ??= this.resolveSettings();
    return this.resolved;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(this.settings.url + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const headers: Record<string, string> = { authorization: `Bearer ${this.settings.token}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new ApiUnavailableError(`cannot reach the admin API at ${this.settings.url}: ${networkReason(error, timeoutMs)}`);
    }

    const payload = parseJson(text);
    if (status === 401 || status === 403) {
      throw new ApiUnavailableError(
        `the admin API at ${this.settings.url} rejected the token from ${this.settings.tokenSource} (${status}: ${serverMessage(payload, status)})`,
      );
    }
    if (status >= 400) throw new ApiError(method, url.pathname, status, serverMessage(payload, status), payload);
    if (text !== '' && payload === undefined) {
      throw new ApiUnavailableError(`${this.settings.url} answered ${method} ${url.pathname} with something other than JSON; is it token-service's admin API?`);
    }
    return payload as T;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Nest answers `{statusCode, message, error}`; validation failures put a list in `message`. */
function serverMessage(payload: unknown, status: number): string {
  if (payload && typeof payload === 'object') {
    const { message, error } = payload as { message?: unknown; error?: unknown };
    if (Array.isArray(message) && message.length > 0) return message.map(String).join('; ');
    if (typeof message === 'string' && message !== '') return message;
    if (typeof error === 'string' && error !== '') return error;
  }
  return `HTTP ${status}`;
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  // fetch wraps the socket error in `cause`; its code is what tells the operator what to fix.
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is token-service running? `npm start` starts it)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      return cause?.message ?? (error instanceof Error ? error.message : String(error));
  }
}

/** `/api/<segments>` with every segment URL-encoded, so an id can never change the route. */
export function apiPath(...segments: Array<string | number>): string {
  return `/api/${segments.map((segment) => encodeURIComponent(String(segment))).join('/')}`;
}
