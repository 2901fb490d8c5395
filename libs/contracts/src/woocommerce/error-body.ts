/**
 * The error object of the WordPress / WooCommerce REST API, e.g.
 * `{"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":404}}`.
 * A webhook delivery carries this instead of the resource when WooCommerce's internal GET failed.
 */
export interface WooErrorBody {
  code: string;
  message: string;
  data?: { status?: number; params?: Record<string, string>; details?: unknown; [key: string]: unknown };
}
