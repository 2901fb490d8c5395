import { DataSource, Repository } from 'typeorm';
import { DeadLetterEntity } from './entities';

export interface NewDeadLetter {
  consumer: string;
  stream: string;
  streamSeq: number;
  subject: string;
  connectionId: string | null;
  msgId: string | null;
  reason: string;
  errorClass: string;
  deliveries: number;
}

/**
 * Whether letter consumer `$letter` stands for the events of live consumer `$live`: the live durable
 * itself, or one of its replays (`replay-<replayId>-<service>`, the service named like its durable).
 * A retried copy and a replayed event are handled by the live consumer, so its success settles both.
 */
const OF_LIVE_CONSUMER = (letter: string, live: string) =>
  `(${letter} = ${live} OR (${letter} LIKE 'replay-%' AND right(${letter}, length(${live}) + 1) = '-' || ${live}))`;

/** Dead letters: events a consumer gave up on, kept visible until retried or dismissed. */
export class DeadLetterStore {
  private readonly repo: Repository<DeadLetterEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(DeadLetterEntity);
  }

  /**
   * Idempotent per (consumer, stream sequence): a second failure of the same event updates the
   * reason. When the event is a retried copy, the letter it was retried for is superseded by this one.
   */
  async upsert(letter: NewDeadLetter): Promise<void> {
    await this.repo.query(
      `INSERT INTO dead_letters (consumer, stream, stream_seq, subject, connection_id, msg_id, reason, error_class, deliveries, status)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'open')
       ON CONFLICT (consumer, stream_seq) DO UPDATE
         SET reason = EXCLUDED.reason, error_class = EXCLUDED.error_class, deliveries = EXCLUDED.deliveries,
             status = 'open', superseded_by = NULL, updated_at = now()`,
      [letter.consumer, letter.stream, letter.streamSeq, letter.subject, letter.connectionId, letter.msgId, letter.reason, letter.errorClass, letter.deliveries],
    );
    await this.supersedeRetried(letter.streamSeq);
  }

  /**
   * A later success of the event (a redelivery, a retried copy, a replay) resolves its open or
   * retrying letters: the consumer's own and those of its replays. A copy's success (its own
   * sequence passed) also resolves the letters retried as that copy (an order's Retry sends one
   * copy, its newest snapshot, for the letters of all its events). Dismissed and superseded ones
   * keep what the operator, or the next failure, made of them.
   */
  async resolve(consumer: string, streamSeq: number): Promise<void> {
    await this.resolveMany(consumer, [streamSeq]);
  }

  /** The same for several events of one consumer, in one statement (a replay resolves a batch at once). */
  async resolveMany(consumer: string, streamSeqs: readonly number[]): Promise<void> {
    if (streamSeqs.length === 0) return;
    await this.repo.query(
      `UPDATE dead_letters SET status = 'resolved', updated_at = now()
        WHERE (stream_seq = ANY($2::bigint[]) OR (status = 'retrying' AND (retry_seq = ANY($2::bigint[]) OR retry_for_seq = ANY($2::bigint[]))))
          AND status IN ('open', 'retrying') AND ${OF_LIVE_CONSUMER('consumer', '$1')}`,
      [consumer, streamSeqs],
    );
  }

  /** Which of these events have an open letter of live consumer `consumer` (or of one of its replays). */
  async openSeqsOf(consumer: string, streamSeqs: readonly number[]): Promise<number[]> {
    if (streamSeqs.length === 0) return [];
    const rows: Array<{ stream_seq: string }> = await this.repo.query(
      `SELECT DISTINCT stream_seq FROM dead_letters
        WHERE stream_seq = ANY($2::bigint[]) AND status = 'open' AND ${OF_LIVE_CONSUMER('consumer', '$1')}`,
      [consumer, streamSeqs],
    );
    return rows.map((row) => Number(row.stream_seq));
  }

  /** The newest 500 (the admin list; retry-all walks every open one with `openEventSeqs`). */
  list(filter: { connectionId?: string; status?: string } = {}): Promise<DeadLetterEntity[]> {
    return this.repo.find({
      where: { ...(filter.connectionId ? { connectionId: filter.connectionId } : {}), ...(filter.status ? { status: filter.status as never } : {}) },
      order: { createdAt: 'DESC' },
      take: 500,
    });
  }

  get(id: string): Promise<DeadLetterEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /**
   * Takes one open letter for a retry, atomically: of two operators retrying it at once, one gets
   * it (true) and the other sends nothing.
   */
  async claimForRetry(id: string): Promise<boolean> {
    const [rows] = await this.repo.query(`UPDATE dead_letters SET status = 'retrying', retry_for_seq = NULL, updated_at = now() WHERE id = $1 AND status = 'open' RETURNING id`, [id]);
    return rows.length === 1;
  }

  /** Takes every open letter of one event (of one connection when given) for a retry; their ids. */
  async claimEventForRetry(streamSeq: number, connectionId?: string): Promise<string[]> {
    const [rows] = await this.repo.query(
      `UPDATE dead_letters SET status = 'retrying', retry_for_seq = NULL, updated_at = now()
        WHERE stream_seq = $1 AND status = 'open' AND ($2::text IS NULL OR connection_id = $2) RETURNING id`,
      [streamSeq, connectionId ?? null],
    );
    return rows.map((row: { id: string }) => row.id);
  }

  /**
   * Takes every open letter of several events (one order's) for one retry, a copy of event
   * `copyOf`; their ids. Which consumer gave up does not matter: the copy goes to every consumer of
   * the events' subject. Each letter notes `copyOf`, so the copy's success resolves it even before
   * the copy's own sequence is noted (recordRetry).
   */
  async claimEventsForRetry(streamSeqs: readonly number[], connectionId: string, copyOf: number): Promise<string[]> {
    if (streamSeqs.length === 0) return [];
    const [rows] = await this.repo.query(
      `UPDATE dead_letters SET status = 'retrying', retry_for_seq = $3, updated_at = now()
        WHERE stream_seq = ANY($1::bigint[]) AND status = 'open' AND connection_id = $2 RETURNING id`,
      [streamSeqs, connectionId, copyOf],
    );
    return rows.map((row: { id: string }) => row.id);
  }

  /**
   * A page of the events that have open letters, in stream order after `afterSeq`: retry-all
   * walks them in bounded pages, one republish per event however many consumers gave up on it.
   */
  async openEventSeqs(filter: { connectionId?: string; afterSeq: number; uptoSeq?: number; limit: number }): Promise<number[]> {
    const rows: Array<{ stream_seq: string }> = await this.repo.query(
      `SELECT DISTINCT stream_seq FROM dead_letters
        WHERE status = 'open' AND stream_seq > $1 AND ($2::text IS NULL OR connection_id = $2) AND ($4::bigint IS NULL OR stream_seq <= $4)
        ORDER BY stream_seq LIMIT $3`,
      [filter.afterSeq, filter.connectionId ?? null, filter.limit, filter.uptoSeq ?? null],
    );
    return rows.map((row) => Number(row.stream_seq));
  }

  /** The last event with an open letter (of one connection when given): where a retry-all walk ends. */
  async lastOpenEventSeq(connectionId?: string): Promise<number | undefined> {
    const [row]: Array<{ last: string | null }> = await this.repo.query(
      `SELECT max(stream_seq) AS last FROM dead_letters WHERE status = 'open' AND ($1::text IS NULL OR connection_id = $1)`,
      [connectionId ?? null],
    );
    return row?.last ? Number(row.last) : undefined;
  }

  /**
   * Notes the copy a retry sent. Its outcome may already be in: a copy that failed at once left
   * its letter before this ran, so the supersede is checked here as well as at the upsert.
   */
  async recordRetry(ids: readonly string[], copySeq: number): Promise<void> {
    await this.repo.query(`UPDATE dead_letters SET retry_seq = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids, copySeq]);
    await this.supersedeRetried(copySeq);
  }

  /** A retry whose copy could not be sent: the letters are open again, not stranded as `retrying`. */
  async releaseRetry(ids: readonly string[]): Promise<void> {
    await this.repo.query(`UPDATE dead_letters SET status = 'open', updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'retrying'`, [ids]);
  }

  /** Marks an open (or retrying) letter as dealt with by hand; false when it is neither. */
  async dismiss(id: string, reason: string | null): Promise<boolean> {
    const [rows] = await this.repo.query(
      `UPDATE dead_letters SET status = 'dismissed', dismissed_reason = $2, updated_at = now()
        WHERE id = $1 AND status IN ('open', 'retrying') RETURNING id`,
      [id, reason],
    );
    return rows.length === 1;
  }

  /**
   * The letters retried as event `copySeq` whose copy failed again (under the same live consumer)
   * are superseded by the copy's letter, which carries the new reason and is the one to retry.
   */
  private async supersedeRetried(copySeq: number): Promise<void> {
    await this.repo.query(
      `UPDATE dead_letters retried SET status = 'superseded', superseded_by = copy.id, updated_at = now()
         FROM dead_letters copy
        WHERE retried.retry_seq = $1 AND retried.status = 'retrying'
          AND copy.stream_seq = $1 AND copy.status = 'open' AND ${OF_LIVE_CONSUMER('retried.consumer', 'copy.consumer')}`,
      [copySeq],
    );
  }
}
