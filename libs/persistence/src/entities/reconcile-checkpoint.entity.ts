import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far the reconciliation sweep of one connection has read one resource (`order`, `customer`):
 * the newest `date_modified_gmt` whose snapshots are all in the pipeline. The next sweep reads from
 * a few seconds before it, because WooCommerce's filter is exclusive and has one-second resolution.
 */
@Entity({ name: 'reconcile_checkpoints' })
export class ReconcileCheckpointEntity {
  @PrimaryColumn({ name: 'connection_id', type: 'uuid' })
  connectionId: string;

  @PrimaryColumn({ type: 'text' })
  resource: string;

  /** `YYYY-MM-DDTHH:MM:SS`, GMT, as WooCommerce writes `date_modified_gmt`. */
  @Column({ name: 'modified_gmt', type: 'text' })
  modifiedGmt: string;

  @Column({ name: 'swept_at', type: 'timestamptz' })
  sweptAt: Date;

  /** Counts of the last sweep, for operators. */
  @Column({ name: 'last_result', type: 'jsonb', nullable: true })
  lastResult: unknown;
}
