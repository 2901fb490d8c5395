import { Injectable } from '@nestjs/common';
import { ZohoTaxCatalogue, ZohoTaxListRow, zohoTaxesFromList } from '@connector/accounting';
import type { ZohoBooksClient } from '@connector/zoho-books';

export interface OrganizationProfile {
  pricePrecision: number;
  currencyCode: string;
  taxes: ZohoTaxCatalogue;
  loadedAt: number;
}

/** Taxes change rarely; an hour keeps a repeat order at one Zoho call while new taxes show up. */
const PROFILE_TTL_MS = 60 * 60_000;

/**
 * What invoice-sync needs to know about a Zoho organization (price precision, base currency,
 * taxes and tax groups), fetched once and cached per connection. A tax mapping failure forces one
 * refresh, in case the owner has just added the missing tax in Zoho.
 */
@Injectable()
export class OrganizationProfiles {
  private readonly profiles = new Map<string, OrganizationProfile>();

  async get(connectionId: string, organizationId: string, zoho: ZohoBooksClient, options: { refresh?: boolean } = {}): Promise<OrganizationProfile> {
    const cached = this.profiles.get(connectionId);
    if (cached && !options.refresh && Date.now() - cached.loadedAt < PROFILE_TTL_MS) return cached;
    const [organizations, taxRows] = await Promise.all([zoho.listOrganizations(), zoho.listTaxes()]);
    const organization = organizations.find((o) => o.organization_id === organizationId) ?? organizations[0];
    const profile: OrganizationProfile = {
      pricePrecision: Number(organization.price_precision ?? 2),
      currencyCode: organization.currency_code,
      taxes: taxCatalogue(taxRows as ZohoTaxRow[]),
      loadedAt: Date.now(),
    };
    this.profiles.set(connectionId, profile);
    return profile;
  }

  isFresh(connectionId: string, withinMs: number): boolean {
    const cached = this.profiles.get(connectionId);
    return !!cached && Date.now() - cached.loadedAt < withinMs;
  }
}

type ZohoTaxRow = ZohoTaxListRow & { taxes?: Array<{ tax_name?: string; tax_percentage: number | string }> };

/** Zoho lists taxes and tax groups together; groups carry their member taxes. */
export function taxCatalogue(rows: readonly ZohoTaxRow[]): ZohoTaxCatalogue {
  return {
    taxes: zohoTaxesFromList(rows),
    groups: rows
      .filter((row) => row.tax_type === 'tax_group')
      .map((row) => ({
        taxId: row.tax_id,
        name: row.tax_name,
        members: (row.taxes ?? []).map((member) => ({ name: member.tax_name, percentage: member.tax_percentage })),
      })),
  };
}
