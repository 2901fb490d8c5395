import { errorCode } from '@connector/common';
import { WooUnavailableError } from './errors';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * One HTTP exchange with a deadline covering the body too. Network failures and timeouts become
 * WooUnavailableError (transient). Redirects are not followed: a redirect would carry the Basic
 * credentials (or a signature made for another URL) to wherever it points; the caller reports it
 * so the store URL can be corrected instead.
 */
export async function exchange(url: string, init: RequestInit, timeoutMs: number, operation: string): Promise<RawResponse> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal.aborted) {
      throw new WooUnavailableError(`${operation} got no answer within ${Math.round(timeoutMs / 1000)} s`, { code: 'timeout', cause: error });
    }
    const code = errorCode(error);
    const cause = (error as { cause?: unknown }).cause;
    const reason = code ?? (cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error));
    throw new WooUnavailableError(`${operation} could not reach ${new URL(url).host}: ${reason}`, {
      code: code ?? 'network_error',
      cause: error,
    });
  }
}

/** JSON.parse that tolerates the byte-order mark some WordPress plugins print; `undefined` if not JSON. */
export function parseJson(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}
