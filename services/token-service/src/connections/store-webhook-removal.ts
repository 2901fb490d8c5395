import { describeError } from '@connector/common';
import { SUBSCRIBED_TOPICS } from '@connector/contracts';
import type { WooClient } from '@connector/woocommerce';
import { assessWebhooks } from '../reconciliation/webhook-health';

/** What became of the store's webhooks when their connection was deleted, in words for the owner. */
export interface WebhookRemoval {
  removed: number[];
  /** Why some or all could not be removed; they stay in the store (WooCommerce → Settings → Advanced → Webhooks). */
  error?: string;
}

/**
 * Deletes the store's webhooks that deliver to `deliveryUrl`. Left in place, the store keeps
 * posting each order to a connection that is gone until WooCommerce disables them after repeated
 * failures. Best effort: a store that cannot be reached must not keep a connection from being
 * deleted, so failures come back in words, never thrown.
 */
export async function removeStoreWebhooks(client: WooClient, deliveryUrl: string): Promise<WebhookRemoval> {
  const removed: number[] = [];
  try {
    const ours = assessWebhooks(await client.listWebhooks(), deliveryUrl, SUBSCRIBED_TOPICS).webhooks;
    for (const hook of ours) {
      await client.deleteWebhook(hook.id);
      removed.push(hook.id);
    }
    return { removed };
  } catch (error) {
    return { removed, error: `the store's webhooks could not all be removed: ${describeError(error)}; delete those delivering to ${deliveryUrl} in WooCommerce → Settings → Advanced → Webhooks` };
  }
}
