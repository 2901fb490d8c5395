/**
 * The error taxonomy every service shares. The consumer runner settles a message by asking one
 * question of a failure: is it worth trying again? Transient errors are retried with backoff;
 * permanent ones go to the dead-letter record at once, because retrying a validation error only
 * burns Zoho quota.
 */
export class TransientError extends Error {
  override readonly name: string = 'TransientError';
  /** Upstream hint (e.g. Retry-After) in milliseconds; the retry waits at least this long. */
  readonly retryAfterMs?: number;
  readonly code?: string;

  constructor(message: string, options: { retryAfterMs?: number; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.code = options.code;
  }
}

export class PermanentError extends Error {
  override readonly name: string = 'PermanentError';
  readonly code?: string;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
  }
}

/**
 * A connection whose credentials no longer work (revoked refresh token, disabled key). Retrying
 * cannot help until a person re-authorizes, so events wait instead of failing forever.
 */
export class ReauthorizationRequiredError extends TransientError {
  override readonly name = 'ReauthorizationRequiredError';
}

/** Node's network error codes that mean "the other side was not reached or hung up". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH',
  'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

/** PostgreSQL SQLSTATEs worth retrying: serialization failure, deadlock, connection trouble. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '08000', '08003', '08006', '53300']);

/** Classifies any thrown value. Unknown errors count as transient: losing an order is worse than retrying. */
export function isTransient(error: unknown): boolean {
  if (error instanceof PermanentError) return false;
  if (error instanceof TransientError) return true;
  const code = errorCode(error);
  if (code && NETWORK_CODES.has(code)) return true;
  if (code && RETRYABLE_SQLSTATES.has(code)) return true;
  // Anything unclassified (including a bug) is retried up to the consumer's max deliveries and
  // then dead-lettered with its reason: visible and replayable, never dropped.
  return true;
}

export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof TransientError ? error.retryAfterMs : undefined;
}

export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
