import type { WooFeeLine, WooLineItem, WooShippingLine, WooTaxLine } from './order';
import type { WooMetaData } from './meta-data';

/*
 * A full refund object: GET /wc/v3/orders/{id}/refunds[/{refund_id}] (the order itself carries
 * only `refunds[{id, reason, total}]`).
 *
 * WooCommerce stores a refund as a negative order: every amount and quantity on its lines is
 * negative (`"-10.00"`, quantity `-1`), while `amount` is positive. A refund made by amount only
 * (the admin's "refund amount" box, or the API without lines) has no lines at all; a line
 * refunded by amount without a quantity has quantity 0. `amount` takes precedence over the
 * lines: it need not equal their sum.
 */
export interface WooRefundLineItem extends WooLineItem {
  /** The refunded amount of the line excluding tax, as a positive JSON number (newer WooCommerce). */
  refund_total?: number;
}

export interface WooRefund {
  id: number;
  /** Site-local time, no zone. */
  date_created: string;
  date_created_gmt: string;
  /** Positive decimal string, e.g. `"10.00"`. */
  amount: string;
  reason: string;
  refunded_by: number;
  /** True when the payment gateway's API returned the money. */
  refunded_payment: boolean;
  meta_data: WooMetaData[];
  /** `meta_data` of each line holds `_refunded_item_id`: the id of the order line it refunds. */
  line_items: WooRefundLineItem[];
  /** Absent in older WooCommerce. */
  shipping_lines?: WooShippingLine[];
  tax_lines?: WooTaxLine[];
  fee_lines?: WooFeeLine[];
}

/** The meta key on a refund line naming the order line it refunds. */
export const REFUNDED_ITEM_META_KEY = '_refunded_item_id';
