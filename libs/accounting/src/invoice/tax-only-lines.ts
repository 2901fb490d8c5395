import { Decimal } from '../money/decimal';
import type { TaxedLineKind } from '../tax-mapping';

/*
 * A line that is tax without an amount: WooCommerce's "refund tax only" (a refund line of total 0
 * whose tax column gives the VAT back), or a plugin charging tax on a zero line.
 *
 * Zoho computes a line's tax from its amount (zoho-invoice-model.ts): a line of 0 carries no tax,
 * and no line can carry tax alone. A line whose amount makes the tax right (10.00 at 20% for 2.00)
 * would credit 10.00 of sales that nobody returned, offset by −10.00 in the adjustment. So the
 * line is booked at its amount (0, showing the item), the tax is carried in the adjustment, and a
 * warning says the tax is not booked as tax.
 */

/** The tax a line carries without an amount, or undefined when it has an amount (or no tax). */
export function taxWithoutAmount(total: Decimal, totalTax: Decimal): Decimal | undefined {
  return total.isZero() && !totalTax.isZero() ? totalTax : undefined;
}

export interface TaxOnlyCarry {
  kind: TaxedLineKind;
  wooLineId: number;
  description: string;
  amount: Decimal;
  warning: string;
}

export function taxOnlyCarry(kind: TaxedLineKind, wooLineId: number, name: string, tax: Decimal): TaxOnlyCarry {
  return {
    kind,
    wooLineId,
    description: `${name} (tax only)`,
    amount: tax,
    warning:
      `${kind} "${name}" is tax without an amount (${tax.toString()}): Zoho computes a line's tax from its amount, ` +
      'so this tax is carried in the adjustment and not booked as tax; correct the tax in Zoho Books by hand',
  };
}
