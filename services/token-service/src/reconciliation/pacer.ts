/** Clock and sleep, injectable so pacing can be tested without waiting. */
export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Milliseconds between events at `perMinute` events per minute. */
export function paceIntervalMs(perMinute: number): number {
  if (!Number.isFinite(perMinute) || perMinute <= 0) throw new Error(`pace must be a positive number of events per minute, got ${perMinute}`);
  return Math.ceil(60_000 / perMinute);
}

/** How long to wait before the next event, given when the previous one went out. */
export function delayUntilNextSlot(previousAt: number | undefined, now: number, intervalMs: number): number {
  if (previousAt === undefined) return 0;
  return Math.max(0, previousAt + intervalMs - now);
}

/**
 * Spaces events evenly: at most `perMinute` in any minute, with no burst after a pause (a burst
 * would land on Zoho's per-minute budget at once and push live orders back).
 */
export class Pacer {
  private readonly intervalMs: number;
  private previousAt: number | undefined;

  constructor(perMinute: number, private readonly clock: PacerClock = realClock) {
    this.intervalMs = paceIntervalMs(perMinute);
  }

  /** Resolves when the next event may go out, and counts it as gone. */
  async next(signal?: AbortSignal): Promise<void> {
    const delay = delayUntilNextSlot(this.previousAt, this.clock.now(), this.intervalMs);
    if (delay > 0) await this.clock.sleep(delay, signal);
    this.previousAt = this.clock.now();
  }
}

export const realClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
