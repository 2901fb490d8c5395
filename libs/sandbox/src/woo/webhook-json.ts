import type { WebhookRecord } from './store-records';
import { splitTopic, topicHooks } from './webhook-topics';
import { gmtDate, links, localDate, restBase, type StoreView } from './wp-format';

/** A webhook as /wc/v3/webhooks returns it. The secret is never returned. */
export function webhookJson(view: StoreView, webhook: WebhookRecord): Record<string, unknown> {
  const base = restBase(view);
  const { resource, event } = splitTopic(webhook.topic);
  return {
    id: webhook.id,
    name: webhook.name,
    status: webhook.status,
    topic: webhook.topic,
    resource,
    event,
    hooks: topicHooks(webhook.topic),
    delivery_url: webhook.deliveryUrl,
    date_created: localDate(view, webhook.createdAt),
    date_created_gmt: gmtDate(webhook.createdAt),
    date_modified: localDate(view, webhook.modifiedAt),
    date_modified_gmt: gmtDate(webhook.modifiedAt),
    _links: links(`${base}/webhooks/${webhook.id}`, `${base}/webhooks`),
  };
}

/** The default name: "Webhook created on Mar 21, 2025 @ 04:05 PM" (PHP date 'M d, Y @ h:i A', UTC). */
export function defaultWebhookName(epochMs: number): string {
  const d = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const hours = d.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `Webhook created on ${months[d.getUTCMonth()]} ${pad(d.getUTCDate())}, ${d.getUTCFullYear()} @ ${pad(h12)}:${pad(d.getUTCMinutes())} ${hours < 12 ? 'AM' : 'PM'}`;
}
