import { callerGaveUp, msUntilCallDeadline, throwIfCallerGaveUp } from '@connector/common';
import type { AcquireOptions, ZohoQuotaReading, ZohoRateLimiter as SharedRateBudget } from '@connector/persistence';
import type { ZohoRateLimiter } from '@connector/zoho-books';
import { OrganizationCallSlots } from './organization-call-slots';

/**
 * What a Books call waits for before it goes out: a free slot among the organization's calls in
 * flight from this process, then a token from the organization's per-minute budget shared by every
 * instance. Zoho limits both (spec §7.4: 100 calls a minute, and 5 (free) or 10 (paid) calls in
 * flight, else 429 with code 1070); the budget alone let a service with many event slots open
 * more calls at once than Zoho accepts whenever calls slowed down. A 1070 spends no budget and
 * blocks nobody: it only narrows this process's slots for a while (OrganizationCallSlots), while a
 * 429 for the minute or the day blocks the organization in the shared budget. The slot is taken
 * first so no token is spent while waiting for one. Inside an RPC, neither is taken once the
 * caller has stopped waiting: a call made for nobody spends the organization's quota and keeps
 * the callers behind it waiting.
 */
export class OrganizationCallGate implements ZohoRateLimiter {
  private readonly inFlight = new Map<string, OrganizationCallSlots>();

  constructor(
    private readonly budget: SharedRateBudget,
    private readonly maxInFlight: number,
    /** Times the narrowing after a 1070 (tests pass their own). */
    private readonly clock: () => number = Date.now,
  ) {}

  async acquire(organizationKey: string, options?: AcquireOptions): Promise<() => void> {
    const slots = this.slotsOf(organizationKey);
    if (!(await slots.acquireWithin(msUntilCallDeadline()))) throw callerGaveUp(`waiting for a Zoho call slot of organization ${organizationKey}`);
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

  /** Zoho blocked the organization (44, 45): every instance holds back, in the shared budget. */
  block(organizationKey: string, retryAfterMs: number): Promise<void> {
    return this.budget.block(organizationKey, retryAfterMs);
  }

  concurrencyRefused(organizationKey: string): void {
    this.slotsOf(organizationKey).refused();
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
      concurrencyRefused: (organizationKey) => this.concurrencyRefused(organizationKey),
      recordQuota: (organizationKey, reading) => this.recordQuota(organizationKey, reading),
    };
  }

  private slotsOf(organizationKey: string): OrganizationCallSlots {
    let slots = this.inFlight.get(organizationKey);
    if (!slots) {
      slots = new OrganizationCallSlots(this.maxInFlight, this.clock);
      this.inFlight.set(organizationKey, slots);
    }
    return slots;
  }
}
