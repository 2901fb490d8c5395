import { createHash } from 'node:crypto';
import { metaJson } from './order-json';
import type { CustomerRecord } from './store-records';
import { gmtDate, links, localDate, restBase, type StoreView } from './wp-format';

/** GET /wc/v3/customers/{id} (and the body of customer webhooks). */
export function customerJson(view: StoreView, customer: CustomerRecord): Record<string, unknown> {
  const base = restBase(view);
  const hash = createHash('md5').update(customer.email.trim().toLowerCase()).digest('hex');
  return {
    id: customer.id,
    date_created: localDate(view, customer.createdAt),
    date_created_gmt: gmtDate(customer.createdAt),
    date_modified: localDate(view, customer.modifiedAt),
    date_modified_gmt: gmtDate(customer.modifiedAt),
    email: customer.email,
    first_name: customer.firstName,
    last_name: customer.lastName,
    role: customer.role,
    username: customer.username,
    billing: { ...customer.billing },
    shipping: { ...customer.shipping },
    is_paying_customer: customer.isPayingCustomer,
    avatar_url: `https://secure.gravatar.com/avatar/${hash}?s=96&d=mm&r=g`,
    meta_data: metaJson(customer.meta),
    _links: links(`${base}/customers/${customer.id}`, `${base}/customers`),
  };
}
