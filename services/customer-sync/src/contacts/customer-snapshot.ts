import { canonicalHash, normalizeEmail, ZohoContactPayload } from '@connector/accounting';
import { describeCustomerShapeProblem, WooCustomer } from '@connector/contracts';

/*
 * How a customer delivery is judged before anything is sent to Zoho. WooCommerce sends full
 * snapshots, late and repeated (specs/woocommerce.md §2.2), so a snapshot is compared with the
 * last one applied by its `date_modified_gmt` and by the content it would write.
 */

/** The email a customer is matched by: the account email, else the billing email. */
export function customerEmail(customer: Pick<WooCustomer, 'email' | 'billing'>): string {
  return normalizeEmail(customer.email || customer.billing?.email);
}

/**
 * Why `body` is not a usable customer, or undefined. A missing email is not a shape problem here:
 * such a customer is skipped with its own reason rather than dead-lettered.
 */
export function describeCustomerProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return describeCustomerShapeProblem(body);
  const candidate = body as Record<string, unknown>;
  return describeCustomerShapeProblem(typeof candidate.email === 'string' ? candidate : { ...candidate, email: '' });
}

/** Whether `incoming` was modified strictly before `stored` (equal times are judged by content). */
export function isOlderSnapshot(incoming: string | null | undefined, stored: string | null | undefined): boolean {
  const incomingAt = gmtMillis(incoming);
  const storedAt = gmtMillis(stored);
  return incomingAt !== undefined && storedAt !== undefined && incomingAt < storedAt;
}

/** The latest of several `date_modified_gmt` values (unset and unreadable ones ignored). */
export function latestModified(values: ReadonlyArray<string | null | undefined>): string | null {
  let latest: string | null = null;
  for (const value of values) {
    const at = gmtMillis(value);
    if (at !== undefined && (latest === null || at > gmtMillis(latest)!)) latest = value!;
  }
  return latest;
}

/**
 * A SHA-256 (hex) of the contact a snapshot would write, keys sorted. Hashing the mapped payload
 * rather than the raw customer means a change Zoho never sees (avatar, role, meta data) costs
 * no Zoho call.
 */
export function contactContentHash(payload: ZohoContactPayload): string {
  return canonicalHash(payload);
}

/** WooCommerce `*_gmt` dates carry no zone (`2017-03-21T19:09:30`); they are UTC. */
function gmtMillis(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const millis = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(millis) ? undefined : millis;
}
