import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReconcileCheckpointEntity } from '@connector/persistence';
import { compareWooGmt } from './woo-gmt';

/**
 * Store resources walked by modification time, the pass over credits awaiting a sent invoice, and
 * the pass over recent orders' refunds (its time only).
 */
export type CheckpointResource = 'order' | 'customer' | 'credit' | 'refund';

/** The sweep's checkpoints (`reconcile_checkpoints`): how far each resource has been read, and when. */
@Injectable()
export class ReconcileCheckpoints {
  constructor(private readonly dataSource: DataSource) {}

  async get(connectionId: string, resource: CheckpointResource): Promise<string | undefined> {
    const row = await this.dataSource.getRepository(ReconcileCheckpointEntity).findOne({ where: { connectionId, resource } });
    return row?.modifiedGmt;
  }

  /** When the connection was last swept (the order walk ends every sweep). */
  lastSweptAt(connectionId: string): Promise<Date | undefined> {
    return this.sweptAt(connectionId, 'order');
  }

  /** What this resource's pass last recorded with its checkpoint (`save`'s `lastResult`). */
  async lastResult(connectionId: string, resource: CheckpointResource): Promise<unknown> {
    const row = await this.dataSource.getRepository(ReconcileCheckpointEntity).findOne({ where: { connectionId, resource } });
    return row?.lastResult;
  }

  /** When this resource's pass last ended. */
  async sweptAt(connectionId: string, resource: CheckpointResource): Promise<Date | undefined> {
    const row = await this.dataSource.getRepository(ReconcileCheckpointEntity).findOne({ where: { connectionId, resource } });
    return row?.sweptAt;
  }

  /** Moves the checkpoint forward (never back: two sweeps may overlap across a restart). */
  async save(connectionId: string, resource: CheckpointResource, modifiedGmt: string, lastResult?: unknown): Promise<void> {
    const current = await this.get(connectionId, resource);
    const next = current && compareWooGmt(current, modifiedGmt) > 0 ? current : modifiedGmt;
    await this.dataSource.query(
      `INSERT INTO reconcile_checkpoints (connection_id, resource, modified_gmt, swept_at, last_result)
       VALUES ($1, $2, $3, now(), $4)
       ON CONFLICT (connection_id, resource) DO UPDATE
         SET modified_gmt = EXCLUDED.modified_gmt, swept_at = now(),
             last_result = COALESCE(EXCLUDED.last_result, reconcile_checkpoints.last_result)`,
      [connectionId, resource, next, lastResult === undefined ? null : JSON.stringify(lastResult)],
    );
  }
}
