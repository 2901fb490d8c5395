import { session } from './session.js';

/** A failed API call, with a message meant for a person. */
export class ApiError extends Error {
  constructor(status, message, { missingEndpoint = false, body = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    /** The server has no such route (an older build), as opposed to "no such record". */
    this.missingEndpoint = missingEndpoint;
    /** The answer itself: some failures carry a partial result (a sweep the store failed part-way). */
    this.body = body;
  }
}

/** Dispatched on window when the server rejects the token, so the app can ask for it again. */
export const UNAUTHORIZED_EVENT = 'connector:unauthorized';

/**
 * Calls the admin API with the session's token and returns the parsed JSON body.
 * Throws ApiError for every failure (network, 4xx, 5xx, no answer within `timeoutMs`) and lets
 * AbortError through, so views can drop answers that arrive after the user moved on. The timeout
 * keeps a button from spinning forever when an upstream call hangs behind the server.
 */
export async function api(path, { method = 'GET', body, signal, token = session.token, timeoutMs = 30_000 } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    if (error?.name === 'TimeoutError') {
      throw new ApiError(0, `The connector did not answer within ${Math.round(timeoutMs / 1000)} seconds. It may still be working on it; try again in a moment.`);
    }
    throw new ApiError(0, 'The connector did not answer. Check that the token service is running and that this computer can reach it.');
  }
  const payload = await readBody(response);
  if (response.ok) return payload;

  const message = messageOf(payload);
  if (response.status === 401) {
    // Only a rejected *session* token signs the tab out; the sign-in form checks its own candidate.
    if (token && token === session.token) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: message }));
    throw new ApiError(401, 'The admin token was not accepted.');
  }
  // Nest answers "Cannot POST /api/…" for a route it does not have.
  const missingEndpoint = response.status === 404 && /^Cannot [A-Z]+ \//.test(message ?? '');
  if (missingEndpoint) {
    throw new ApiError(404, `This connector version has no ${method} ${path.split('?')[0]} endpoint yet.`, { missingEndpoint });
  }
  if (response.status >= 500) {
    throw new ApiError(response.status, `The connector failed while answering (${response.status}${message ? `: ${message}` : ''}). The token-service log has the details.`, { body: payload });
  }
  throw new ApiError(response.status, message ?? `The request failed (${response.status} ${response.statusText}).`, { body: payload });
}

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function messageOf(payload) {
  if (typeof payload === 'string') return payload.slice(0, 500);
  const message = payload?.message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : null;
}

/** Encodes one path segment (ids come from URLs the user can edit). */
export const seg = (value) => encodeURIComponent(String(value));
