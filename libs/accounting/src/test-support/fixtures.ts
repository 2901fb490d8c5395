import { describeCustomerShapeProblem, describeOrderShapeProblem, type WooCustomer, type WooOrder, type WooProduct, type WooRefund, type WooVariation } from '@connector/contracts';
import customerJson from './fixtures/woocommerce/customer.json';
import orderJson from './fixtures/woocommerce/order.json';
import orderCompletedJson from './fixtures/woocommerce/order-updated-status-completed.json';
import orderWithRefundsJson from './fixtures/woocommerce/order-registered-customer-with-refunds.json';
import orderRefundJson from './fixtures/woocommerce/order-refund.json';
import ordersListJson from './fixtures/woocommerce/orders-list.json';
import productSimpleJson from './fixtures/woocommerce/product-simple.json';
import productVariableJson from './fixtures/woocommerce/product-variable.json';
import productVariationJson from './fixtures/woocommerce/product-variation.json';
import errorNoRouteJson from './fixtures/woocommerce/error-rest-no-route.json';
import errorWooJson from './fixtures/woocommerce/error-woocommerce-rest.json';
import zohoTaxesJson from './fixtures/zoho/taxes-list-response.json';
import zohoItemsJson from './fixtures/zoho/items-list-response.json';
import zohoContactJson from './fixtures/zoho/contact-create-response.json';

/** A fresh deep copy, so a test that mutates a fixture cannot leak into another. */
function copy<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function asOrder(value: unknown): WooOrder {
  const problem = describeOrderShapeProblem(value);
  if (problem) throw new Error(`fixture is not an order: ${problem}`);
  return copy<WooOrder>(value);
}

export const fixtures = {
  /** Order 727: guest, 7.5% state tax (no rate_percent), flat shipping, a variation; total 29.35. */
  order: () => asOrder(orderJson),
  orderCompleted: () => asOrder(orderCompletedJson),
  /** Order 723: registered customer 26, untaxed, refunds -10.00 and -9.00; total 39.00. */
  orderWithRefunds: () => asOrder(orderWithRefundsJson),
  /** Refund 726 of order 723: 10.00 by amount, no lines, no reason (the old payload without shipping/fee/tax lines). */
  orderRefund: () => copy<WooRefund>(orderRefundJson),
  ordersList: () => copy<unknown[]>(ordersListJson),
  customer: (): WooCustomer => {
    const problem = describeCustomerShapeProblem(customerJson);
    if (problem) throw new Error(`fixture is not a customer: ${problem}`);
    return copy<WooCustomer>(customerJson);
  },
  productSimple: () => copy<WooProduct>(productSimpleJson),
  productVariable: () => copy<WooProduct>(productVariableJson),
  productVariation: () => copy<WooVariation>(productVariationJson),
  errorNoRoute: () => copy<unknown>(errorNoRouteJson),
  errorWoo: () => copy<unknown>(errorWooJson),
  zohoTaxes: () => copy<typeof zohoTaxesJson>(zohoTaxesJson),
  zohoItems: () => copy<typeof zohoItemsJson>(zohoItemsJson),
  zohoContact: () => copy<typeof zohoContactJson>(zohoContactJson),
};
