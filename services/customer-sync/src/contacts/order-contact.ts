import { contactFromOrderBilling, ZohoContactPayload } from '@connector/accounting';
import type { EnsureContactRequest, WooOrder } from '@connector/contracts';

/**
 * The contact for an order's customer, from its billing and shipping details (how guests are
 * known). `contactFromOrderBilling` reads only these parts of an order; the email is the
 * normalized one the contact is matched by.
 */
export function newContactFromOrder(request: EnsureContactRequest, email: string): ZohoContactPayload {
  const orderView: Pick<WooOrder, 'id' | 'number' | 'billing' | 'shipping'> = {
    id: 0,
    number: '',
    billing: { ...request.billing, email },
    shipping: request.shipping ?? emptyAddress(),
  };
  return contactFromOrderBilling(orderView as WooOrder);
}

function emptyAddress(): WooOrder['shipping'] {
  return { first_name: '', last_name: '', company: '', address_1: '', address_2: '', city: '', state: '', postcode: '', country: '' };
}
