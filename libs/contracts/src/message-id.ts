import { createHash } from 'node:crypto';

/**
 * The deterministic JetStream message id of a delivery. WooCommerce's X-WC-Webhook-Delivery-ID
 * changes per attempt, so it cannot deduplicate; the resource's own id and modification time
 * can: two deliveries of the same snapshot of order 727 get the same id and JetStream stores one.
 * Without both (e.g. a `deleted` payload `{"id":N}`), the body hash stands in for the version.
 */
export function deliveryMessageId(input: {
  connectionId: string;
  topic: string;
  resourceId?: string | number | null;
  modifiedGmt?: string | null;
  rawBody: Buffer;
}): string {
  const version = input.modifiedGmt ? input.modifiedGmt : `sha256-${sha256Hex(input.rawBody).slice(0, 32)}`;
  const resource = input.resourceId === undefined || input.resourceId === null ? 'none' : String(input.resourceId);
  return `${input.connectionId}:${input.topic}:${resource}:${version}`;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
