/** get_woocommerce_currency_symbol() for common currencies (HTML entities decoded, as the REST API returns them). */
const SYMBOLS: Record<string, string> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  CAD: '$',
  AUD: '$',
  NZD: '$',
  CHF: 'CHF',
  SEK: 'kr',
  NOK: 'kr',
  DKK: 'kr.',
  PLN: 'zł',
  INR: '₹',
  BRL: 'R$',
  ZAR: 'R',
  KWD: 'د.ك',
  BHD: '.د.ب',
  OMR: 'ر.ع.',
  MXN: '$',
  CNY: '¥',
  KRW: '₩',
};

export function currencySymbol(code: string): string {
  return SYMBOLS[code.toUpperCase()] ?? code.toUpperCase();
}

/** The price HTML entity WooCommerce prints in price_html. */
export function currencySymbolEntity(code: string): string {
  const symbol = currencySymbol(code);
  return [...symbol].map((ch) => (ch.charCodeAt(0) > 0x7e || ch === '$' ? `&#${ch.codePointAt(0)};` : ch)).join('');
}
