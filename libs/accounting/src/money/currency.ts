import { Decimal } from './decimal';

/*
 * Decimal places of ISO 4217 currencies (the "minor unit" column of the ISO list). Only the
 * exceptions are listed; every other code, including unknown ones, has 2.
 */

/** Currencies without minor units: amounts are whole numbers (¥1500, ₩12000). */
const ZERO_DECIMAL_CURRENCIES = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
]);

/** Currencies with thousandths (fils, baisa): 12.345 KWD is a real price. */
const THREE_DECIMAL_CURRENCIES = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Decimal places of a currency code (case-insensitive); 2 when the code is not an exception. */
export function currencyDecimals(currencyCode: string): number {
  const code = currencyCode.trim().toUpperCase();
  if (ZERO_DECIMAL_CURRENCIES.has(code)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(code)) return 3;
  return 2;
}

/** The smallest amount of a currency: 0.01 for USD, 1 for JPY, 0.001 for KWD. */
export function minorUnit(currencyCode: string): Decimal {
  return Decimal.of(1n, currencyDecimals(currencyCode));
}
