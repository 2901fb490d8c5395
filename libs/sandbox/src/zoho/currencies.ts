/**
 * Currency facts the fake needs: symbol, Zoho `price_precision` (decimal places) and format.
 * Zoho uses 0 decimals for JPY (and similar) and 3 for the Gulf dinars/rials.
 */
export interface CurrencyInfo {
  code: string;
  name: string;
  symbol: string;
  precision: number;
}

const KNOWN: Record<string, [name: string, symbol: string, precision: number]> = {
  USD: ['US Dollar', '$', 2],
  EUR: ['Euro', '€', 2],
  GBP: ['Pound Sterling', '£', 2],
  CAD: ['Canadian Dollar', '$', 2],
  AUD: ['Australian Dollar', '$', 2],
  NZD: ['New Zealand Dollar', '$', 2],
  CHF: ['Swiss Franc', 'CHF', 2],
  SEK: ['Swedish Krona', 'kr', 2],
  NOK: ['Norwegian Krone', 'kr', 2],
  DKK: ['Danish Krone', 'kr', 2],
  PLN: ['Polish Zloty', 'zł', 2],
  INR: ['Indian Rupee', '₹', 2],
  ZAR: ['South African Rand', 'R', 2],
  AED: ['UAE Dirham', 'AED', 2],
  SAR: ['Saudi Riyal', 'SAR', 2],
  MXN: ['Mexican Peso', '$', 2],
  BRL: ['Brazilian Real', 'R$', 2],
  CNY: ['Yuan Renminbi', '¥', 2],
  SGD: ['Singapore Dollar', '$', 2],
  JPY: ['Japanese Yen', '¥', 0],
  KRW: ['Korean Won', '₩', 0],
  CLP: ['Chilean Peso', '$', 0],
  KWD: ['Kuwaiti Dinar', 'KWD', 3],
  BHD: ['Bahraini Dinar', 'BHD', 3],
  OMR: ['Rial Omani', 'OMR', 3],
};

export function currencyInfo(code: string): CurrencyInfo {
  const upper = code.toUpperCase();
  const known = KNOWN[upper];
  if (known) return { code: upper, name: known[0], symbol: known[1], precision: known[2] };
  return { code: upper, name: upper, symbol: upper, precision: 2 };
}

/** Zoho's `currency_format` for a precision, e.g. `###,##0.00`. */
export function currencyFormat(precision: number): string {
  return precision > 0 ? `###,##0.${'0'.repeat(precision)}` : '###,##0';
}

/**
 * `currency_format` as GET /settings/currencies shows it: a sample amount, e.g. `1,234,567.89`
 * (the organisation's own `currency_format` is the `###,##0.00` pattern above).
 */
export function listCurrencyFormat(precision: number): string {
  return precision > 0 ? `1,234,567.${'899'.slice(0, precision)}` : '1,234,567';
}
