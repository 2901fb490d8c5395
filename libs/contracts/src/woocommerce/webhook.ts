/** Webhook statuses; `disabled` is what WooCommerce sets itself after repeated failed deliveries. */
export type WooWebhookStatus = 'active' | 'paused' | 'disabled';

/** A webhook as `/wc/v3/webhooks` returns it. The secret is never returned. */
export interface WooWebhook {
  id: number;
  name: string;
  status: WooWebhookStatus;
  /** `<resource>.<event>`, e.g. `order.updated`, or `action.<hook>`. */
  topic: string;
  resource: string;
  event: string;
  hooks: string[];
  delivery_url: string;
  date_created: string;
  date_created_gmt: string;
  date_modified: string | null;
  date_modified_gmt: string | null;
}
