import { Injectable } from '@nestjs/common';
import { PermanentError } from '@connector/common';
import type { ZohoBooksClient, ZohoCurrency, ZohoExchangeRate } from '@connector/zoho-books';

/** Currencies and their rates change rarely; an hour keeps repeat orders at no extra call. */
const TTL_MS = 60 * 60_000;
/** Something missing from a list older than this is looked up once more (the owner may just have added it). */
const RECHECK_AFTER_MS = 10_000;

interface Cached<T> {
  value: T;
  loadedAt: number;
}

/**
 * The Zoho organization's currencies and exchange rates, per connection. In Books a contact has
 * one currency and its documents take it; `currency_id` is an id of the organization's currencies,
 * not a code (specs/zoho-books.md §3.3); a document in a currency other than the base one needs
 * the exchange rate of its date, which is what the organization keeps (by hand or from its
 * exchange rate feed). Both lists are fetched once per connection and cached.
 */
@Injectable()
export class OrganizationCurrencies {
  private readonly currencies = new Map<string, Cached<ZohoCurrency[]>>();
  private readonly rates = new Map<string, Cached<ZohoExchangeRate[]>>();

  /** The organization's currency with this ISO code. A missing one is a setup problem only a person can fix. */
  async currency(zoho: ZohoBooksClient, connectionId: string, code: string): Promise<ZohoCurrency> {
    const wanted = code.trim().toUpperCase();
    const currency = await this.lookUp(this.currencies, connectionId, () => zoho.listCurrencies(), (list) => list.find((c) => c.currency_code.toUpperCase() === wanted));
    if (!currency) {
      throw new PermanentError(
        `the Zoho Books organization has no currency ${wanted}; add it under Settings → Currencies, then retry the order`,
        { code: 'currency_missing' },
      );
    }
    return currency;
  }

  /** The `currency_id` a new contact needs for `code`, or undefined for the base currency (Zoho's default). */
  async currencyIdFor(zoho: ZohoBooksClient, connectionId: string, code: string | undefined): Promise<string | undefined> {
    if (!code?.trim()) return undefined;
    const currency = await this.currency(zoho, connectionId, code);
    return currency.is_base_currency ? undefined : currency.currency_id;
  }

  /**
   * The rate a document in `code` dated `date` (yyyy-mm-dd) is booked at: the organization's rate
   * in effect that day (the latest effective on or before it), as Books itself would pre-fill it.
   * Undefined for the base currency. Without any such rate the document would be booked at a
   * guess, so it is refused with what to do.
   */
  async exchangeRate(zoho: ZohoBooksClient, connectionId: string, code: string, date: string): Promise<number | undefined> {
    const currency = await this.currency(zoho, connectionId, code);
    if (currency.is_base_currency) return undefined;
    const key = `${connectionId}:${currency.currency_id}`;
    const found = await this.lookUp(this.rates, key, () => zoho.listExchangeRates(currency.currency_id), (list) => rateOn(list, date));
    if (!found) {
      throw new PermanentError(
        `the Zoho Books organization has no ${currency.currency_code} exchange rate in effect on ${date}; add one under Settings → Currencies → ${currency.currency_code} (or turn on its exchange rate feed), then retry`,
        { code: 'exchange_rate_missing' },
      );
    }
    return found.rate;
  }

  /** `pick` from the cached list, fetching it when stale, and once more when it misses and is not fresh. */
  private async lookUp<T, R>(cache: Map<string, Cached<T>>, key: string, load: () => Promise<T>, pick: (value: T) => R | undefined): Promise<R | undefined> {
    const fetch = async () => {
      const entry = { value: await load(), loadedAt: Date.now() };
      cache.set(key, entry);
      return entry;
    };
    let entry = cache.get(key);
    if (!entry || Date.now() - entry.loadedAt >= TTL_MS) entry = await fetch();
    const picked = pick(entry.value);
    if (picked !== undefined || Date.now() - entry.loadedAt < RECHECK_AFTER_MS) return picked;
    return pick((await fetch()).value);
  }
}

/** The rate in effect on `date`: the latest whose effective date is on or before it. */
export function rateOn(rates: readonly ZohoExchangeRate[], date: string): ZohoExchangeRate | undefined {
  let best: ZohoExchangeRate | undefined;
  for (const rate of rates) {
    if (rate.effective_date <= date && (!best || rate.effective_date > best.effective_date)) best = rate;
  }
  return best;
}
