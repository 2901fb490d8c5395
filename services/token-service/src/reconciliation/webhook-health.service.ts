import { Inject, Injectable } from '@nestjs/common';
import { describeError, Logger } from '@connector/common';
import { SUBSCRIBED_TOPICS } from '@connector/contracts';
import { LOGGER } from '@connector/platform';
import { AuditTrail, ConnectionEntity, ConnectionStore } from '@connector/persistence';
import type { WooClient } from '@connector/woocommerce';
import { CAUSES } from '../alerts/alert-conditions';
import { AlertNotifier } from '../alerts/alert-notifier';
import { webhookProblemsText } from '../alerts/alert-texts';
import { webhookUrl } from '../connections/connection.view';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { assessWebhooks, WebhookHealth } from './webhook-health';

export interface WebhookCheck extends WebhookHealth {
  /** True when problems were found and `ensureWebhooks` fixed them. */
  repaired: boolean;
  /** Why the webhooks could not be read or repaired. */
  error?: string;
}

/**
 * Keeps the store's webhooks delivering. WooCommerce disables a webhook after repeated failed
 * deliveries and never tells anyone; from then on only the sweep finds changes. Each sweep checks
 * the webhooks for this connection's URL, reports a disabled, paused or missing one (audit trail
 * and alert, once per episode) and re-activates it with the connection's secret.
 */
@Injectable()
export class WebhookHealthService {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly audit: AuditTrail,
    private readonly alerts: AlertNotifier,
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async status(connection: ConnectionEntity, client: WooClient): Promise<WebhookHealth> {
    return assessWebhooks(await client.listWebhooks(), this.deliveryUrl(connection), SUBSCRIBED_TOPICS);
  }

  async checkAndRepair(connection: ConnectionEntity, client: WooClient): Promise<WebhookCheck> {
    const deliveryUrl = this.deliveryUrl(connection);
    let health: WebhookHealth;
    try {
      health = await this.status(connection, client);
    } catch (error) {
      const reason = describeError(error);
      this.logger.warn({ connectionId: connection.id, err: reason }, 'store webhooks could not be read');
      return { deliveryUrl, healthy: false, webhooks: [], problems: [], repaired: false, error: reason };
    }
    if (health.healthy) {
      await this.alerts.clear(connection.id, CAUSES.webhooks);
      return { ...health, repaired: false };
    }

    let repair: { ok: boolean; error?: string };
    try {
      await client.ensureWebhooks({
        deliveryUrl,
        secret: this.connections.webhookSecret(connection),
        topics: [...SUBSCRIBED_TOPICS],
        namePrefix: 'Connector',
      });
      repair = { ok: true };
    } catch (error) {
      repair = { ok: false, error: describeError(error) };
    }
    const messages = health.problems.map((problem) => problem.message);
    for (const problem of health.problems) {
      await this.audit.record({
        connectionId: connection.id,
        service: 'token-service',
        resource: 'webhook',
        resourceId: problem.id ?? null,
        action: repair.ok ? (problem.status === 'missing' ? 'recreate-webhook' : 'reactivate-webhook') : 'repair-webhook',
        outcome: repair.ok ? 'ok' : 'failed',
        message: repair.ok ? `${problem.message}; repaired` : `${problem.message}; repair failed: ${repair.error}`,
        detail: { topic: problem.topic, status: problem.status },
      });
    }
    this.logger.warn({ connectionId: connection.id, problems: messages, repaired: repair.ok, err: repair.error }, 'store webhooks were not delivering');
    await this.alerts.raise(connection, CAUSES.webhooks, () => webhookProblemsText(connection.name, messages, repair));
    if (repair.ok) {
      // Repaired: a later failure of the store's deliveries is a new episode and alerts again.
      await this.alerts.clear(connection.id, CAUSES.webhooks);
      return { ...(await this.status(connection, client).catch(() => health)), repaired: true, problems: health.problems };
    }
    return { ...health, repaired: false, error: repair.error };
  }

  private deliveryUrl(connection: ConnectionEntity): string {
    return webhookUrl(this.config.PUBLIC_URL, connection.id);
  }
}
