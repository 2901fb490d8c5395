import type { WooWebhook, WooWebhookStatus } from '@connector/contracts';

export interface WebhookStatusView {
  id: number;
  name: string;
  topic: string;
  status: WooWebhookStatus;
}

export interface WebhookProblem {
  topic: string;
  /** The webhook's id; absent when no webhook delivers the topic. */
  id?: number;
  status: WooWebhookStatus | 'missing';
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
 * §1.4) and sends nothing for it from then on, so a disabled or paused one is as bad as a missing one.
 */
export function assessWebhooks(all: readonly WooWebhook[], deliveryUrl: string, topics: readonly string[]): WebhookHealth {
  const target = sameUrl(deliveryUrl);
  const ours = all.filter((hook) => sameUrl(hook.delivery_url) === target);
  const problems: WebhookProblem[] = [];
  for (const topic of topics) {
    const forTopic = ours.filter((hook) => hook.topic.toLowerCase() === topic);
    if (forTopic.length === 0) {
      problems.push({ topic, status: 'missing', message: `no webhook delivers ${topic}` });
    } else if (!forTopic.some((hook) => hook.status === 'active')) {
      const hook = forTopic[0]!;
      problems.push({ topic, id: hook.id, status: hook.status, message: `webhook ${hook.id} for ${topic} is ${hook.status}` });
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
