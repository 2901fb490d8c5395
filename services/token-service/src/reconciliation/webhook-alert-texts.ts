import { webhookProblemsText } from '../alerts/alert-texts';

/*
 * The words of the sweep's webhook alerts. The shared alert texts (alerts/alert-texts.ts) say what
 * a repair did; these add what the sweep leaves to people.
 */

export interface WebhookRepairOutcome {
  /** Problems the sweep repaired, or tried to (`error` when it failed). */
  repaired: readonly string[];
  error?: string;
  /** Paused or missing webhooks: a person's doing, left alone. */
  leftAlone: readonly string[];
}

export function webhookAttentionText(connectionName: string, connectionId: string, outcome: WebhookRepairOutcome): string {
  const leftAlone =
    outcome.leftAlone.length === 0
      ? ''
      : `${outcome.leftAlone.join('; ')}. Connector leaves paused webhooks and deleted ones as they are; ` +
        `set them active in WooCommerce → Settings → Advanced → Webhooks, or POST /api/connections/${connectionId}/webhooks registers them again. ` +
        'Until then the reconciliation sweep fetches what changed.';
  if (outcome.repaired.length === 0) return `Connector — ${connectionName}: the store does not deliver every webhook: ${leftAlone}`;
  const repaired = webhookProblemsText(connectionName, outcome.repaired, { ok: !outcome.error, error: outcome.error });
  return leftAlone ? `${repaired} Also: ${leftAlone}` : repaired;
}

export function webhookKeepsDisabledText(connectionName: string, connectionId: string, problems: readonly string[], reactivationsPerDay: number): string {
  return (
    `Connector — ${connectionName}: WooCommerce keeps disabling webhooks (${problems.join('; ')}): each was re-activated ${reactivationsPerDay} times in the last 24 hours ` +
    'and disabled again after failed deliveries. Connector stops re-activating them for now and the reconciliation sweep fetches what changed; ' +
    `check that the store can reach Connector's webhook URL, then POST /api/connections/${connectionId}/webhooks.`
  );
}
