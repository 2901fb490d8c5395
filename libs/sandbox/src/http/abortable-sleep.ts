/**
 * Sleeps that a fake can cut short when it stops: a latency fault of several seconds must not
 * keep `node --test` alive after the test closed the server.
 */
export class AbortableSleeps {
  private controller = new AbortController();

  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.controller.signal.aborted) return Promise.resolve();
    const signal = this.controller.signal;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends every pending sleep now; later sleeps return at once. */
  abortAll(): void {
    this.controller.abort();
  }
}
