import { Decimal } from '../decimal/decimal';
import { isIsoDate } from '../time/zoned-time';
import { invalidValue, notFound } from './books-errors';
import type { ExchangeRateRecord, OrgCurrency, ZohoOrganization } from './organization';
import { paginate, readDecimal, readString, success, type BooksContext, type BooksResult } from './books-request';
import { today } from './invoice-json';

/**
 * The rates an organisation keeps for a currency (Settings → Currencies → the currency): base
 * units per unit of it, each in effect from its `effective_date` until a later one. Books fills
 * them by hand or from its exchange rate feed; documents in the currency are booked at them.
 */

export interface ZohoExchangeRateJson {
  exchange_rate_id: string;
  currency_id: string;
  currency_code: string;
  effective_date: string;
  rate: number;
}

function rateJson(currency: OrgCurrency, rate: ExchangeRateRecord): ZohoExchangeRateJson {
  return { exchange_rate_id: rate.exchange_rate_id, currency_id: currency.currency_id, currency_code: currency.currency_code, effective_date: rate.effective_date, rate: rate.rate.toNumber() };
}

function currencyOf(ctx: BooksContext): OrgCurrency {
  const currency = ctx.org.currency(ctx.params.currencyId ?? '');
  if (!currency) throw notFound('Currency');
  return currency;
}

/** The latest rate on file of a currency and its date (1 and '' without any), for the currency list. */
export function latestRate(org: ZohoOrganization, currencyId: string): { rate: number; date: string } {
  const rates = org.exchangeRates.get(currencyId) ?? [];
  const latest = rates.reduce<ExchangeRateRecord | undefined>((best, rate) => (!best || rate.effective_date > best.effective_date ? rate : best), undefined);
  return latest ? { rate: latest.rate.toNumber(), date: latest.effective_date } : { rate: 1, date: '' };
}

export const exchangeRateHandlers = {
  /** Newest first; `from_date` keeps those effective on or after it, `is_current_date=true` only today's. */
  list(ctx: BooksContext): BooksResult {
    const currency = currencyOf(ctx);
    const from = ctx.query.get('from_date');
    if (from && !isIsoDate(from)) throw invalidValue('from_date', 'Use the format yyyy-mm-dd.');
    const onlyToday = ctx.query.get('is_current_date') === 'true';
    const day = today(ctx);
    const rows = [...(ctx.org.exchangeRates.get(currency.currency_id) ?? [])]
      .filter((rate) => (!from || rate.effective_date >= from) && (!onlyToday || rate.effective_date === day))
      .sort((a, b) => (a.effective_date < b.effective_date ? 1 : a.effective_date > b.effective_date ? -1 : 0))
      .map((rate) => rateJson(currency, rate));
    const page = paginate(rows, ctx.query, { sort_column: 'effective_date', sort_order: 'D' });
    return success('success', { exchange_rates: page.rows, page_context: page.page_context });
  },

  get(ctx: BooksContext): BooksResult {
    const currency = currencyOf(ctx);
    const rate = (ctx.org.exchangeRates.get(currency.currency_id) ?? []).find((r) => r.exchange_rate_id === ctx.params.exchangeRateId);
    if (!rate) throw notFound('Exchange rate');
    return success('success', { exchange_rate: rateJson(currency, rate) });
  },

  /** One rate per currency and date; the base currency has none (it is what the others convert to). */
  create(ctx: BooksContext): BooksResult {
    const currency = currencyOf(ctx);
    if (currency.is_base_currency) throw invalidValue('currency_id', 'Exchange rates cannot be set for the base currency.');
    const date = readString(ctx.body, 'effective_date');
    if (!date || !isIsoDate(date)) throw invalidValue('effective_date', 'Use the format yyyy-mm-dd.');
    const value = readDecimal(ctx.body, 'rate');
    if (value === undefined || value.sign() <= 0) throw invalidValue('rate', 'The exchange rate must be greater than zero.');
    const rates = ctx.org.exchangeRates.get(currency.currency_id) ?? [];
    if (rates.some((rate) => rate.effective_date === date)) throw invalidValue('effective_date', `An exchange rate for ${date} already exists.`);
    const rate: ExchangeRateRecord = { exchange_rate_id: ctx.ids.next(), currency_id: currency.currency_id, effective_date: date, rate: Decimal.from(value.toString()) };
    ctx.org.exchangeRates.set(currency.currency_id, [...rates, rate]);
    return success('The exchange rate has been added.', { exchange_rate: rateJson(currency, rate) }, 201);
  },
};
