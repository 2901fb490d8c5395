import type { Dispatcher } from 'undici';
import { errorCode } from './errors';

/** What a client needs back from one HTTP exchange: status, headers and the whole body as text. */
export interface RawHttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

/**
 * Builds the calling library's own "could not reach the other side" error (a TransientError), so
 * its callers keep seeing that library's class. `code` is 'timeout', Node's errno code, or
 * 'network_error'.
 */
export type UnavailableErrorFactory = (message: string, options: { code: string; cause: unknown }) => Error;

/** The shape of `httpExchange` for a client that is handed one (a public-addresses-only one, a test's). */
export type HttpExchange = (
  url: string,
  init: RequestInit,
  timeoutMs: number,
  operation: string,
  unavailable: UnavailableErrorFactory,
) => Promise<RawHttpResponse>;

/**
 * One HTTP exchange with a deadline covering the body too; timeouts and network failures become
 * `unavailable(...)`. Redirects are never followed but returned as they are (each client says why
 * where it binds this), so a 3xx reaches the caller's own error mapping.
 */
export async function httpExchange(
  url: string,
  init: RequestInit,
  timeoutMs: number,
  operation: string,
  unavailable: UnavailableErrorFactory,
  /** Where the connections come from (undici's Agent); default: fetch's own pool. */
  dispatcher?: Dispatcher,
): Promise<RawHttpResponse> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // `dispatcher` is undici's extension of fetch's init (Node's fetch is undici).
    const response = await fetch(url, { ...init, redirect: 'manual', signal, ...(dispatcher ? { dispatcher } : {}) } as RequestInit);
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal.aborted) {
      throw unavailable(`${operation} got no answer within ${Math.round(timeoutMs / 1000)} s`, { code: 'timeout', cause: error });
    }
    const code = errorCode(error);
    throw unavailable(`${operation} could not reach ${new URL(url).host}: ${code ?? describeNetworkFailure(error)}`, {
      code: code ?? 'network_error',
      cause: error,
    });
  }
}

/** fetch reports "fetch failed" and hides the reason in `cause`. */
function describeNetworkFailure(error: unknown): string {
  const cause = (error as { cause?: unknown } | null | undefined)?.cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
