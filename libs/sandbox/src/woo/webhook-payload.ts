import { customerJson } from './customer-json';
import { orderJson } from './order-json';
import type { ProductRecord } from './store-records';
import type { WooStoreState } from './store-state';

/**
 * A webhook body as WC_Webhook::build_payload makes it, at delivery time: `{"id":N}` for
 * `deleted`, `{action, arg}` for action topics, otherwise the current GET /wc/v3/<resource>s/<id>
 * representation, or the REST error that GET would return when the resource is gone.
 */
export function webhookPayload(state: WooStoreState, topic: string, resourceId: number, productView: (product: ProductRecord) => unknown): unknown {
  const [resource, event] = topic.split('.');
  if (event === 'deleted') return { id: resourceId };
  if (resource === 'action') return { action: topic.slice('action.'.length), arg: resourceId };
  const view = state.view();
  switch (resource) {
    case 'order': {
      const order = state.orders.get(resourceId);
      return order ? orderJson(view, order) : { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } };
    }
    case 'customer': {
      const customer = state.customers.get(resourceId);
      return customer ? customerJson(view, customer) : { code: 'woocommerce_rest_invalid_id', message: 'Invalid resource ID.', data: { status: 404 } };
    }
    case 'product': {
      const product = state.products.get(resourceId);
      return product ? productView(product) : { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 404 } };
    }
    default:
      return { code: 'woocommerce_rest_invalid_id', message: 'Invalid ID.', data: { status: 404 } };
  }
}
