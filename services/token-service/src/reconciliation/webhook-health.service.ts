import { Inject, Injectable } from '@nestjs/common';
import { describeError, Logger } from '@connector/common';
import { SUBSCRIBED_TOPICS } from '@connector/contracts';
import { LOGGER } from '@connector/platform';
import { AuditTrail, ConnectionEntity, ConnectionStore } from '@connector/persistence';
import { webhookName, type WooClient } from '@connector/woocommerce';
import { CAUSES } from '../alerts/alert-conditions';
import { AlertNotifier } from '../alerts/alert-notifier';
import { webhookUrl } from '../connections/connection.view';
import { SERVICE_CONFIG } from '../tokens';
import type { TokenServiceConfig } from '../token-service.config';
import { webhookAttentionText, webhookKeepsDisabledText } from './webhook-alert-texts';
import { assessWebhooks, WebhookHealth, WebhookProblem } from './webhook-health';
import { WebhookReactivations } from './webhook-reactivations';

/** Start of our webhooks' names (as POST /api/connections/:id/webhooks registers them). */
const NAME_PREFIX = 'Connector';
/**
 * Re-activations of one webhook per 24 hours before the sweep stops: WooCommerce does not reset a
 * webhook's failure count when it is re-activated, so one whose deliveries keep failing is disabled
 * again at its next failure, and re-activating it every sweep only hides that.
 */
export const MAX_REACTIVATIONS_PER_DAY = 3;
/** Alert cause of webhooks the sweep stopped re-activating (apart from the episode's own alert). */
const KEEPS_DISABLED = `${CAUSES.webhooks}:keeps-disabled`;

export interface WebhookCheck extends WebhookHealth {
  /** True when problems were found and `ensureWebhooks` repaired the ones the sweep repairs. */
  repaired: boolean;
  /** Why the webhooks could not be read or repaired. */
  error?: string;
}

/** What the sweep does about each problem found. */
interface RepairPlan {
  /** Disabled ones (under the daily cap) and ones signing with an old secret. */
  repair: WebhookProblem[];
  /** Disabled ones re-activated MAX_REACTIVATIONS_PER_DAY times already. */
  keepsDisabled: WebhookProblem[];
  /** Paused and missing ones: a person's doing. */
  leftAlone: WebhookProblem[];
}

/**
 * Keeps the store's webhooks delivering. WooCommerce disables a webhook after repeated failed
 * deliveries and never tells anyone; from then on only the sweep finds changes. Each sweep checks
 * the webhooks for this connection's URL, re-activates a disabled one (at most
 * MAX_REACTIVATIONS_PER_DAY times a day) and re-keys one still signing with an old secret (a
 * rotation that did not reach the store). A paused or missing one is a person's choice (WooCommerce
 * never pauses or deletes a webhook; a restore without `registerWebhooks` leaves them out on
 * purpose): it is reported, not undone. The alert goes out once per episode, which ends only when
 * a later sweep finds every webhook healthy.
 */
@Injectable()
export class WebhookHealthService {
  constructor(
    private readonly connections: ConnectionStore,
    private readonly audit: AuditTrail,
    private readonly alerts: AlertNotifier,
    private readonly reactivations: WebhookReactivations,
    @Inject(SERVICE_CONFIG) private readonly config: TokenServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async status(connection: ConnectionEntity, client: WooClient): Promise<WebhookHealth> {
    const secret = this.connections.webhookSecret(connection);
    return assessWebhooks(await client.listWebhooks(), this.deliveryUrl(connection), SUBSCRIBED_TOPICS, (topic) => webhookName(NAME_PREFIX, topic, secret));
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
      // The episode ends only now: a webhook disabled again right after its repair stays one episode.
      await this.alerts.clear(connection.id, CAUSES.webhooks);
      await this.alerts.clear(connection.id, KEEPS_DISABLED);
      return { ...health, repaired: false };
    }

    const plan = await this.plan(connection, health.problems);
    const repair = await this.repair(connection, client, deliveryUrl, plan.repair);
    await this.record(connection, plan, repair);
    this.logger.warn(
      { connectionId: connection.id, problems: health.problems.map((problem) => problem.message), repaired: repair.ok, err: repair.error },
      'store webhooks were not delivering',
    );
    const messages = (problems: WebhookProblem[]) => problems.map((problem) => problem.message);
    // Re-keying after a rotation that did not reach the store finishes what the operator started
    // (and was told about): it alerts only when it fails.
    const alerted = repair.ok ? plan.repair.filter((problem) => problem.kind === 'disabled') : plan.repair;
    if (alerted.length > 0 || plan.leftAlone.length > 0) {
      await this.alerts.raise(connection, CAUSES.webhooks, () =>
        webhookAttentionText(connection.name, connection.id, { repaired: messages(alerted), error: repair.error, leftAlone: messages(plan.leftAlone) }),
      );
    }
    if (plan.keepsDisabled.length > 0) {
      await this.alerts.raise(connection, KEEPS_DISABLED, () => webhookKeepsDisabledText(connection.name, connection.id, messages(plan.keepsDisabled), MAX_REACTIVATIONS_PER_DAY));
    }
    if (plan.repair.length === 0 || !repair.ok) return { ...health, repaired: false, ...(repair.error ? { error: repair.error } : {}) };

    const after = await this.status(connection, client).catch(() => undefined);
    // The store signs with the current secret once every webhook of ours is named with it.
    const secret = this.connections.webhookSecret(connection);
    if (after && after.webhooks.length > 0 && after.webhooks.every((hook) => hook.name === webhookName(NAME_PREFIX, hook.topic, secret))) {
      await this.connections.storeRekeyed(connection);
    }
    return { ...(after ?? health), repaired: true, problems: health.problems };
  }

  private async plan(connection: ConnectionEntity, problems: readonly WebhookProblem[]): Promise<RepairPlan> {
    const plan: RepairPlan = { repair: [], keepsDisabled: [], leftAlone: [] };
    for (const problem of problems) {
      if (problem.kind === 'paused' || problem.kind === 'missing') plan.leftAlone.push(problem);
      else if (problem.kind === 'disabled' && (await this.reactivations.inLastDay(connection.id, problem.id!)) >= MAX_REACTIVATIONS_PER_DAY) plan.keepsDisabled.push(problem);
      else plan.repair.push(problem);
    }
    return plan;
  }

  private async repair(connection: ConnectionEntity, client: WooClient, deliveryUrl: string, problems: readonly WebhookProblem[]): Promise<{ ok: boolean; error?: string }> {
    if (problems.length === 0) return { ok: true };
    try {
      // Only the topics repaired here: ensureWebhooks would also re-activate a paused webhook.
      await client.ensureWebhooks({ deliveryUrl, secret: this.connections.webhookSecret(connection), topics: problems.map((problem) => problem.topic), namePrefix: NAME_PREFIX });
      return { ok: true };
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }

  private async record(connection: ConnectionEntity, plan: RepairPlan, repair: { ok: boolean; error?: string }): Promise<void> {
    const entry = (problem: WebhookProblem, action: string, outcome: 'ok' | 'failed' | 'skipped', message: string) =>
      this.audit.record({
        connectionId: connection.id,
        service: 'token-service',
        resource: 'webhook',
        resourceId: problem.id ?? null,
        action,
        outcome,
        message,
        detail: { topic: problem.topic, status: problem.status, kind: problem.kind },
      });
    for (const problem of plan.repair) {
      const action = problem.kind === 'old-secret' ? 'rekey-webhook' : 'reactivate-webhook';
      if (repair.ok) await entry(problem, action, 'ok', `${problem.message}; repaired`);
      else await entry(problem, action, 'failed', `${problem.message}; repair failed: ${repair.error}`);
    }
    for (const problem of plan.keepsDisabled) {
      await entry(problem, 'reactivate-webhook', 'skipped', `${problem.message}; not re-activated: re-activated ${MAX_REACTIVATIONS_PER_DAY} times in the last 24 hours`);
    }
    for (const problem of plan.leftAlone) {
      await entry(problem, 'report-webhook', 'skipped', `${problem.message}; left as it is (a person's choice)`);
    }
  }

  private deliveryUrl(connection: ConnectionEntity): string {
    return webhookUrl(this.config.PUBLIC_URL, connection.id);
  }
}
