import { PermanentError } from '@connector/common';
import { ZohoOrganizationRequiredError } from './errors';
import type { ZohoOrganization } from './types';

/**
 * The organization a connection should use: `preferred` if the user can reach it; otherwise the
 * only one, or the one marked default. Anything else is ambiguous and fails with the choices
 * listed, because writing invoices into the wrong books is worse than asking.
 */
export function chooseOrganization(organizations: ZohoOrganization[], preferred?: string): ZohoOrganization {
  const choices = organizations.map((org) => ({
    organizationId: org.organization_id,
    name: org.name,
    isDefault: org.is_default_org === true,
  }));
  if (preferred) {
    const match = organizations.find((org) => org.organization_id === preferred);
    if (match) return match;
    throw new ZohoOrganizationRequiredError(`Zoho organization ${preferred} is not one this Zoho user can access`, choices);
  }
  if (organizations.length === 0) {
    throw new PermanentError('This Zoho user has no Zoho Books organization; set up Zoho Books for the account first', {
      code: 'no_organization',
    });
  }
  if (organizations.length === 1) return organizations[0]!;
  const defaults = organizations.filter((org) => org.is_default_org === true);
  if (defaults.length === 1) return defaults[0]!;
  throw new ZohoOrganizationRequiredError('This Zoho user belongs to several organizations and none is marked default', choices);
}
