import { Decimal } from '../decimal/decimal';

/** A WooCommerce tax rate (WooCommerce > Settings > Tax), as the fake's options take it. */
export interface WooTaxRateInput {
  id: number;
  /** Percent, e.g. `"20.0000"` or `7.25`. */
  rate: string | number;
  label: string;
  compound?: boolean;
  /** Whether the rate also applies to shipping (default true). */
  shipping?: boolean;
  /** Tax class slug; `''` (default) is the standard class, e.g. `'reduced-rate'`. */
  class?: string;
  priority?: number;
  country?: string;
  state?: string;
}

/** A rate ready for the order math. */
export interface WooTaxRate {
  id: number;
  rate: Decimal;
  label: string;
  compound: boolean;
  shipping: boolean;
  taxClass: string;
  priority: number;
  rateCode: string;
}

/** WC_Tax::get_rate_code: COUNTRY-STATE-NAME-PRIORITY, upper case, empty parts dropped. */
export function rateCode(input: WooTaxRateInput): string {
  const parts = [input.country ?? '', input.state ?? '', input.label || 'TAX', String(input.priority ?? 1)];
  return parts.filter((p) => p !== '').join('-').toUpperCase();
}

export function normalizeTaxRate(input: WooTaxRateInput): WooTaxRate {
  return {
    id: input.id,
    rate: Decimal.from(input.rate),
    label: input.label,
    compound: input.compound ?? false,
    shipping: input.shipping ?? true,
    taxClass: input.class ?? '',
    priority: input.priority ?? 1,
    rateCode: rateCode(input),
  };
}

/** The rates matching a tax class, in WooCommerce's order: by priority, compound rates last. */
export function ratesForClass(rates: readonly WooTaxRate[], taxClass: string): WooTaxRate[] {
  return rates
    .filter((r) => r.taxClass === taxClass)
    .sort((a, b) => Number(a.compound) - Number(b.compound) || a.priority - b.priority || a.id - b.id);
}
