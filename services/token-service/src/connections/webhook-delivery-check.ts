import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { isPrivateHost, Logger } from '@connector/common';
import { subjects, Topology, WebhookPingNotice } from '@connector/contracts';
import { LOGGER, NATS_CONNECTION, TOPOLOGY } from '@connector/platform';
import type { EnsuredWebhook } from '@connector/woocommerce';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';

/** Whether the store showed it can reach the delivery URL, in words for the owner. */
export interface DeliveryCheck {
  status: 'reached' | 'not-reached' | 'not-tested';
  message: string;
}

/**
 * WooCommerce pings a webhook's URL while creating it, before it answers; the gateway announces
 * the ping at once. This is how long the announcement may still be on its way.
 */
const PING_NOTICE_WAIT_MS = 3_000;

/** Ports wp_safe_remote_post delivers to (its `http_allowed_safe_ports` default). */
const SAFE_PORTS = new Set(['80', '443', '8080']);

/**
 * Tells the owner registering webhooks whether the store can deliver to Connector. WooCommerce
 * does not: it creates the webhook even when its ping fails, and its deliveries then fail one by
 * one until it disables the webhook. The ping of each new webhook is the proof: the gateway
 * announces it (WebhookPingNotices), and this waits for it.
 */
@Injectable()
export class WebhookDeliveryCheck implements OnModuleInit {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Said at boot too: a PUBLIC_URL no store can deliver to is a setup mistake (sandboxes and tests excepted). */
  onModuleInit(): void {
    const problem = this.config.ALLOW_PRIVATE_ENDPOINTS ? null : unsafeDeliveryUrl(this.config.PUBLIC_URL);
    if (problem) this.logger.warn({ publicUrl: this.config.PUBLIC_URL }, `PUBLIC_URL: ${problem}; stores cannot deliver webhooks to it`);
  }

  /** Runs `register` (which creates or repairs the store's webhooks) and checks that the new ones' pings arrived. */
  async around(connectionId: string, deliveryUrl: string, register: () => Promise<EnsuredWebhook[]>): Promise<{ webhooks: EnsuredWebhook[]; deliveryCheck: DeliveryCheck }> {
    const pinged = new Set<number>();
    let heard = () => {};
    const notices = this.nc.subscribe(subjects.webhookPinged(this.topology, connectionId), {
      callback: (error, msg) => {
        if (error) return;
        try {
          const { webhookId } = msg.json<WebhookPingNotice>();
          if (typeof webhookId === 'number') pinged.add(webhookId);
          heard();
        } catch {
          // Not a notice: ignored.
        }
      },
    });
    try {
      await this.nc.flush(); // the subscription is in place before the store is asked to ping
      const webhooks = await register();
      const created = webhooks.filter((hook) => hook.action === 'created').map((hook) => hook.id);
      if (created.length === 0) return { webhooks, deliveryCheck: notTested(deliveryUrl) };
      const deadline = Date.now() + PING_NOTICE_WAIT_MS;
      while (created.some((id) => !pinged.has(id)) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deadline - Date.now());
          heard = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      const missing = created.filter((id) => !pinged.has(id));
      return { webhooks, deliveryCheck: missing.length === 0 ? reached(deliveryUrl) : this.notReached(deliveryUrl, missing) };
    } finally {
      notices.unsubscribe();
    }
  }

  private notReached(deliveryUrl: string, missing: number[]): DeliveryCheck {
    const cause = unsafeDeliveryUrl(this.config.PUBLIC_URL) ?? `check that ${new URL(deliveryUrl).host} is reachable from the store (DNS, firewall, TLS certificate) and routes to the gateway`;
    return {
      status: 'not-reached',
      message:
        `the store did not reach ${deliveryUrl}: WooCommerce's ping for webhook ${missing.join(', ')} did not arrive within ${PING_NOTICE_WAIT_MS / 1000} s ` +
        `(WooCommerce creates the webhook anyway). Its deliveries will fail the same way until it disables the webhook. PUBLIC_URL: ${cause}; ` +
        'with a new PUBLIC_URL, registering the webhooks again creates them at the new address and tests it.',
    };
  }
}

function reached(deliveryUrl: string): DeliveryCheck {
  return { status: 'reached', message: `the store reached ${deliveryUrl}: WooCommerce's ping for each new webhook arrived` };
}

function notTested(deliveryUrl: string): DeliveryCheck {
  return {
    status: 'not-tested',
    message: `no webhook was created, so WooCommerce sent no ping to test ${deliveryUrl} with; the webhooks' delivery health (GET …/webhooks) shows whether deliveries arrive`,
  };
}

/** Why WooCommerce (wp_safe_remote_post) will not deliver to this URL, or null when it may. */
export function unsafeDeliveryUrl(url: string): string | null {
  const parsed = new URL(url);
  if (isPrivateHost(parsed.hostname)) return `${parsed.hostname} is a loopback or private address, which WooCommerce does not deliver to`;
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  if (!SAFE_PORTS.has(port)) return `WooCommerce delivers only to ports 80, 443 and 8080, not ${port}`;
  return null;
}
