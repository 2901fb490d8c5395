import type { WooWebhook, WooWebhookStatus } from '@connector/contracts';

export interface WebhookStatusView {
  id: number;
  name: string;
  topic: string;
  status: WooWebhookStatus;
}

/**
 * Why a topic is not delivered as it should be. `disabled` (WooCommerce's own doing after failed
 * deliveries) and `old-secret` (a rotation that never reached the store: its deliveries fail once
 * the old secret's grace period ends) are repaired by the sweep; `paused` and `missing` are a
 * person's doing (WooCommerce never pauses or deletes a webhook itself) and are only reported.
 */
export type WebhookProblemKind = 'missing' | 'paused' | 'disabled' | 'old-secret';

export interface WebhookProblem {
  topic: string;
  /** The webhook's id; absent when no webhook delivers the topic. */
  id?: number;
  status: WooWebhookStatus | 'missing';
  kind: WebhookProblemKind;
  message: string;
}

export interface WebhookHealth {
  deliveryUrl: string;
  healthy: boolean;
  /** The store's webhooks that deliver to this connection's URL. */
  webhooks: WebhookStatusView[];
  problems: WebhookProblem[];
}

/**
 * Judges the store's webhooks for one delivery URL: each subscribed topic needs an active webhook.
 * WooCommerce disables a webhook itself after repeated failed deliveries (specs/woocommerce.md
 * §1.4) and sends nothing for it from then on, so a disabled, paused or missing one is a problem.
 * Given `expectedName` (the name carrying the current secret's fingerprint, see `webhookName`),
 * an active webhook named otherwise signs with an old secret, and is a problem too.
 */
export function assessWebhooks(
  all: readonly WooWebhook[],
  deliveryUrl: string,
  topics: readonly string[],
  expectedName?: (topic: string) => string,
): WebhookHealth {
  const target = sameUrl(deliveryUrl);
  const ours = all.filter((hook) => sameUrl(hook.delivery_url) === target);
  const problems: WebhookProblem[] = [];
  for (const topic of topics) {
    const forTopic = ours.filter((hook) => hook.topic.toLowerCase() === topic);
    const active = forTopic.filter((hook) => hook.status === 'active');
    const paused = forTopic.find((hook) => hook.status === 'paused');
    if (forTopic.length === 0) {
      problems.push({ topic, status: 'missing', kind: 'missing', message: `no webhook delivers ${topic}` });
    } else if (active.length > 0) {
      if (!expectedName || active.some((hook) => hook.name === expectedName(topic))) continue;
      const hook = active[0]!;
      problems.push({ topic, id: hook.id, status: hook.status, kind: 'old-secret', message: `webhook ${hook.id} for ${topic} signs with an old secret` });
    } else if (paused) {
      problems.push({ topic, id: paused.id, status: paused.status, kind: 'paused', message: `webhook ${paused.id} for ${topic} is paused` });
    } else {
      const hook = forTopic[0]!;
      problems.push({ topic, id: hook.id, status: hook.status, kind: 'disabled', message: `webhook ${hook.id} for ${topic} is ${hook.status}` });
    }
  }
  return {
    deliveryUrl,
    healthy: problems.length === 0,
    webhooks: ours.map((hook) => ({ id: hook.id, name: hook.name, topic: hook.topic, status: hook.status })),
    problems,
  };
}

function sameUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
