import { Inject, Injectable } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { gmtMillis, orderContentHash, snapshotModifiedMillis } from '@connector/accounting';
import { CONSUMERS, Topology, WooOrder } from '@connector/contracts';
import { DeadLetterStore } from '@connector/persistence';
import { NATS_CONNECTION, TOPOLOGY } from '@connector/platform';

/**
 * Dead letters an order's older events left, once a newer snapshot of the order is in step. Why:
 * invoice-sync books an order from its newest snapshot, which covers every older one, so the
 * letter of an event whose snapshot is older than the one now applied (or the same content)
 * names a failure nothing needs any more; left open it asks an operator to retry something moot.
 * A letter whose snapshot is newer than the one applied (delivered out of order) stays open: that
 * change was never booked. Costs one query for an order with more than one event, and a read of the
 * stream only for letters still open.
 */
@Injectable()
export class OlderDeadLetters {
  constructor(
    private readonly deadLetters: DeadLetterStore,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
  ) {}

  /**
   * Resolves the open letters of the order's events other than `applied` (the event and, for a
   * retried copy, its original) whose snapshot `appliedModifiedGmt` covers; their sequences.
   */
  async settle(streamSeqs: readonly (number | string)[], applied: readonly (number | null)[], appliedOrder: WooOrder): Promise<number[]> {
    const appliedMillis = gmtMillis(appliedOrder.date_modified_gmt);
    const others = streamSeqs.map(Number).filter((seq) => Number.isSafeInteger(seq) && !applied.includes(seq));
    if (appliedMillis === undefined || others.length === 0) return [];
    const open = await this.deadLetters.openSeqsOf(CONSUMERS.invoiceSync, others);
    if (open.length === 0) return [];
    const jsm = await jetstreamManager(this.nc);
    const covered: number[] = [];
    let appliedHash: string | undefined;
    for (const seq of open) {
      const message = await jsm.streams.getMessage(this.topology.stream, { seq }).catch(() => null);
      const modified = message ? snapshotModifiedMillis(message.data) : undefined;
      if (modified === undefined || modified > appliedMillis) continue;
      // Of the same second, only the very content applied is covered: another was never booked.
      if (modified === appliedMillis && contentHashOf(message!.data) !== (appliedHash ??= orderContentHash(appliedOrder))) continue;
      covered.push(seq);
    }
    await this.deadLetters.resolveMany(CONSUMERS.invoiceSync, covered);
    return covered;
  }
}

/** The content hash of a snapshot as stored in the stream, or undefined for a body that is no order. */
function contentHashOf(body: Uint8Array): string | undefined {
  try {
    return orderContentHash(JSON.parse(Buffer.from(body).toString('utf8')) as WooOrder);
  } catch {
    return undefined;
  }
}
