/*
 * Webhook topics (specs/woocommerce.md §2.1): resources coupon/customer/order/product × events
 * created/updated/deleted/restored, except customer.restored; product.published; and custom
 * `action.woocommerce_*` / `action.wc_*` topics. The hooks listed are what the REST API shows.
 */
const HOOKS: Record<string, string[]> = {
  'order.created': ['woocommerce_new_order'],
  'order.updated': ['woocommerce_update_order', 'woocommerce_order_refunded', 'woocommerce_delete_order_refund'],
  'order.deleted': ['wp_trash_post', 'woocommerce_trash_order'],
  'order.restored': ['untrashed_post', 'woocommerce_untrash_order'],
  'customer.created': ['user_register', 'woocommerce_created_customer', 'woocommerce_new_customer'],
  'customer.updated': ['profile_update', 'woocommerce_update_customer'],
  'customer.deleted': ['delete_user'],
  'product.created': ['woocommerce_process_product_meta', 'woocommerce_new_product', 'woocommerce_new_product_variation'],
  'product.updated': ['woocommerce_process_product_meta', 'woocommerce_update_product', 'woocommerce_update_product_variation'],
  'product.deleted': ['wp_trash_post'],
  'product.restored': ['untrashed_post'],
  'product.published': ['woocommerce_product_published'],
  'coupon.created': ['woocommerce_process_shop_coupon_meta', 'woocommerce_new_coupon'],
  'coupon.updated': ['woocommerce_process_shop_coupon_meta', 'woocommerce_update_coupon'],
  'coupon.deleted': ['wp_trash_post'],
  'coupon.restored': ['untrashed_post'],
};

const BLOCKED_ACTIONS = new Set(['action.woocommerce_deliver_webhook_async', 'action.woocommerce_webhook_process_delivery']);

export function isValidTopic(topic: string): boolean {
  if (topic in HOOKS) return true;
  if (BLOCKED_ACTIONS.has(topic)) return false;
  return /^action\.(woocommerce_|wc_)[a-z0-9_]+$/.test(topic);
}

export function topicHooks(topic: string): string[] {
  if (topic.startsWith('action.')) return [topic.slice('action.'.length)];
  return [...(HOOKS[topic] ?? [])];
}

export function splitTopic(topic: string): { resource: string; event: string } {
  const dot = topic.indexOf('.');
  return { resource: topic.slice(0, dot), event: topic.slice(dot + 1) };
}
