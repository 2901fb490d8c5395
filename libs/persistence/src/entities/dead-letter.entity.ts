import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type DeadLetterStatus = 'open' | 'retrying' | 'resolved' | 'dismissed' | 'superseded';

/**
 * An event a consumer gave up on, with the reason. The message itself stays in the audit stream
 * (Limits retention), so this row is a pointer (`streamSeq`) that a retry replays from.
 */
@Entity({ name: 'dead_letters' })
@Index(['consumer', 'streamSeq'], { unique: true })
export class DeadLetterEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  consumer: string;

  @Column({ name: 'stream', type: 'text' })
  stream: string;

  @Column({ name: 'stream_seq', type: 'bigint' })
  streamSeq: string;

  @Column({ type: 'text' })
  subject: string;

  @Index()
  @Column({ name: 'connection_id', type: 'text', nullable: true })
  connectionId: string | null;

  @Column({ name: 'msg_id', type: 'text', nullable: true })
  msgId: string | null;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'error_class', type: 'text' })
  errorClass: string;

  @Column({ type: 'int' })
  deliveries: number;

  /**
   * `open` until an operator acts: a retry makes it `retrying` until the copy's outcome, which
   * either `resolved` it or, failing again, left a new letter that `superseded` it; `dismissed`
   * when the operator dealt with it by hand. A later success of the event resolves it too.
   */
  @Column({ type: 'text', default: 'open' })
  status: DeadLetterStatus;

  /** The stream sequence of the copy the last retry sent. */
  @Column({ name: 'retry_seq', type: 'bigint', nullable: true })
  retrySeq: string | null;

  /** For a letter an order's Retry claimed: the event its one copy is of (see claimEventsForRetry). */
  @Column({ name: 'retry_for_seq', type: 'bigint', nullable: true })
  retryForSeq: string | null;

  /** The dead letter the retried copy left, when it failed again. */
  @Column({ name: 'superseded_by', type: 'uuid', nullable: true })
  supersededBy: string | null;

  /** What the operator said when dismissing it. */
  @Column({ name: 'dismissed_reason', type: 'text', nullable: true })
  dismissedReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
