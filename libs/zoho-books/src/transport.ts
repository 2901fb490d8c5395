import { errorCode } from '@connector/common';
import { ZohoUnavailableError } from './errors';

/** What every Zoho call needs back: status, headers and the whole body as text. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * One HTTP exchange with a deadline covering the body too. Network failures and timeouts become
 * ZohoUnavailableError (transient). Redirects are not followed: Zoho has no reason to redirect an
 * API call, and following one would carry the Authorization header or form secrets to wherever it
 * points.
 */
export async function exchange(url: string, init: RequestInit, timeoutMs: number, operation: string): Promise<RawResponse> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal.aborted) {
      throw new ZohoUnavailableError(`${operation} got no answer within ${Math.round(timeoutMs / 1000)} s`, {
        code: 'timeout',
        cause: error,
      });
    }
    const code = errorCode(error);
    const reason = code ?? (error instanceof Error ? (describeCause(error) ?? error.message) : String(error));
    throw new ZohoUnavailableError(`${operation} could not reach ${new URL(url).host}: ${reason}`, {
      code: code ?? 'network_error',
      cause: error,
    });
  }
}

/** fetch reports "fetch failed" and hides the reason in `cause`. */
function describeCause(error: Error): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : undefined;
}
