import { BackoffPolicy, backoffDelay, blockWaitDelay, DEFAULT_BACKOFF, describeError, errorCode, isTransient, retryAfterOf } from '@connector/common';

import type { RetryHistory } from './retry-ledger';

/**
 * The product's one settle policy. Given how a handler ended, decide what happens to the message:
 *   success                              → ack
 *   transient failure, tries or time left → nak with an exponential, jittered delay (≥ Retry-After)
 *   rate-limit block, block budget left  → nak once for the whole block (not counted as a failure)
 *   permanent failure, or out of tries   → dead-letter record with the reason, then term
 *   earlier deliveries that never settled → dead letter without running the handler (settleUnsettled)
 * Kept free of NATS types so it is trivially unit-tested.
 */
export type Settlement =
  | { kind: 'ack' }
  | { kind: 'retry'; delayMs: number; reason: string; block?: true }
  | { kind: 'dead-letter'; reason: string; errorClass: string };

/**
 * One delivery of an event: JetStream's count of its deliveries, and what its earlier deliveries
 * settled as (from the RetryLedger; unknown in replays, or when the ledger could not be read).
 */
export interface DeliveryAttempt {
  deliveryCount: number;
  retries?: RetryHistory;
}

export interface RetrySettings {
  backoff: BackoffPolicy;
  /** Deliveries before giving up (JetStream's own max_deliver is unlimited: this runner decides). */
  maxDeliver: number;
  /**
   * Deliveries an event may spend waiting out rate-limit blocks on top of `maxDeliver` (none when
   * unset). JetStream counts every delivery and keeps no reason, so a block wait cannot be left out
   * of the count; it gets its own allowance instead. Each block wait lasts the whole block, so a
   * daily-quota block costs one delivery when Zoho announces its reset and one an hour (the
   * fallback block) when it does not. Failures still give up at `maxDeliver`; the price is that
   * failures after many block waits get fewer tries, and that a handler which crashes the process
   * gets up to this many more deliveries before settleUnsettled stops it.
   */
  blockWaitDeliveries?: number;
  /**
   * How long an event keeps being retried after its first failure, once it has had `maxDeliver`
   * deliveries (0 or unset: `maxDeliver` alone decides). Why: the retry curve spends its
   * deliveries in about an hour, and an outage of Zoho or of a store often lasts longer; with a
   * window, every event held by a day's outage goes through by itself when it ends. Measured on
   * the database's clock from the RetryLedger, so it needs the event's history: without one
   * (replays, the ledger unreadable) `maxDeliver` decides.
   */
  retryWindowMs?: number;
}

/** A day of hourly probes of a daily-quota block, with room to spare. */
export const BLOCK_WAIT_DELIVERIES = 30;

/** A day: an outage of Zoho or of a store shorter than this heals without anyone's help. */
export const RETRY_WINDOW_MS = 24 * 60 * 60_000;

export const DEFAULT_RETRY: RetrySettings = {
  backoff: DEFAULT_BACKOFF, maxDeliver: 20, blockWaitDeliveries: BLOCK_WAIT_DELIVERIES, retryWindowMs: RETRY_WINDOW_MS,
};

/** The last delivery of an event: its failure budget plus its allowance for block waits. */
function lastDelivery(settings: RetrySettings): number {
  return settings.maxDeliver + (settings.blockWaitDeliveries ?? 0);
}

/**
 * Codes of a refusal because a rate limit or quota is blocked, not because anything failed: the
 * shared Zoho budget's `rate_limited`, Zoho's per-minute (44) and daily (45) limits, and the
 * accounts server's `token_throttled`. Each carries how long the block lasts. Zoho's concurrency
 * refusal (1070) is none: it blocks nobody and lasts seconds, so it is retried as a transient
 * failure (its wait the floor); counted as a block wait, a busy minute of them could spend the
 * allowance kept for a day of daily-quota probes.
 */
const BLOCK_CODES = new Set(['rate_limited', '44', '45', 'token_throttled']);

/** A transient refusal because a rate limit or quota is blocked for `retryAfterMs`. */
export function isRateLimitBlock(error: unknown): boolean {
  const code = errorCode(error);
  return isTransient(error) && retryAfterOf(error) !== undefined && code !== undefined && BLOCK_CODES.has(code);
}

export function settle(outcome: { error?: unknown }, attempt: DeliveryAttempt, settings: RetrySettings, random?: () => number): Settlement {
  if (!('error' in outcome) || outcome.error === undefined) return { kind: 'ack' };
  const error = outcome.error;
  const reason = describeError(error);
  const errorClass = error instanceof Error ? error.name : typeof error;
  const { deliveryCount, retries } = attempt;
  if (!isTransient(error)) return { kind: 'dead-letter', reason, errorClass };
  if (isRateLimitBlock(error)) {
    // With a history the allowance counts block waits alone; without one, every delivery.
    if (retries ? retries.blockWaits >= (settings.blockWaitDeliveries ?? 0) : deliveryCount >= lastDelivery(settings)) {
      return { kind: 'dead-letter', reason: `still rate-limited after ${deliveryCount} deliveries: ${reason}`, errorClass };
    }
    return { kind: 'retry', delayMs: blockWaitDelay(retryAfterOf(error) ?? 0, random), reason, block: true };
  }
  if (deliveryCount >= settings.maxDeliver && !withinRetryWindow(retries, settings)) {
    const over = retries && settings.retryWindowMs ? ` over ${describeSpan(retries.failingForMs)}` : '';
    return { kind: 'dead-letter', reason: `gave up after ${deliveryCount} deliveries${over}: ${reason}`, errorClass };
  }
  const delayMs = backoffDelay(deliveryCount, settings.backoff, retryAfterOf(error) ?? 0, random);
  return { kind: 'retry', delayMs, reason };
}

/** Whether a failing event's retry window is still open (never without a window or a history). */
function withinRetryWindow(retries: RetryHistory | undefined, settings: RetrySettings): boolean {
  return !!settings.retryWindowMs && retries !== undefined && retries.failingForMs < settings.retryWindowMs;
}

function describeSpan(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

/**
 * Whether settle() gives this failure up (a dead letter) rather than retrying it: handlers mark
 * their records failed, not retrying, exactly then, so the record and the dead letter agree.
 */
export function givesUp(error: unknown, attempt: DeliveryAttempt, settings: RetrySettings): boolean {
  return settle({ error }, attempt, settings).kind === 'dead-letter';
}

/**
 * Decided before the handler runs. JetStream redelivers without limit (consumers are provisioned
 * with max_deliver -1), so earlier deliveries beyond the last one (`maxDeliver` plus the allowance
 * for block waits) that settled nothing mean the process died or stalled in the handler (a poison
 * event that crashes every instance), or the dead letter of the last one could not be written.
 * With a history, deliveries that settled as a retry (the window's) are not counted. It becomes a
 * dead letter without running the handler again; undefined while deliveries are left.
 */
export function settleUnsettled(attempt: DeliveryAttempt, settings: RetrySettings): Settlement | undefined {
  const last = lastDelivery(settings);
  const { deliveryCount, retries } = attempt;
  const retried = retries ? retries.failures + retries.blockWaits : 0;
  if (deliveryCount - retried <= last) return undefined;
  const counted = retries ? ` (${retried} of them retried)` : '';
  return {
    kind: 'dead-letter',
    reason: `delivered ${deliveryCount} times${counted} of ${last}: the handler never settled its earlier deliveries (the process crashed or timed out), or their dead letter could not be written`,
    errorClass: 'UnsettledDeliveries',
  };
}
