import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { HEADERS, Topology } from '@connector/contracts';

export interface PublishRequest {
  subject: string;
  body: Uint8Array;
  msgId: string;
  headers: Record<string, string | undefined>;
}

/**
 * Publishes to the audit stream and resolves only when JetStream has stored the message (PubAck).
 * The gateway answers WooCommerce after this resolves, so a 200 always means "stored".
 */
export class DeliveryPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly topology: Topology,
    private readonly timeoutMs = 5_000,
  ) {}

  async publish(request: PublishRequest): Promise<PubAck> {
    const h = natsHeaders();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined && value !== '') h.set(key, sanitizeHeader(value));
    }
    h.set(HEADERS.msgId, request.msgId);
    return this.js.publish(request.subject, request.body, {
      msgID: request.msgId,
      headers: h,
      expect: { streamName: this.topology.stream },
      timeout: this.timeoutMs,
    });
  }
}

/** NATS headers are single-line ASCII; anything else from a client is replaced, never trusted. */
function sanitizeHeader(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 512);
}
