/** The longest an alert that keeps failing waits between tries. */
export const MAX_ALERT_RETRY_MS = 30 * 60_000;

/**
 * Spaces the tries of an alert the webhook did not accept: the first retry on the next poll, then
 * after 2, 4, 8 … polls up to half an hour, so a receiver that is down is not hammered every poll
 * while the alert still arrives once it is back. Kept in memory: an instance that restarts tries
 * once more at once, which costs one request, never a lost or duplicated alert (the cause or the
 * claim in PostgreSQL decides that).
 */
export class AlertRetries {
  private readonly failing = new Map<string, { failures: number; nextAt: number }>();

  constructor(
    private readonly firstRetryMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Whether the alert `key` may be tried now (always, unless its last try failed recently). */
  due(key: string): boolean {
    const entry = this.failing.get(key);
    return !entry || this.now() >= entry.nextAt;
  }

  /** Counts a failed try; returns how many failed in a row and when the next try is due. */
  failed(key: string): { failures: number; retryInMs: number } {
    const failures = (this.failing.get(key)?.failures ?? 0) + 1;
    const retryInMs = Math.min(this.firstRetryMs * 2 ** (failures - 1), MAX_ALERT_RETRY_MS);
    this.failing.set(key, { failures, nextAt: this.now() + retryInMs });
    return { failures, retryInMs };
  }

  succeeded(key: string): void {
    this.failing.delete(key);
  }
}
