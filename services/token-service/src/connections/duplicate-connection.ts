import type { ConnectionEntity } from '@connector/persistence';

/**
 * What identifies a store across the ways its address is written. normalizeStoreUrl already makes
 * the host lower-case and drops a trailing slash, a query and WordPress's own path; on top of
 * that http and https, and the host with or without `www.`, are the same WordPress site (it
 * redirects one to the other). The port and the sub-directory stay: two sites can differ by them.
 */
export function storeIdentity(normalizedStoreUrl: string): string {
  const url = new URL(normalizedStoreUrl);
  const host = url.host.replace(/^www\./, '');
  return `${host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The connections (live first, then deleted) that already book `storeUrl` into `organizationId`.
 * Each keeps the order records that stop an order being invoiced twice; a second connection would
 * have none. Only a known organization counts: one not given at creation is resolved from Zoho
 * later, and two stores on one organization (or one store on two) are allowed.
 */
export function connectionsBookingTheSame(all: readonly ConnectionEntity[], storeUrl: string, organizationId: string | null | undefined): ConnectionEntity[] {
  if (!organizationId) return [];
  const store = storeIdentity(storeUrl);
  const same = all.filter((c) => c.zohoOrganizationId === organizationId && storeIdentity(c.storeUrl) === store);
  return [...same.filter((c) => !c.deletedAt), ...same.filter((c) => c.deletedAt)];
}

/** The 409 message for a connection that would duplicate `existing`. */
export function duplicateMessage(existing: ConnectionEntity, organizationId: string): string {
  const what = `${existing.storeUrl} is already connected to Zoho organization ${organizationId}`;
  if (!existing.deletedAt) {
    return `${what} by connection ${existing.id} ("${existing.name}"); a second connection would invoice its orders again. Change that one instead (PUT …/woocommerce, PUT …/zoho, PATCH …/settings)`;
  }
  return (
    `${what} by connection ${existing.id} ("${existing.name}"), deleted ${existing.deletedAt.toISOString()}; it keeps the records of the orders it booked, ` +
    `which a new connection would book again. Restore it instead: POST /api/connections/${existing.id}/restore (?registerWebhooks=true to register the store's webhooks again)`
  );
}
