import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ReplayStatus = 'running' | 'done' | 'failed';

/**
 * One target service's share of a replay of the audit stream: token-service creates the row, the
 * service's replay runner keeps its progress current (at least every few seconds while running,
 * so a row that stops moving reveals a service that died mid-replay).
 */
@Entity({ name: 'replays' })
@Index(['connectionId', 'startedAt'])
export class ReplayEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** `invoice-sync`, `customer-sync` or `catalog-sync`. */
  @PrimaryColumn({ type: 'text' })
  service: string;

  @Column({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  /** The audit-stream resource this service replays (`order`, `customer`, `product`). */
  @Column({ type: 'text' })
  resource: string;

  @Column({ name: 'from_seq', type: 'bigint', nullable: true })
  fromSeq: string | null;

  @Column({ name: 'from_time', type: 'timestamptz', nullable: true })
  fromTime: Date | null;

  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun: boolean;

  /** The replay's own durable consumer, deleted when the replay ends. */
  @Column({ type: 'text', nullable: true })
  consumer: string | null;

  @Column({ type: 'text', default: 'running' })
  status: ReplayStatus;

  @Column({ type: 'int', default: 0 })
  processed: number;

  /** Null until the service has created its consumer and counted the events. */
  @Column({ type: 'int', nullable: true })
  total: number | null;

  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ name: 'last_seq', type: 'bigint', nullable: true })
  lastSeq: string | null;

  /** Dry run: the writes the live run would make (`PlannedWrite` of the contracts), capped. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  planned: unknown[];

  /** How many writes the dry run found, including those beyond the cap of `planned`. */
  @Column({ name: 'planned_count', type: 'int', default: 0 })
  plannedCount: number;

  /** The events given up on (`ReplayFailure` of the contracts), capped. */
  @Column({ name: 'failed_events', type: 'jsonb', default: () => "'[]'" })
  failedEvents: unknown[];

  /** Why the replay as a whole failed (consumer not created, service shut down…). */
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
