import { createHmac } from 'node:crypto';
import type { WooWebhook, WooWebhookStatus } from '@connector/contracts';

/** Fields a webhook is created or updated with (POST/PUT /webhooks). */
export interface WooWebhookInput {
  name?: string;
  topic?: string;
  delivery_url?: string;
  secret?: string;
  status?: WooWebhookStatus;
}

/** The webhook calls `ensureWebhooks` needs; WooClient provides them. */
export interface WebhookApi {
  listWebhooks(): Promise<WooWebhook[]>;
  createWebhook(input: WooWebhookInput & { topic: string; delivery_url: string }): Promise<WooWebhook>;
  updateWebhook(id: number, input: WooWebhookInput): Promise<WooWebhook>;
  deleteWebhook(id: number): Promise<WooWebhook>;
}

export interface EnsureWebhooksOptions {
  deliveryUrl: string;
  secret: string;
  /** e.g. `order.created`, `order.updated`, `customer.updated`. */
  topics: readonly string[];
  /** Start of each webhook's name, so people can tell ours apart in WooCommerce → Settings → Advanced. */
  namePrefix: string;
}

export type EnsuredWebhookAction = 'created' | 'updated' | 'unchanged' | 'reactivated';

export interface EnsuredWebhook {
  topic: string;
  id: number;
  status: WooWebhookStatus;
  action: EnsuredWebhookAction;
  /** Other webhooks with the same topic and delivery URL, deleted because each would deliver twice. */
  removedDuplicateIds?: number[];
}

/**
 * Makes the store deliver each topic to `deliveryUrl`, signed with `secret`; safe to run again.
 *
 * WooCommerce never returns a webhook's secret, so "is the secret current?" cannot be asked of
 * the store. Instead each webhook's name ends in a short fingerprint of the secret it was given
 * (an HMAC keyed by the secret; it reveals nothing a store admin cannot already see in the
 * webhook screen). A webhook whose name carries the current fingerprint and that is active is
 * left alone; otherwise it gets the secret (and name) again, and is set active when WooCommerce
 * paused or disabled it after failed deliveries.
 */
export async function ensureWebhooks(api: WebhookApi, options: EnsureWebhooksOptions): Promise<EnsuredWebhook[]> {
  const existing = await api.listWebhooks();
  const target = sameUrl(options.deliveryUrl);
  const results: EnsuredWebhook[] = [];

  for (const rawTopic of options.topics) {
    const topic = rawTopic.trim().toLowerCase();
    const name = webhookName(options.namePrefix, topic, options.secret);
    const matches = existing.filter((hook) => hook.topic.toLowerCase() === topic && sameUrl(hook.delivery_url) === target);

    if (matches.length === 0) {
      const created = await api.createWebhook({ name, topic, delivery_url: options.deliveryUrl, secret: options.secret, status: 'active' });
      results.push({ topic, id: created.id, status: created.status, action: 'created' });
      continue;
    }

    const [keep, ...duplicates] = rankForKeeping(matches, name);
    const removedDuplicateIds: number[] = [];
    for (const duplicate of duplicates) {
      await api.deleteWebhook(duplicate.id);
      removedDuplicateIds.push(duplicate.id);
    }
    const extra = removedDuplicateIds.length > 0 ? { removedDuplicateIds } : {};

    if (keep!.status !== 'active') {
      const updated = await api.updateWebhook(keep!.id, { name, secret: options.secret, status: 'active' });
      results.push({ topic, id: updated.id, status: updated.status, action: 'reactivated', ...extra });
    } else if (keep!.name !== name) {
      const updated = await api.updateWebhook(keep!.id, { name, secret: options.secret });
      results.push({ topic, id: updated.id, status: updated.status, action: 'updated', ...extra });
    } else {
      results.push({ topic, id: keep!.id, status: keep!.status, action: 'unchanged', ...extra });
    }
  }
  return results;
}

/** `<prefix> <topic> [<fingerprint>]` */
export function webhookName(namePrefix: string, topic: string, secret: string): string {
  return `${namePrefix.trim()} ${topic} [${secretFingerprint(secret)}]`;
}

/** 8 hex digits identifying a secret without revealing it. */
export function secretFingerprint(secret: string): string {
  return createHmac('sha256', secret).update('connector webhook secret fingerprint').digest('hex').slice(0, 8);
}

/** The webhook to keep first: ours with the current secret, then any active one, then the oldest. */
function rankForKeeping(matches: WooWebhook[], expectedName: string): WooWebhook[] {
  const score = (hook: WooWebhook) => (hook.name === expectedName ? 2 : 0) + (hook.status === 'active' ? 1 : 0);
  return [...matches].sort((a, b) => score(b) - score(a) || a.id - b.id);
}

function sameUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
