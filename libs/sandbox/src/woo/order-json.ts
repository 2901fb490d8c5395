import { Decimal } from '../decimal/decimal';
import { PhpFloat } from './php-json';
import type { MetaRecord, OrderRecord, RawTaxRecord, RefundRecord } from './store-records';
import { gmtDate, links, localDate, money, rawAmount, restBase, type StoreView } from './wp-format';

/*
 * GET /wc/v3/orders/{id} (and the body of order webhooks). Key order follows WooCommerce's
 * get_formatted_item_data (specs/woocommerce.md §1.3): the WC_Order data, then number, meta and
 * the item lists, then the computed flags, then the `*_gmt` dates, then `_links`.
 */

const PAYABLE_STATUSES = new Set(['pending', 'failed']);
const EDITABLE_STATUSES = new Set(['pending', 'on-hold', 'auto-draft']);

export function metaJson(meta: readonly MetaRecord[]): Array<Record<string, unknown>> {
  return meta.map((m) => {
    const entry: Record<string, unknown> = { id: m.id, key: m.key, value: m.value };
    if (m.display_key !== undefined) {
      entry.display_key = m.display_key;
      entry.display_value = m.display_value;
    }
    return entry;
  });
}

function taxesJson(taxes: readonly RawTaxRecord[]): Array<{ id: number; total: string; subtotal: string }> {
  return taxes.map((t) => ({ id: t.id, total: rawAmount(t.total), subtotal: t.subtotal === undefined ? '' : rawAmount(t.subtotal) }));
}

/**
 * `price` is PHP's `total / quantity` on the stored (trimmed) total: an integer when it divides
 * evenly, otherwise a float, and JavaScript's division gives the same double.
 */
function unitPrice(total: Decimal, quantity: number): number {
  const q = Math.max(1, quantity);
  if (total.isInteger() && total.normalized().units % BigInt(q) === 0n) return Number(total.normalized().units / BigInt(q));
  return Number(total.toString()) / q;
}

export function refundSummaryJson(refund: RefundRecord, dp: number): Record<string, unknown> {
  return { id: refund.id, reason: refund.reason, total: money(refund.amount.neg(), dp) };
}

export function orderJson(view: StoreView, order: OrderRecord, dp = view.decimals): Record<string, unknown> {
  const base = restBase(view);
  const extraLinks: Record<string, string> = {};
  if (order.customerId !== 0) extraLinks.customer = `${base}/customers/${order.customerId}`;
  if (order.parentId !== 0) extraLinks.up = `${base}/orders/${order.parentId}`;
  const refunded = Decimal.sum(order.refunds.map((r) => r.amount));
  return {
    id: order.id,
    parent_id: order.parentId,
    status: order.status,
    currency: order.currency,
    version: order.version,
    prices_include_tax: order.pricesIncludeTax,
    date_created: localDate(view, order.createdAt),
    date_modified: localDate(view, order.modifiedAt),
    discount_total: money(order.discountTotal, dp),
    discount_tax: money(order.discountTax, dp),
    shipping_total: money(order.shippingTotal, dp),
    shipping_tax: money(order.shippingTax, dp),
    cart_tax: money(order.cartTax, dp),
    total: money(order.total, dp),
    total_tax: money(order.totalTax, dp),
    customer_id: order.customerId,
    order_key: order.orderKey,
    billing: { ...order.billing },
    shipping: { ...order.shipping },
    payment_method: order.paymentMethod,
    payment_method_title: order.paymentMethodTitle,
    transaction_id: order.transactionId,
    customer_ip_address: order.customerIpAddress,
    customer_user_agent: order.customerUserAgent,
    created_via: order.createdVia,
    customer_note: order.customerNote,
    date_completed: localDate(view, order.completedAt),
    date_paid: localDate(view, order.paidAt),
    cart_hash: order.cartHash,
    number: order.number,
    meta_data: metaJson(order.meta),
    line_items: order.lineItems.map((line) => ({
      id: line.id,
      name: line.name,
      product_id: line.productId,
      variation_id: line.variationId,
      quantity: line.quantity,
      tax_class: line.taxClass,
      subtotal: money(line.subtotal, dp),
      subtotal_tax: money(line.subtotalTax, dp),
      total: money(line.total, dp),
      total_tax: money(line.totalTax, dp),
      taxes: taxesJson(line.taxes),
      meta_data: metaJson(line.meta),
      sku: line.sku,
      price: unitPrice(line.total, line.quantity),
      image: { ...line.image },
      parent_name: line.parentName,
    })),
    tax_lines: order.taxLines.map((tax) => ({
      id: tax.id,
      rate_code: tax.rateCode,
      rate_id: tax.rateId,
      label: tax.label,
      compound: tax.compound,
      tax_total: money(tax.taxTotal, dp),
      shipping_tax_total: money(tax.shippingTaxTotal, dp),
      rate_percent: new PhpFloat(tax.ratePercent.toNumber()),
      meta_data: [],
    })),
    shipping_lines: order.shippingLines.map((line) => ({
      id: line.id,
      method_title: line.methodTitle,
      method_id: line.methodId,
      instance_id: line.instanceId,
      total: money(line.total, dp),
      total_tax: money(line.totalTax, dp),
      taxes: taxesJson(line.taxes),
      meta_data: metaJson(line.meta),
    })),
    fee_lines: order.feeLines.map((fee) => ({
      id: fee.id,
      name: fee.name,
      tax_class: fee.taxClass,
      tax_status: fee.taxStatus,
      amount: rawAmount(fee.amount),
      total: money(fee.total, dp),
      total_tax: money(fee.totalTax, dp),
      taxes: taxesJson(fee.taxes),
      meta_data: [],
    })),
    coupon_lines: order.couponLines.map((coupon) => ({
      id: coupon.id,
      code: coupon.code,
      discount: money(coupon.discount, dp),
      discount_tax: money(coupon.discountTax, dp),
      discount_type: coupon.discountType,
      nominal_amount: new PhpFloat(coupon.nominalAmount.toNumber()),
      free_shipping: coupon.freeShipping,
      meta_data: [],
    })),
    refunds: order.refunds.map((r) => refundSummaryJson(r, dp)),
    payment_url: `${view.siteUrl}/checkout/order-pay/${order.id}/?pay_for_order=true&key=${order.orderKey}`,
    is_editable: EDITABLE_STATUSES.has(order.status),
    needs_payment: PAYABLE_STATUSES.has(order.status) && order.total.sub(refunded).sign() > 0,
    needs_processing: order.needsShipping,
    date_created_gmt: gmtDate(order.createdAt),
    date_modified_gmt: gmtDate(order.modifiedAt),
    date_completed_gmt: gmtDate(order.completedAt),
    date_paid_gmt: gmtDate(order.paidAt),
    currency_symbol: view.currencySymbol,
    _links: links(`${base}/orders/${order.id}`, `${base}/orders`, extraLinks),
  };
}
