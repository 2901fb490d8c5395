/*
 * The WooCommerce version a fake store claims, and what depends on it. The version shows in
 * every order's `version` field and in the webhook User-Agent, so behaviour that changed between
 * versions follows it too: a store never claims one version and behaves like another.
 */

/**
 * A current release by default, as in the spec's captured real delivery
 * (`WooCommerce/11.3.0-dev`, specs/woocommerce.md §1.1).
 */
export const DEFAULT_WOO_VERSION = '11.3.0';

/** `order.updated` listens to `woocommerce_delete_order_refund` only since WooCommerce 11.2 (specs/woocommerce.md §2.1). */
export const REFUND_DELETION_WEBHOOK_SINCE = '11.2.0';

/**
 * wc_create_refund() saves the parent order with a new date_modified only since WooCommerce 7.6
 * (PR #37047, merged 2023-03; the release is inferred from the merge date). Before, a partial
 * refund left the order's date_modified as it was (issue #28969: "Partial refund does not update
 * order post"), so `modified_after` never lists it; a full refund always moved it (the order's
 * status changes to `refunded`, which saves the order).
 */
export const REFUND_TOUCHES_ORDER_SINCE = '7.6.0';

const VERSION = /^\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]+)?$/;

/** WC_VERSION's shape (`9.9.0`, `11.3.0-dev`): anything else would silently compare as 0.0.0. */
export function assertWooVersion(version: string): void {
  if (!VERSION.test(version)) throw new Error(`wooVersion "${version}" is not a WooCommerce version such as 9.9.0 or 11.3.0-dev`);
}

/**
 * Whether `version` is `minimum` or later, comparing major.minor.patch. A pre-release counts as
 * its release (`11.2.0-dev` ≥ `11.2.0`): dev builds carry the features of the version they lead to.
 */
export function wooVersionAtLeast(version: string, minimum: string): boolean {
  const parts = (text: string) => text.split(/[-+]/)[0]!.split('.').map(Number);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
