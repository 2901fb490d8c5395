import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

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

  /** `open` until retried successfully or dismissed. */
  @Column({ type: 'text', default: 'open' })
  status: 'open' | 'retrying' | 'resolved' | 'dismissed';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
