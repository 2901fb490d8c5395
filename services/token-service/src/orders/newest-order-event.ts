import { Inject, Injectable } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { snapshotModifiedMillis } from '@connector/accounting';
import type { Topology } from '@connector/contracts';
import { NATS_CONNECTION, TOPOLOGY } from '@connector/platform';

/** Events of one order read back at most (a user action; an order rarely has more). */
const EVENTS_READ = 50;

/**
 * The event of an order to run again on Retry or Book again: the one carrying its newest snapshot.
 * Stream order is not snapshot order (an older snapshot can arrive, or be retried, after a newer
 * one), and invoice-sync skips an older snapshot as stale, so running the highest sequence again
 * could do nothing for a failed order. Same-second snapshots go by sequence: invoice-sync asks the
 * store which of them is current.
 */
@Injectable()
export class NewestOrderEvent {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
  ) {}

  async of(streamSeqs: readonly (number | string)[]): Promise<number | undefined> {
    const recent = streamSeqs.map(Number).filter(Number.isSafeInteger).sort((a, b) => b - a).slice(0, EVENTS_READ);
    if (recent.length <= 1) return recent[0];
    const jsm = await jetstreamManager(this.nc);
    let newest: { seq: number; modified: number } | undefined;
    for (const seq of recent) {
      const message = await jsm.streams.getMessage(this.topology.stream, { seq }).catch(() => null);
      const modified = message ? snapshotModifiedMillis(message.data) : undefined;
      // Highest sequence first, so a tie keeps the later delivery.
      if (modified !== undefined && (!newest || modified > newest.modified)) newest = { seq, modified };
    }
    return newest?.seq ?? recent[0];
  }
}
