/** Where the consumer runner records events it gives up on (implemented over PostgreSQL). */
export interface DeadLetterSink {
  /** Records a failure; a retried copy's letter supersedes the letter it was retried for. */
  upsert(letter: {
    consumer: string;
    stream: string;
    streamSeq: number;
    subject: string;
    connectionId: string | null;
    msgId: string | null;
    reason: string;
    errorClass: string;
    deliveries: number;
  }): Promise<void>;
  /**
   * Called when an event that was redelivered finally succeeds, or a retried copy of one does
   * (with the original's sequence), so its dead letters close: the consumer's own and those its
   * replays left (a retried copy of a replay's dead letter is handled by the live consumer).
   */
  resolve(consumer: string, streamSeq: number): Promise<void>;
  /** `resolve` for several events of one consumer at once (a replay settles a batch together). */
  resolveMany(consumer: string, streamSeqs: readonly number[]): Promise<void>;
}

export const DEAD_LETTER_SINK = Symbol('DEAD_LETTER_SINK');
