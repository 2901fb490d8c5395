import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects, Topology, WebhookPingNotice } from '@connector/contracts';
import { NATS_CONNECTION, TOPOLOGY } from '@connector/platform';

/**
 * Announces WooCommerce's creation pings (core NATS, fire and forget), so token-service can tell
 * the owner registering webhooks whether the store reached this gateway: WooCommerce itself
 * ignores a failed ping and reports the webhook created all the same.
 */
@Injectable()
export class WebhookPingNotices {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
  ) {}

  announce(connectionId: string, webhookId: number): void {
    try {
      this.nc.publish(subjects.webhookPinged(this.topology, connectionId), JSON.stringify({ webhookId } satisfies WebhookPingNotice));
    } catch {
      // A notice only helps a registration under way; the ping itself is answered regardless.
    }
  }
}
