import { AsyncLocalStorage } from 'node:async_hooks';
import { TransientError } from './errors';

/**
 * The moment (epoch ms) after which whoever asked for the current piece of work stops waiting for
 * its answer: an RPC handler runs with its caller's deadline, and everything it does on that
 * request's behalf (queueing for a lock, calling another service) can see it. Work still queued
 * when its caller has given up is dropped instead of done for nobody; without that, a burst of
 * timed-out requests after an outage keeps the queue behind them busy answering no one.
 */
const deadlines = new AsyncLocalStorage<number>();

/** Runs `work` with `deadline` as the current call deadline (none when `deadline` is undefined). */
export function withCallDeadline<T>(deadline: number | undefined, work: () => T): T {
  return deadline === undefined ? work() : deadlines.run(deadline, work);
}

/**
 * Runs `work` outside any call deadline: for work a call starts and leaves running after it has
 * answered (a replay, say), which must not give up when that call's caller stops waiting.
 */
export function outsideCallDeadline<T>(work: () => T): T {
  return deadlines.exit(work);
}

/** Milliseconds until the current call deadline; undefined outside a call that has one. */
export function msUntilCallDeadline(now = Date.now()): number | undefined {
  const deadline = deadlines.getStore();
  return deadline === undefined ? undefined : deadline - now;
}

/** The error for work whose caller has stopped waiting: transient, the caller retries on its own terms. */
export function callerGaveUp(what: string): TransientError {
  return new TransientError(`${what}: the caller stopped waiting for the answer`, { code: 'caller_gave_up' });
}

/** Throws `callerGaveUp(what)` once the current call deadline has passed. */
export function throwIfCallerGaveUp(what: string): void {
  const left = msUntilCallDeadline();
  if (left !== undefined && left <= 0) throw callerGaveUp(what);
}
