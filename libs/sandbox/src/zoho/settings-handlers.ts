import { notFound } from './books-errors';
import type { ZohoTax, ZohoTaxMember } from './books-json-types';
import type { TaxRecord } from './books-records';
import { paginate, success, type BooksContext, type BooksResult } from './books-request';
import type { ZohoOrganization } from './organization';

/** Taxes (`/settings/...`, scope ZohoBooks.settings); currencies are in currency-handlers.ts. */

function memberJson(tax: TaxRecord): ZohoTaxMember {
  return { tax_id: tax.tax_id, tax_name: tax.tax_name, tax_percentage: tax.tax_percentage.toNumber(), tax_type: tax.tax_type };
}

/** The tax list as GET /settings/taxes prints it: taxes first, then tax groups with their members. */
export function taxListJson(org: ZohoOrganization, accountIds: { tax: string; purchase: string }): ZohoTax[] {
  const taxes: ZohoTax[] = [...org.taxes.values()].map((tax) => ({
    tax_id: tax.tax_id,
    tax_name: tax.tax_name,
    tax_percentage: tax.tax_percentage.toNumber(),
    tax_type: tax.tax_type,
    tax_factor: 'rate',
    tax_specific_type: null,
    is_value_added: true,
    is_default_tax: tax.is_default_tax,
    is_editable: true,
    tax_account_id: accountIds.tax,
    purchase_tax_account_id: accountIds.purchase,
  }));
  for (const group of org.taxGroups.values()) {
    const resolved = org.resolveTax(group.tax_group_id)!;
    taxes.push({
      tax_id: group.tax_group_id,
      tax_name: group.tax_group_name,
      tax_percentage: resolved.percentage.toNumber(),
      tax_type: 'tax_group',
      is_default_tax: false,
      is_editable: true,
      taxes: resolved.members.map(memberJson),
    });
  }
  return taxes;
}

export function createSettingsHandlers(accountIds: (org: ZohoOrganization) => { tax: string; purchase: string }) {
  return {
    listTaxes(ctx: BooksContext): BooksResult {
      const page = paginate(taxListJson(ctx.org, accountIds(ctx.org)), ctx.query, {
        report_name: 'Taxes',
        applied_filter: 'Status.All',
        sort_column: 'created_time',
        sort_order: 'D',
      });
      return success('success', { taxes: page.rows, page_context: page.page_context });
    },

    getTax(ctx: BooksContext): BooksResult {
      const tax = taxListJson(ctx.org, accountIds(ctx.org)).find((t) => t.tax_id === ctx.params.taxId && t.tax_type !== 'tax_group');
      if (!tax) throw notFound('Tax');
      return success('success', { tax });
    },

    getTaxGroup(ctx: BooksContext): BooksResult {
      const group = ctx.org.taxGroups.get(ctx.params.taxGroupId!);
      if (!group) throw notFound('Tax group');
      const resolved = ctx.org.resolveTax(group.tax_group_id)!;
      return success('success', {
        tax_group: {
          tax_group_id: group.tax_group_id,
          tax_group_name: group.tax_group_name,
          tax_group_percentage: resolved.percentage.toNumber(),
          taxes: resolved.members.map(memberJson),
        },
      });
    },
  };
}
