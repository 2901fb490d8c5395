/**
 * What the gateway announces on `subjects.webhookPinged` when WooCommerce pings a delivery URL (it
 * does when it creates a webhook): proof that the store reached the gateway, which token-service
 * waits for when it registers webhooks. `webhookId` is the ping body's `webhook_id`.
 */
export interface WebhookPingNotice {
  webhookId: number;
}
