import { localDateTime, utcDateTime } from '../../time/zoned-time';
import { booleanParam, dateParam, enumValue, pageOf, parseCollectionParams, sortBy } from '../collection-query';
import { ORDER_STATUSES } from '../order-builder';
import { orderJson } from '../order-json';
import { phpList, phpScalar } from '../php-query';
import { idParam, param, truthy, type WooRestContext, type WooResult, type WooRoute } from '../rest-context';
import type { FakeOrderPatch } from '../store-inputs';
import { refundJson } from '../refund-json';
import type { OrderRecord, RefundRecord } from '../store-records';
import { ParamErrors, WpRestError, wpList } from '../wp-errors';
import { restBase } from '../wp-format';

/** /wc/v3/orders (specs/woocommerce.md §3.5). */

const invalidOrder = () => new WpRestError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
const STATUS_FILTER_VALUES = ['any', ...ORDER_STATUSES];

function findOrder(ctx: WooRestContext): OrderRecord {
  const order = ctx.state.orders.get(idParam(ctx));
  if (!order) throw invalidOrder();
  return order;
}

function dpParam(ctx: WooRestContext, errors: ParamErrors): number {
  const raw = phpScalar(ctx.query, 'dp');
  if (raw === undefined || raw === '') return ctx.view.decimals;
  if (!/^\d+$/.test(raw)) {
    errors.add('dp', 'dp is not of type integer.');
    return ctx.view.decimals;
  }
  return Number(raw);
}

function list(ctx: WooRestContext): WooResult {
  const errors = new ParamErrors();
  const params = parseCollectionParams(ctx.query, { orderby: ['date', 'id', 'include', 'title', 'slug', 'modified'], defaultOrderby: 'date', defaultOrder: 'desc' }, errors);
  const statuses = phpList(ctx.query, 'status') ?? ['any'];
  statuses.forEach((status, i) => {
    if (!STATUS_FILTER_VALUES.includes(status)) errors.add('status', `status[${i}] is not one of ${wpList(STATUS_FILTER_VALUES)}.`);
  });
  const after = dateParam(errors, ctx.query, 'after');
  const before = dateParam(errors, ctx.query, 'before');
  const modifiedAfter = dateParam(errors, ctx.query, 'modified_after');
  const modifiedBefore = dateParam(errors, ctx.query, 'modified_before');
  const gmt = booleanParam(errors, ctx.query, 'dates_are_gmt') ?? false;
  const customer = phpScalar(ctx.query, 'customer');
  const product = phpScalar(ctx.query, 'product');
  const parents = phpList(ctx.query, 'parent')?.map(Number);
  const dp = dpParam(ctx, errors);
  enumValue(errors, ctx.query, 'context', ['view', 'edit'] as const, 'view');
  errors.throwIfAny();

  // WP_Date_Query compares the wall-clock digits with the local or the GMT column.
  const column = (epochMs: number) => (gmt ? utcDateTime(epochMs) : localDateTime(epochMs, ctx.view.timeZone));
  const search = params.search?.toLowerCase();
  let orders = [...ctx.state.orders.values()].filter((order) => {
    if (statuses.includes('any') ? order.status === 'trash' || order.status === 'auto-draft' : !statuses.includes(order.status)) return false;
    if (after && !(column(order.createdAt) > after)) return false;
    if (before && !(column(order.createdAt) < before)) return false;
    if (modifiedAfter && !(column(order.modifiedAt) > modifiedAfter)) return false;
    if (modifiedBefore && !(column(order.modifiedAt) < modifiedBefore)) return false;
    if (customer !== undefined && customer !== '' && order.customerId !== Number(customer)) return false;
    if (product !== undefined && product !== '' && !order.lineItems.some((l) => l.productId === Number(product) || l.variationId === Number(product))) return false;
    if (parents && !parents.includes(order.parentId)) return false;
    if (params.include && !params.include.includes(order.id)) return false;
    if (params.exclude && params.exclude.includes(order.id)) return false;
    if (search) {
      const haystack = [order.number, order.billing.first_name, order.billing.last_name, order.billing.email, order.billing.company].join(' ').toLowerCase();
      if (!haystack.includes(search)) return false;
    }
    return true;
  });
  const include = params.include ?? [];
  const key =
    params.orderby === 'id'
      ? (o: OrderRecord) => o.id
      : params.orderby === 'include'
        ? (o: OrderRecord) => include.indexOf(o.id)
        : params.orderby === 'modified'
          ? (o: OrderRecord) => o.modifiedAt
          : (o: OrderRecord) => o.createdAt;
  orders = sortBy(orders, key, params.order);
  const page = pageOf(orders, params, `${restBase(ctx.view)}/orders`, ctx.rawQuery);
  return { status: 200, body: page.rows.map((o) => orderJson(ctx.view, o, dp)), headers: page.headers };
}

function get(ctx: WooRestContext): WooResult {
  const errors = new ParamErrors();
  const dp = dpParam(ctx, errors);
  errors.throwIfAny();
  return { status: 200, body: orderJson(ctx.view, findOrder(ctx), dp) };
}

function update(ctx: WooRestContext): WooResult {
  const order = findOrder(ctx);
  const errors = new ParamErrors();
  const patch: FakeOrderPatch = {};
  const status = param(ctx, 'status');
  if (status !== undefined) {
    const allowed = ORDER_STATUSES.filter((s) => s !== 'trash');
    if (typeof status !== 'string' || !(allowed as readonly string[]).includes(status)) errors.add('status', `status is not one of ${wpList([...allowed])}.`);
    else patch.status = status;
  }
  for (const [field, key] of [
    ['customer_note', 'customerNote'],
    ['transaction_id', 'transactionId'],
    ['payment_method', 'paymentMethod'],
    ['payment_method_title', 'paymentMethodTitle'],
  ] as const) {
    const value = param(ctx, field);
    if (value === undefined) continue;
    if (typeof value !== 'string') errors.add(field, `${field} is not of type string.`);
    else patch[key] = value;
  }
  for (const field of ['billing', 'shipping'] as const) {
    const value = param(ctx, field);
    if (value === undefined) continue;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) errors.add(field, `${field} is not of type object.`);
    else patch[field] = value as Record<string, string>;
  }
  const meta = param(ctx, 'meta_data');
  if (meta !== undefined) {
    if (!Array.isArray(meta)) errors.add('meta_data', 'meta_data is not of type array.');
    else patch.metaData = meta.filter((m): m is { key: string; value: unknown } => typeof m === 'object' && m !== null && typeof (m as { key?: unknown }).key === 'string');
  }
  errors.throwIfAny();
  // set_paid runs payment_complete(): processing (completed when nothing needs shipping) and date_paid.
  if (truthy(param(ctx, 'set_paid')) && !['processing', 'completed'].includes(patch.status ?? order.status)) {
    patch.status = order.needsShipping ? 'processing' : 'completed';
  }
  ctx.store.updateOrder(order.id, patch);
  return { status: 200, body: orderJson(ctx.view, order) };
}

function remove(ctx: WooRestContext): WooResult {
  const order = findOrder(ctx);
  const before = orderJson(ctx.view, order);
  if (truthy(param(ctx, 'force'))) {
    ctx.store.deleteOrder(order.id);
    return { status: 200, body: before };
  }
  if (order.status === 'trash') throw new WpRestError(410, 'woocommerce_rest_already_trashed', 'The shop_order has already been deleted.');
  ctx.store.trashOrder(order.id);
  return { status: 200, body: before };
}

/*
 * /orders/{id}/refunds (WC_REST_Order_Refunds_V2_Controller). A refund that does not exist is
 * `woocommerce_rest_shop_order_refund_invalid_id` (CRUD get_item); an existing refund asked for
 * under an order that does not exist is `woocommerce_rest_invalid_order_id`, under another order
 * `woocommerce_rest_invalid_order_refund_id` (prepare_object_for_response).
 */

function findRefund(ctx: WooRestContext): { order: OrderRecord; refund: RefundRecord } {
  const refundId = idParam(ctx, 'refundId');
  let found: RefundRecord | undefined;
  for (const candidate of ctx.state.orders.values()) {
    found = candidate.refunds.find((r) => r.id === refundId);
    if (found) break;
  }
  // wc_get_order() also finds an order by the id: its parent (0) is never the order asked for.
  const isOrderId = ctx.state.orders.has(refundId);
  if (!found && !isOrderId) throw new WpRestError(404, 'woocommerce_rest_shop_order_refund_invalid_id', 'Invalid ID.');
  const order = ctx.state.orders.get(idParam(ctx));
  if (!order) throw new WpRestError(404, 'woocommerce_rest_invalid_order_id', 'Invalid order ID.');
  if (!found || found.orderId !== order.id) throw new WpRestError(404, 'woocommerce_rest_invalid_order_refund_id', 'Invalid order refund ID.');
  return { order, refund: found };
}

function listRefunds(ctx: WooRestContext): WooResult {
  const order = findOrder(ctx);
  const errors = new ParamErrors();
  const params = parseCollectionParams(ctx.query, { orderby: ['date', 'id', 'include', 'title', 'slug', 'modified'], defaultOrderby: 'date', defaultOrder: 'desc' }, errors);
  const dp = dpParam(ctx, errors);
  enumValue(errors, ctx.query, 'context', ['view', 'edit'] as const, 'view');
  errors.throwIfAny();
  const include = params.include ?? [];
  let refunds = order.refunds.filter((r) => (!params.include || params.include.includes(r.id)) && !(params.exclude ?? []).includes(r.id));
  const key = params.orderby === 'id' ? (r: RefundRecord) => r.id : params.orderby === 'include' ? (r: RefundRecord) => include.indexOf(r.id) : (r: RefundRecord) => r.createdAt;
  refunds = sortBy(refunds, key, params.order);
  const page = pageOf(refunds, params, `${restBase(ctx.view)}/orders/${order.id}/refunds`, ctx.rawQuery);
  return { status: 200, body: page.rows.map((r) => refundJson(ctx.view, r, dp)), headers: page.headers };
}

function getRefund(ctx: WooRestContext): WooResult {
  const errors = new ParamErrors();
  const dp = dpParam(ctx, errors);
  errors.throwIfAny();
  return { status: 200, body: refundJson(ctx.view, findRefund(ctx).refund, dp) };
}

/** Refunds cannot be trashed: `force` defaults to true, `force=false` is a 501. Answers the refund as it was. */
function deleteRefund(ctx: WooRestContext): WooResult {
  const { order, refund } = findRefund(ctx);
  const force = param(ctx, 'force');
  if (force !== undefined && !truthy(force)) {
    throw new WpRestError(501, 'woocommerce_rest_trash_not_supported', 'The shop_order_refund does not support trashing.');
  }
  const before = refundJson(ctx.view, refund);
  ctx.store.deleteRefund(order.id, refund.id);
  return { status: 200, body: before };
}

export const orderRoutes: Array<[string[], string, WooRoute]> = [
  [['GET'], '/wc/v3/orders', { action: 'list', handler: list }],
  [['GET'], '/wc/v3/orders/:id', { action: 'view', handler: get }],
  [['PUT', 'PATCH', 'POST'], '/wc/v3/orders/:id', { action: 'edit', handler: update }],
  [['DELETE'], '/wc/v3/orders/:id', { action: 'delete', handler: remove }],
  [['GET'], '/wc/v3/orders/:id/refunds', { action: 'list', handler: listRefunds }],
  [['GET'], '/wc/v3/orders/:id/refunds/:refundId', { action: 'view', handler: getRefund }],
  [['DELETE'], '/wc/v3/orders/:id/refunds/:refundId', { action: 'delete', handler: deleteRefund }],
];

