import { BackoffPolicy, backoffDelay, DEFAULT_BACKOFF, describeError, isTransient, retryAfterOf } from '@connector/common';

/**
 * The product's one settle policy. Given how a handler ended, decide what happens to the message:
 *   success                              → ack
 *   transient failure, deliveries left   → nak with an exponential, jittered delay (≥ Retry-After)
 *   permanent failure, or last delivery  → dead-letter record with the reason, then term
 *   a delivery past the last one         → dead letter without running the handler (settleUnsettled)
 * Kept free of NATS types so it is trivially unit-tested.
 */
export type Settlement =
  | { kind: 'ack' }
  | { kind: 'retry'; delayMs: number; reason: string }
  | { kind: 'dead-letter'; reason: string; errorClass: string };

export interface RetrySettings {
  backoff: BackoffPolicy;
  /** Deliveries before giving up (JetStream's own max_deliver is unlimited: this runner decides). */
  maxDeliver: number;
}

export const DEFAULT_RETRY: RetrySettings = { backoff: DEFAULT_BACKOFF, maxDeliver: 20 };

export function settle(outcome: { error?: unknown }, deliveryCount: number, settings: RetrySettings, random?: () => number): Settlement {
  if (!('error' in outcome) || outcome.error === undefined) return { kind: 'ack' };
  const error = outcome.error;
  const reason = describeError(error);
  const errorClass = error instanceof Error ? error.name : typeof error;
  if (!isTransient(error)) return { kind: 'dead-letter', reason, errorClass };
  if (deliveryCount >= settings.maxDeliver) {
    return { kind: 'dead-letter', reason: `gave up after ${deliveryCount} deliveries: ${reason}`, errorClass };
  }
  const delayMs = backoffDelay(deliveryCount, settings.backoff, retryAfterOf(error) ?? 0, random);
  return { kind: 'retry', delayMs, reason };
}

/**
 * Decided before the handler runs. JetStream redelivers without limit (consumers are provisioned
 * with max_deliver -1), so a delivery past `maxDeliver` means the earlier ones never settled: the
 * process died or stalled in the handler (a poison event that crashes every instance), or the
 * dead letter of the last one could not be written. It becomes a dead letter without running the
 * handler again; undefined while deliveries are left.
 */
export function settleUnsettled(deliveryCount: number, settings: RetrySettings): Settlement | undefined {
  if (deliveryCount <= settings.maxDeliver) return undefined;
  return {
    kind: 'dead-letter',
    reason: `delivered ${deliveryCount} times of ${settings.maxDeliver}: the handler never settled its earlier deliveries (the process crashed or timed out), or their dead letter could not be written`,
    errorClass: 'UnsettledDeliveries',
  };
}
