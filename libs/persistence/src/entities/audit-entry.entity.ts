import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What a service did with one event: the decision, the upstream calls it made (secrets redacted)
 * and the outcome. The stream holds what came in; this table explains what came of it.
 */
@Entity({ name: 'audit_entries' })
@Index(['connectionId', 'resource', 'resourceId'])
@Index(['connectionId', 'createdAt'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ name: 'connection_id', type: 'text' })
  connectionId: string;

  @Column({ type: 'text' })
  service: string;

  @Column({ name: 'stream_seq', type: 'bigint', nullable: true })
  streamSeq: string | null;

  @Column({ type: 'text' })
  resource: string;

  @Column({ name: 'resource_id', type: 'text', nullable: true })
  resourceId: string | null;

  /** e.g. `received`, `create-invoice`, `skip`, `void-invoice`. */
  @Column({ type: 'text' })
  action: string;

  /** `ok`, `skipped`, `failed`, `retrying`. */
  @Column({ type: 'text' })
  outcome: string;

  @Column({ type: 'text', nullable: true })
  message: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail: unknown;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
