/**
 * One piece of work per key at a time within a process: a caller arriving while it runs gets the
 * same promise instead of starting its own (a token refresh, a secret lookup, a session fetch that
 * every concurrent caller would otherwise repeat).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /**
   * `work` for `key`, or the one already running for it. `work` is told whether it is still the
   * current one when it finishes (see `forget`), so it stores its result only then.
   */
  run(key: string, work: (stillCurrent: () => boolean) => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running) return running;
    const flight: Promise<T> = work(() => this.running.get(key) === flight).finally(() => {
      if (this.running.get(key) === flight) this.running.delete(key);
    });
    this.running.set(key, flight);
    return flight;
  }

  /** The next caller for `key` starts anew; those already waiting still get the running result. */
  forget(key: string): void {
    this.running.delete(key);
  }
}
