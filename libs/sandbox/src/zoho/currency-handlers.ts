import { BooksError, invalidValue, notFound } from './books-errors';
import { paginate, readInteger, readString, success, type BooksContext, type BooksResult } from './books-request';
import { latestRate } from './exchange-rate-handlers';
import type { OrgCurrency, ZohoOrganization } from './organization';

/**
 * The organisation's currencies (`/settings/currencies`, scope ZohoBooks.settings): the base one
 * plus those added. Each carries the latest rate on file, as Books' currency list shows it.
 */

export interface ZohoCurrencyJson extends OrgCurrency {
  /** The latest rate on file (1 without any; always 1 for the base currency). */
  exchange_rate: number;
  /** The date of that rate, '' without one. */
  effective_date: string;
}

/** Zoho offers 0, 2 or 3 decimal places; 1 is accepted too since nothing says it is refused. */
const MAX_PRECISION = 3;

export function currencyJson(org: ZohoOrganization, currency: OrgCurrency): ZohoCurrencyJson {
  const latest = currency.is_base_currency ? { rate: 1, date: '' } : latestRate(org, currency.currency_id);
  return {
    ...currency,
    exchange_rate: latest.rate,
    effective_date: latest.date,
  };
}

export const currencyHandlers = {
  list(ctx: BooksContext): BooksResult {
    const rows = ctx.org.currencies().map((currency) => currencyJson(ctx.org, currency));
    const page = paginate(rows, ctx.query, { sort_column: 'currency_code', sort_order: 'A' });
    return success('success', { currencies: page.rows, page_context: page.page_context });
  },

  get(ctx: BooksContext): BooksResult {
    const currency = ctx.org.currency(ctx.params.currencyId ?? '');
    if (!currency) throw notFound('Currency');
    return success('success', { currency: currencyJson(ctx.org, currency) });
  },

  /**
   * Body `currency_code` (required, ISO 4217), `currency_symbol`, `price_precision`,
   * `currency_format`; what is left out comes from currencies.ts. A code the org already has
   * (the base one included) is refused with 400: [assumed] Zoho's code and wording are not
   * documented, so the code is the configurable "already exists" one (default 1001).
   */
  create(ctx: BooksContext): BooksResult {
    const code = readString(ctx.body, 'currency_code')?.trim().toUpperCase();
    if (!code) throw invalidValue('currency_code', 'currency_code is required.');
    if (!/^[A-Z]{3}$/.test(code)) throw invalidValue('currency_code', 'Use a three-letter ISO 4217 code such as EUR.');
    if (ctx.org.currencyByCode(code)) {
      throw new BooksError(400, ctx.codes.duplicateCurrency, `The currency "${code}" already exists. Please specify a different currency.`);
    }
    const symbol = readString(ctx.body, 'currency_symbol', { max: 10 });
    const precision = readInteger(ctx.body, 'price_precision');
    if (precision !== undefined && (precision < 0 || precision > MAX_PRECISION)) {
      throw invalidValue('price_precision', `Use a whole number from 0 to ${MAX_PRECISION}.`);
    }
    const format = readString(ctx.body, 'currency_format', { max: 50 });
    const currency = ctx.org.addCurrency(ctx.ids, code, {
      symbol: symbol?.trim() || undefined,
      precision,
      format: format?.trim() || undefined,
    });
    return success('The currency has been added.', { currency: currencyJson(ctx.org, currency) }, 201);
  },
};
