/**
 * Bounds how many callers of one process hold something at once (messages in hand, Zoho calls in
 * flight, database connections held for a lock); the others wait in arrival order.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(permits: number) {
    this.available = Math.max(1, permits);
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /**
   * `acquire`, giving up after `timeoutMs`: true when a permit was taken, false when the wait ran
   * out (the caller holds nothing then and must not release).
   */
  async acquireWithin(timeoutMs: number): Promise<boolean> {
    if (this.available > 0) {
      this.available--;
      return true;
    }
    if (timeoutMs <= 0) return false;
    return new Promise<boolean>((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }
}
