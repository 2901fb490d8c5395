import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type BackfillStatus = 'running' | 'done' | 'failed';

/** An order that could not be handed to the pipeline during a backfill, and why. */
export interface BackfillFailure {
  orderId: number;
  reason: string;
}

/**
 * A backfill: every order modified since `since` read from the store and handed to the pipeline at
 * a pace that leaves Zoho's per-minute budget to live orders. Progress is stored as it goes, so a
 * job interrupted by a restart resumes from `cursorGmt` on any instance.
 */
@Entity({ name: 'backfill_jobs' })
@Index(['connectionId', 'startedAt'])
export class BackfillJobEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @Column({ type: 'timestamptz' })
  since: Date;

  @Column({ type: 'text' })
  status: BackfillStatus;

  @Column({ name: 'events_per_minute', type: 'int' })
  eventsPerMinute: number;

  /** `date_modified_gmt` of the last order handled, where a resumed job starts reading again. */
  @Column({ name: 'cursor_gmt', type: 'text', nullable: true })
  cursorGmt: string | null;

  /** Orders modified since `since` when the job started (null until counted). */
  @Column({ type: 'int', nullable: true })
  total: number | null;

  /** Orders handled: published, or found already in step. */
  @Column({ type: 'int', default: 0 })
  processed: number;

  /** Orders the pipeline lacked and that were published to the audit stream. */
  @Column({ type: 'int', default: 0 })
  published: number;

  @Column({ type: 'jsonb', default: () => `'[]'::jsonb` })
  failures: BackfillFailure[];

  /** Why a failed job stopped. */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** Touched with every progress write; a running job not touched for long has lost its worker. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
