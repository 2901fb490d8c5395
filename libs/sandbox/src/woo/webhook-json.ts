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
