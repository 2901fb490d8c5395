/**
 * What an event's earlier deliveries settled as, kept by the consumer runner (over PostgreSQL).
 * JetStream counts deliveries but keeps no reason or time with them; the settle policy needs both
 * to retry for a span of time rather than a number of deliveries, and to tell a delivery that
 * failed and was put back from one whose process died under it.
 */
export interface RetryHistory {
  /** Deliveries that failed and were put back to retry. */
  failures: number;
  /** Deliveries put back to wait out a rate-limit block. */
  blockWaits: number;
  /** Time since the first failure (0 before one), on the ledger's clock. */
  failingForMs: number;
}

export interface RetryLedger {
  /** The history of an event, or undefined when none of its deliveries was put back yet. */
  read(consumer: string, streamSeq: number): Promise<RetryHistory | undefined>;
  /** Notes a delivery put back: a failure (starts the retry window) or a block wait. */
  record(consumer: string, streamSeq: number, kind: 'failure' | 'block'): Promise<void>;
  /** Forgets an event once it settled for good (acked or dead-lettered). */
  clear(consumer: string, streamSeq: number): Promise<void>;
}
