import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { deliveryMessageId, HEADERS, subjects, Topology } from '@connector/contracts';
import { DeliveryPublisher } from '@connector/messaging';
import { TOPOLOGY } from '@connector/platform';
import { AuditTrail, ConnectionEntity } from '@connector/persistence';
import type { StoreSnapshot } from './pipeline-state';

export type SnapshotOrigin = 'reconcile' | 'backfill';
export type SnapshotResource = 'order' | 'customer';

export interface PublishedSnapshot {
  seq: number;
  /** JetStream already held this exact snapshot (same message id within its window). */
  duplicate: boolean;
}

/**
 * Feeds a snapshot read from the store's REST API into the pipeline exactly as the gateway feeds a
 * webhook delivery: same subject (as an `updated` event: the snapshot is the resource's current
 * state, whatever happened to it), the resource's JSON as the body, the same headers and the same
 * deterministic message id, with the origin saying where it came from. The sync services judge it
 * by `date_modified_gmt` and content like any delivery, so one they already hold changes nothing.
 */
@Injectable()
export class SnapshotPublisher {
  constructor(
    private readonly publisher: DeliveryPublisher,
    private readonly audit: AuditTrail,
    @Inject(TOPOLOGY) private readonly topology: Topology,
  ) {}

  async publish(
    connection: ConnectionEntity,
    resource: SnapshotResource,
    snapshot: StoreSnapshot,
    context: {
      origin: SnapshotOrigin;
      why: string;
      extraHeaders?: Record<string, string>;
      /**
       * Makes this publication an event of its own although the stream may hold the same snapshot:
       * a check of something only Zoho can tell (has the owner sent the invoice?) must be looked
       * at anew, not taken for a duplicate of the snapshot published an hour or a minute ago.
       */
      checkAt?: Date;
    },
  ): Promise<PublishedSnapshot> {
    const topic = `${resource}.updated`;
    const body = Buffer.from(JSON.stringify(snapshot));
    const modifiedGmt = snapshot.date_modified_gmt || undefined;
    const correlationId = randomUUID();
    const snapshotId = deliveryMessageId({ connectionId: connection.id, topic, resourceId: snapshot.id, modifiedGmt, rawBody: body });
    const ack = await this.publisher.publish({
      subject: subjects.delivery(this.topology, connection.id, resource, 'updated'),
      body,
      msgId: context.checkAt ? `${snapshotId}:check:${context.checkAt.toISOString()}` : snapshotId,
      headers: {
        ...context.extraHeaders,
        [HEADERS.connectionId]: connection.id,
        [HEADERS.topic]: topic,
        [HEADERS.resourceId]: String(snapshot.id),
        [HEADERS.modifiedGmt]: modifiedGmt,
        [HEADERS.source]: connection.storeUrl,
        [HEADERS.receivedAt]: new Date().toISOString(),
        [HEADERS.correlationId]: correlationId,
        [HEADERS.origin]: context.origin,
      },
    });
    await this.audit.record({
      connectionId: connection.id,
      service: 'token-service',
      streamSeq: ack.seq,
      resource,
      resourceId: snapshot.id,
      action: context.origin,
      outcome: ack.duplicate ? 'skipped' : 'ok',
      message: ack.duplicate
        ? `${resource} ${snapshot.id} (modified ${modifiedGmt ?? 'never'}) is already in the audit log`
        : `${resource} ${snapshot.id} (modified ${modifiedGmt ?? 'never'}) read from the store and published: ${context.why}`,
      correlationId,
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }
}
