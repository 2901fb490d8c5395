import { Decimal, type DecimalSource } from '../money/decimal';

/* The Zoho Books taxes and tax groups an organisation has, as tax mapping reads them. */

export interface ZohoTax {
  taxId: string;
  name: string;
  percentage: DecimalSource;
  /** Zoho `tax_type: "compound_tax"`. */
  compound?: boolean;
}

export interface ZohoTaxGroup {
  taxId: string;
  name: string;
  members: ReadonlyArray<{ name?: string; percentage: DecimalSource }>;
}

export interface ZohoTaxCatalogue {
  taxes: readonly ZohoTax[];
  groups?: readonly ZohoTaxGroup[];
}

/** A row of GET /settings/taxes as Zoho returns it. */
export interface ZohoTaxListRow {
  tax_id: string;
  tax_name: string;
  tax_percentage: number | string;
  tax_type?: string;
}

/** Converts the Zoho taxes list to catalogue taxes. Tax groups need their members and are added separately. */
export function zohoTaxesFromList(rows: readonly ZohoTaxListRow[]): ZohoTax[] {
  return rows
    .filter((row) => row.tax_type === undefined || row.tax_type === 'tax' || row.tax_type === 'compound_tax')
    .map((row) => ({
      taxId: row.tax_id,
      name: row.tax_name,
      percentage: Decimal.from(row.tax_percentage),
      compound: row.tax_type === 'compound_tax',
    }));
}
