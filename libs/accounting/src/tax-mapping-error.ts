import { PermanentError } from '@connector/common';

/** A WooCommerce tax rate as an error message names it. */
export interface UnmappedTaxRate {
  rateId: number;
  label: string;
  /** The rate in percent as a decimal string, when known. */
  percent?: string;
}

function describeRate(rate: UnmappedTaxRate): string {
  const percent = rate.percent === undefined ? 'percentage unknown' : `${rate.percent}%`;
  return `"${rate.label || 'unnamed rate'}" (${percent}, WooCommerce rate id ${rate.rateId})`;
}

/**
 * A WooCommerce tax rate on an order has no Zoho tax (or tax group) to book it to. Permanent:
 * retrying cannot help until someone creates the tax in Zoho Books or maps it, and guessing would
 * put tax in the wrong account or drop it from the invoice.
 */
export class TaxMappingError extends PermanentError {
  override readonly name = 'TaxMappingError';
  readonly rates: readonly UnmappedTaxRate[];

  constructor(rates: readonly UnmappedTaxRate[], detail?: string) {
    const subject = rates.length === 1 ? 'tax rate' : 'tax rates';
    super(
      `No Zoho Books tax matches WooCommerce ${subject} ${rates.map(describeRate).join(' + ')}` +
        `${detail ? `: ${detail}` : ''}. Create a matching tax${rates.length > 1 ? ' group' : ''} in Zoho Books or map the rate.`,
      { code: 'TAX_NOT_MAPPED' },
    );
    this.rates = rates;
  }
}
