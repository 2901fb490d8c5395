/** Refusals this close to the last cut come from the same crowd of calls and cut nothing more. */
export const REFUSALS_OF_ONE_CROWD_MS = 5_000;
/** After a cut, one slot comes back per this long without a refusal, up to the configured limit. */
export const SLOT_RECOVERY_MS = 10_000;

/**
 * The slots for one organization's calls in flight from this process: at most `max` at once,
 * fewer for a while after Zoho refused a call for having too many in flight (1070). Zoho counts
 * the calls of every instance, and this process cannot see the others', so it halves its own share
 * on a refusal and takes a slot back every SLOT_RECOVERY_MS without one (the way TCP finds the
 * capacity of a path). Waiting callers are served first come, first served.
 */
export class OrganizationCallSlots {
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];
  /** The limit set by the last cut, and when; undefined while the limit is `max`. */
  private cut: { limit: number; at: number } | undefined;

  constructor(
    private readonly max: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Calls this process lets through at once right now. */
  get limit(): number {
    const max = Math.max(1, this.max);
    if (!this.cut) return max;
    const recovered = this.cut.limit + Math.floor((this.clock() - this.cut.at) / SLOT_RECOVERY_MS);
    if (recovered >= max) this.cut = undefined;
    return Math.min(recovered, max);
  }

  /** Takes a slot, waiting at most `timeoutMs` (unset: as long as it takes); false when the wait ran out. */
  acquireWithin(timeoutMs?: number): Promise<boolean> {
    if (this.waiters.length === 0 && this.inFlight < this.limit) {
      this.inFlight++;
      return Promise.resolve(true);
    }
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const index = this.waiters.indexOf(waiter);
              if (index >= 0) this.waiters.splice(index, 1);
              resolve(false);
            }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.inFlight--;
    // After a cut fewer waiters fit than were let out; once slots come back, more than one may.
    while (this.waiters.length > 0 && this.inFlight < this.limit) {
      this.inFlight++;
      this.waiters.shift()!();
    }
  }

  /** Zoho refused a call for too many in flight: halve the limit, unless the cut for this crowd was just made. */
  refused(): void {
    const now = this.clock();
    if (this.cut && now - this.cut.at < REFUSALS_OF_ONE_CROWD_MS) return;
    this.cut = { limit: Math.max(1, Math.floor(this.limit / 2)), at: now };
  }
}
