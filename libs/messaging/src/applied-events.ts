import type { InboundEvent } from './inbound-event';

/** An event a replay passes over, with the reason the live handler would have noted for it. */
export interface AppliedSkip {
  event: InboundEvent;
  reason: string;
}

/**
 * A service's shortcut past events whose effect is already in place, so a replay of a stream that
 * is all synced costs a read and a write per batch instead of the live path per event. The replay
 * acks and counts the events it skips this way without calling the handler.
 */
export interface AppliedEvents {
  /**
   * Which of these events (one fetched batch, in stream order) the live handler would only note
   * as skipped, writing nothing else, by stream sequence with the reason. One read for the batch;
   * events it is not sure of are left out (they take the handler).
   */
  find(events: readonly InboundEvent[]): Promise<Map<number, string>>;
  /** Notes the skips where the live handler would note them, as the replay's, in one write. */
  note(skips: readonly AppliedSkip[], replayId: string): Promise<void>;
}
