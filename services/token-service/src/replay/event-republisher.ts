import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { HEADERS, Topology } from '@connector/contracts';
import { DeliveryPublisher } from '@connector/messaging';
import { NATS_CONNECTION, TOPOLOGY } from '@connector/platform';

/**
 * Retries an event by appending a copy of it to the audit stream (same subject and body, origin
 * `retry`, a fresh message id). The original stays where it was; the log shows both, and every
 * consumer of that subject sees the retry. Handlers are idempotent, so a retry of something that
 * already succeeded changes nothing.
 */
@Injectable()
export class EventRepublisher {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    private readonly publisher: DeliveryPublisher,
  ) {}

  async republish(seq: number, reason: string): Promise<{ originalSeq: number; seq: number }> {
    const jsm = await jetstreamManager(this.nc);
    const original = await jsm.streams.getMessage(this.topology.stream, { seq }).catch(() => null);
    if (!original) throw new NotFoundException(`Audit stream has no message ${seq}`);
    const headers: Record<string, string> = {};
    for (const [key, values] of original.header ?? []) {
      if (key !== HEADERS.msgId && key.startsWith('Connector-')) headers[key] = values[0];
    }
    headers[HEADERS.origin] = 'retry';
    headers[HEADERS.retryOf] = String(seq);
    headers['Connector-Retry-Reason'] = reason.slice(0, 200);
    const ack = await this.publisher.publish({
      subject: original.subject,
      body: original.data,
      msgId: `retry:${seq}:${Date.now()}`,
      headers,
    });
    return { originalSeq: seq, seq: ack.seq };
  }
}
