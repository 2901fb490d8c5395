import { Decimal } from '../money/decimal';
import { InvalidOrderError } from '../invoice-errors';

/** Reads a WooCommerce amount, naming the field when it is not a number (`line_items[2].total`). */
export function wooAmount(orderId: number, value: string | number | null | undefined, field: string): Decimal {
  try {
    if (typeof value === 'number') return Decimal.fromNumber(value);
    if (typeof value === 'string') return Decimal.parse(value.trim() === '' ? '0' : value);
  } catch {
    // Falls through to the error below, which names the field.
  }
  throw new InvalidOrderError(orderId, `${field} is not an amount (${JSON.stringify(value)?.slice(0, 40)})`);
}
