/**
 * A `meta_data` entry as WooCommerce REST v3 returns it. `value` is whatever a plugin stored
 * (string, number, array, object), so it stays `unknown` until a reader checks it.
 * `display_key` / `display_value` exist on order line items in newer WooCommerce only.
 */
export interface WooMetaData {
  id: number;
  key: string;
  value: unknown;
  display_key?: string;
  display_value?: unknown;
}
