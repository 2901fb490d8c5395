import { Decimal } from '../decimal/decimal';
import { REFUNDED_ITEM_META_KEY } from './order-refunds';
import { PhpFloat } from './php-json';
import type { RefundRecord, RefundTaxRecord } from './store-records';
import { gmtDate, links, localDate, money, rawAmount, restBase, type StoreView } from './wp-format';

/*
 * GET /wc/v3/orders/{id}/refunds[/{refund_id}] (WC_REST_Order_Refunds_V2_Controller
 * get_formatted_item_data): a refund is a negative order, so every line keeps the order line's
 * shape (get_order_item_data) with negative amounts and quantity, per-rate taxes as raw strings
 * (`"-2.38"`), and a `_refunded_item_id` meta naming the order line; `amount` is positive.
 * `price` is PHP's `total / quantity` (so positive for a refund of units, 0 without a quantity).
 */

function refundTaxesJson(taxes: readonly RefundTaxRecord[], withSubtotal: boolean): Array<{ id: number; total: string; subtotal: string }> {
  return taxes.map((t) => ({ id: t.id, total: rawAmount(t.total.neg()), subtotal: withSubtotal ? rawAmount(t.total.neg()) : '' }));
}

function refundedItemMeta(metaId: number, orderLineId: number): Array<Record<string, unknown>> {
  const value = String(orderLineId);
  return [{ id: metaId, key: REFUNDED_ITEM_META_KEY, value, display_key: REFUNDED_ITEM_META_KEY, display_value: value }];
}

/** `$item->get_quantity() ? $item->get_total() / $item->get_quantity() : 0` on the stored negative values. */
function refundUnitPrice(total: Decimal, quantity: number): number {
  if (quantity === 0) return 0;
  const units = BigInt(quantity);
  const normalized = total.normalized();
  if (normalized.isInteger() && normalized.units % units === 0n) return Number(normalized.units / units);
  return Number(total.toString()) / quantity;
}

function taxTotal(taxes: readonly RefundTaxRecord[]): Decimal {
  return Decimal.sum(taxes.map((t) => t.total));
}

export function refundJson(view: StoreView, refund: RefundRecord, dp = view.decimals): Record<string, unknown> {
  const base = restBase(view);
  const negative = (value: Decimal) => money(value.neg(), dp);
  return {
    id: refund.id,
    date_created: localDate(view, refund.createdAt),
    date_created_gmt: gmtDate(refund.createdAt),
    amount: money(refund.amount, dp),
    reason: refund.reason,
    refunded_by: refund.refundedBy,
    refunded_payment: refund.refundedPayment,
    meta_data: [],
    line_items: refund.lineItems.map((line) => {
      const totalTax = taxTotal(line.taxes);
      const quantity = line.quantity === 0 ? 0 : -line.quantity;
      return {
        id: line.id,
        name: line.source.name,
        product_id: line.source.productId,
        variation_id: line.source.variationId,
        quantity,
        tax_class: line.source.taxClass,
        subtotal: negative(line.total),
        subtotal_tax: negative(totalTax),
        total: negative(line.total),
        total_tax: negative(totalTax),
        taxes: refundTaxesJson(line.taxes, true),
        meta_data: refundedItemMeta(line.metaId, line.source.id),
        sku: line.source.sku,
        price: refundUnitPrice(line.total.neg(), quantity),
        image: { ...line.source.image },
        parent_name: line.source.parentName,
        refund_total: line.total.toNumber(),
      };
    }),
    shipping_lines: refund.shippingLines.map((line) => ({
      id: line.id,
      method_title: line.source.methodTitle,
      method_id: line.source.methodId,
      instance_id: line.source.instanceId,
      total: negative(line.total),
      total_tax: negative(taxTotal(line.taxes)),
      taxes: refundTaxesJson(line.taxes, false),
      meta_data: refundedItemMeta(line.metaId, line.source.id),
    })),
    tax_lines: refund.taxLines.map((tax) => ({
      id: tax.id,
      rate_code: tax.rateCode,
      rate_id: tax.rateId,
      label: tax.label,
      compound: tax.compound,
      tax_total: negative(tax.taxTotal),
      shipping_tax_total: negative(tax.shippingTaxTotal),
      rate_percent: new PhpFloat(tax.ratePercent.toNumber()),
      meta_data: [],
    })),
    fee_lines: refund.feeLines.map((line) => ({
      id: line.id,
      name: line.source.name,
      tax_class: line.source.taxClass,
      tax_status: line.source.taxStatus,
      // The fee's `amount` (as entered) is copied from the order line unchanged.
      amount: rawAmount(line.source.amount),
      total: negative(line.total),
      total_tax: negative(taxTotal(line.taxes)),
      taxes: refundTaxesJson(line.taxes, false),
      meta_data: refundedItemMeta(line.metaId, line.source.id),
    })),
    _links: links(`${base}/orders/${refund.orderId}/refunds/${refund.id}`, `${base}/orders/${refund.orderId}/refunds`, {
      up: `${base}/orders/${refund.orderId}`,
    }),
  };
}
