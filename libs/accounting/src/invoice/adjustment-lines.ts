import type { WooFeeLine, WooLineItem, WooShippingLine } from '@connector/contracts';
import { Decimal } from '../money/decimal';

/*
 * Which WooCommerce lines Zoho cannot take as invoice lines, and so go into the invoice
 * adjustment, untaxed: a product line without a positive quantity (Zoho needs one), and a
 * negative shipping or fee line (Zoho lines cannot be negative; a negative fee is a discount).
 *
 * Tax mapping leaves these lines out too: no Zoho tax is booked for them, and WooCommerce splits a
 * negative fee's tax over the cart's rates (WC_Cart_Totals), a combination of rates (20% + 5%)
 * that no Zoho tax group needs to exist for, at amounts no percentage can be derived from.
 */

export function productLineGoesToAdjustment(quantity: Decimal): boolean {
  return !quantity.isPositive();
}

export function chargeLineGoesToAdjustment(total: Decimal): boolean {
  return total.isNegative();
}

/** The same rule on a raw line, for tax mapping. An unreadable amount counts as a line: the invoice names the field. */
export function rawLineGoesToAdjustment(line: WooLineItem | WooShippingLine | WooFeeLine): boolean {
  try {
    return 'quantity' in line
      ? productLineGoesToAdjustment(Decimal.from(line.quantity))
      : chargeLineGoesToAdjustment(Decimal.parse(line.total));
  } catch {
    return false;
  }
}
