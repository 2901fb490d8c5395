import { describeError } from '@connector/common';
import { ZohoBooksClient } from './books-client';
import { chooseOrganization } from './organization-choice';
import type { ZohoSession } from './session';

export interface PingZohoOptions {
  session: ZohoSession;
  /** The organization the connection is set to; without one, the organization that would be chosen. */
  organizationId?: string;
  timeoutMs?: number;
  allowPrivate?: boolean;
}

export type ZohoPingResult =
  | { ok: true; organization: { id: string; name: string; currencyCode: string } }
  | { ok: false; error: string };

/**
 * Checks that the connection's token works and reaches its organization. Never throws: a failure
 * comes back as Zoho's own words (or the network problem), for a person to read.
 */
export async function pingZoho(options: PingZohoOptions): Promise<ZohoPingResult> {
  const books = new ZohoBooksClient({ session: options.session, timeoutMs: options.timeoutMs, allowPrivate: options.allowPrivate });
  try {
    const organization = chooseOrganization(await books.listOrganizations(), options.organizationId);
    return {
      ok: true,
      organization: { id: organization.organization_id, name: organization.name, currencyCode: organization.currency_code },
    };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}
