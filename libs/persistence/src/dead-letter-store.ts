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

/** Dead letters: events a consumer gave up on, kept visible until retried or dismissed. */
export class DeadLetterStore {
  private readonly repo: Repository<DeadLetterEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(DeadLetterEntity);
  }

  /** Idempotent per (consumer, stream sequence): a second failure of the same event updates the reason. */
  async upsert(letter: NewDeadLetter): Promise<void> {
    await this.repo.query(
      `INSERT INTO dead_letters (consumer, stream, stream_seq, subject, connection_id, msg_id, reason, error_class, deliveries, status)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,'open')
       ON CONFLICT (consumer, stream_seq) DO UPDATE
         SET reason = EXCLUDED.reason, error_class = EXCLUDED.error_class, deliveries = EXCLUDED.deliveries,
             status = 'open', updated_at = now()`,
      [letter.consumer, letter.stream, letter.streamSeq, letter.subject, letter.connectionId, letter.msgId, letter.reason, letter.errorClass, letter.deliveries],
    );
  }

  /** A later successful processing of the same event (redelivery, retried copy) resolves its dead letter. */
  async resolve(consumer: string, streamSeq: number): Promise<void> {
    await this.resolveMany(consumer, [streamSeq]);
  }

  /** The same for several events of one consumer, in one statement (a replay resolves a batch at once). */
  async resolveMany(consumer: string, streamSeqs: readonly number[]): Promise<void> {
    if (streamSeqs.length === 0) return;
    await this.repo.query(
      `UPDATE dead_letters SET status = 'resolved', updated_at = now() WHERE consumer = $1 AND stream_seq = ANY($2::bigint[]) AND status <> 'resolved'`,
      [consumer, streamSeqs],
    );
  }

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

  async markRetrying(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.repo.query(`UPDATE dead_letters SET status = 'retrying', updated_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }
}
