import { setMaxListeners } from 'node:events';

/**
 * Sleeps that a fake can cut short when it stops: a latency fault of several seconds must not
 * keep `node --test` alive after the test closed the server.
 */
export class AbortableSleeps {
  private controller = unboundedController();

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

/**
 * Every pending sleep listens on the one signal, and a fake answering many calls at once with a
 * latency has many: more than Node's default of 10 is the design here, not a leak to warn about.
 */
function unboundedController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
