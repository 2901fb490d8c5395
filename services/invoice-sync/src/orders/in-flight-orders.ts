import { Injectable } from '@nestjs/common';
import { orderContentHash } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';

/**
 * The order snapshots this process is handling right now, so that a twin — another stored event
 * carrying the identical snapshot, such as the order.updated that WooCommerce sends with the
 * order.created of a paid checkout — is settled at once instead of holding a consumer slot while
 * it polls the order's advisory lock for as long as the first is being invoiced (under a backlog
 * that includes the wait for the organization's rate limit, so half the slots would do nothing).
 *
 * Settling the twin is safe: the event in hand carries the very same snapshot (connection, order
 * id, date_modified_gmt and content hash), so it makes the same decision the twin would have. If
 * it fails, it is redelivered or dead-lettered itself, visible and replayable, so nothing is lost;
 * and because the twin does no work, nothing is doubled. A snapshot that differs in any of these
 * is no twin: it still waits for the lock, since the order in which snapshots apply matters.
 *
 * Only this process is known here. A twin held by another instance polls the lock as before (see
 * `OrderSyncService.handle`).
 */
@Injectable()
export class InFlightOrders {
  /** Snapshot identity → stream sequence of the event handling it. */
  private readonly handling = new Map<string, number>();

  /**
   * Runs `work` for the event `seq` carrying `order`, unless another event of this process is
   * handling the identical snapshot now: then `onTwin` runs instead, given that event's sequence.
   * A redelivery of the very event in hand (same sequence) is no twin: skipping it would settle
   * the message that the running handler has yet to settle.
   */
  async handleOnce<T>(connectionId: string, order: WooOrder, seq: number, work: () => Promise<T>, onTwin: (handledBySeq: number) => Promise<T>): Promise<T> {
    const key = snapshotKey(connectionId, order);
    const handledBy = this.handling.get(key);
    if (handledBy !== undefined && handledBy !== seq) return onTwin(handledBy);
    if (handledBy !== undefined) return work();
    this.handling.set(key, seq);
    try {
      return await work();
    } finally {
      this.handling.delete(key);
    }
  }
}

function snapshotKey(connectionId: string, order: WooOrder): string {
  return JSON.stringify([connectionId, order.id, order.date_modified_gmt ?? null, orderContentHash(order)]);
}
