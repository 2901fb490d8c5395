import { callerGaveUp, msUntilCallDeadline, Semaphore, throwIfCallerGaveUp } from '@connector/common';
import type { AcquireOptions, ZohoQuotaReading, ZohoRateLimiter as SharedRateBudget } from '@connector/persistence';
import type { ZohoRateLimiter } from '@connector/zoho-books';

/**
 * What a Books call waits for before it goes out: a free slot among the organization's calls in
 * flight from this process, then a token from the organization's per-minute budget shared by every
 * instance. Zoho limits both (spec §7.4: 100 calls a minute, and 5 (free) or 10 (paid) calls in
 * flight, else 429 with code 1070); the budget alone let a service with many event slots open
 * more calls at once than Zoho accepts whenever calls slowed down, and each 1070 holds the whole
 * organization back. The slot is taken first so no token is spent while waiting for one. Inside
 * an RPC, neither is taken once the caller has stopped waiting: a call made for nobody spends the
 * organization's quota and keeps the callers behind it waiting.
 */
export class OrganizationCallGate implements ZohoRateLimiter {
  private readonly inFlight = new Map<string, Semaphore>();

  constructor(
    private readonly budget: SharedRateBudget,
    private readonly maxInFlight: number,
  ) {}

  async acquire(organizationKey: string, options?: AcquireOptions): Promise<() => void> {
    let slots = this.inFlight.get(organizationKey);
    if (!slots) {
      slots = new Semaphore(this.maxInFlight);
      this.inFlight.set(organizationKey, slots);
    }
    const left = msUntilCallDeadline();
    if (left === undefined) await slots.acquire();
    else if (!(await slots.acquireWithin(left))) throw callerGaveUp(`waiting for a Zoho call slot of organization ${organizationKey}`);
    try {
      throwIfCallerGaveUp(`waiting for a Zoho call slot of organization ${organizationKey}`);
      await this.budget.acquire(organizationKey, options);
    } catch (error) {
      slots.release();
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      slots.release();
    };
  }

  block(organizationKey: string, retryAfterMs: number): Promise<void> {
    return this.budget.block(organizationKey, retryAfterMs);
  }

  /** Zoho's own count of the organization's daily quota, from a response's headers: kept by the shared budget. */
  recordQuota(organizationKey: string, reading: ZohoQuotaReading): void {
    this.budget.recordQuota(organizationKey, reading);
  }

  /** The same gate for a caller that sleeps through blocks of up to `maxBlockedWaitMs`. */
  waitingThroughBlocks(maxBlockedWaitMs: number): ZohoRateLimiter {
    return {
      acquire: (organizationKey) => this.acquire(organizationKey, { maxBlockedWaitMs }),
      block: (organizationKey, retryAfterMs) => this.block(organizationKey, retryAfterMs),
      recordQuota: (organizationKey, reading) => this.recordQuota(organizationKey, reading),
    };
  }
}
