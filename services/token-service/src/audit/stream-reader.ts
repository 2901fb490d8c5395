import { Inject, Injectable } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { HEADERS, subjects, Topology } from '@connector/contracts';
import { NATS_CONNECTION, TOPOLOGY } from '@connector/platform';

export interface RecordedDelivery {
  seq: number;
  subject: string;
  time: string;
  topic: string | null;
  resourceId: string | null;
  modifiedGmt: string | null;
  msgId: string | null;
  origin: string | null;
  correlationId: string | null;
  bytes: number;
  body?: unknown;
}

/**
 * Pages through the audit stream for one connection using direct gets filtered by subject, so an
 * operator can see exactly what WooCommerce sent (the stored bytes, not a re-serialisation).
 */
@Injectable()
export class StreamReader {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
  ) {}

  async deliveries(connectionId: string, options: { fromSeq?: number; limit?: number; includeBody?: boolean }): Promise<RecordedDelivery[]> {
    const jsm = await jetstreamManager(this.nc);
    const filter = subjects.connectionFilter(this.topology, connectionId);
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const out: RecordedDelivery[] = [];
    let seq = Math.max(options.fromSeq ?? 1, 1);
    while (out.length < limit) {
      const msg = await jsm.direct.getMessage(this.topology.stream, { seq, next_by_subj: filter }).catch(() => null);
      if (!msg) break;
      const header = (name: string) => msg.header?.get(name) || null;
      const entry: RecordedDelivery = {
        seq: msg.seq,
        subject: msg.subject,
        time: msg.time.toISOString(),
        topic: header(HEADERS.topic),
        resourceId: header(HEADERS.resourceId),
        modifiedGmt: header(HEADERS.modifiedGmt),
        msgId: header(HEADERS.msgId),
        origin: header(HEADERS.origin),
        correlationId: header(HEADERS.correlationId),
        bytes: msg.data.length,
      };
      if (options.includeBody) {
        try {
          entry.body = msg.json();
        } catch {
          entry.body = msg.string();
        }
      }
      out.push(entry);
      seq = msg.seq + 1;
    }
    return out;
  }
}
