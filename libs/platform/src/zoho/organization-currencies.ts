import { Injectable } from '@nestjs/common';
import { PermanentError } from '@connector/common';
import type { ZohoBooksClient, ZohoCurrency } from '@connector/zoho-books';

/** Currencies change rarely; an hour keeps new contacts cheap. */
const CURRENCIES_TTL_MS = 60 * 60_000;
/** A currency missing from a list older than this is looked up once more (the owner may just have added it). */
const RECHECK_AFTER_MS = 60_000;

/**
 * The Zoho currency a new contact needs. In Books an invoice takes its contact's currency, and
 * `currency_id` is an id of the organization's currencies, not a code (specs/zoho-books.md §3.3),
 * so the list is fetched once per connection and cached.
 */
@Injectable()
export class OrganizationCurrencies {
  private readonly cache = new Map<string, { currencies: ZohoCurrency[]; loadedAt: number }>();

  /**
   * The `currency_id` for `code`, or undefined for the base currency (Zoho's default for a new
   * contact). A currency the organization lacks is a setup problem only a person can fix.
   */
  async currencyIdFor(zoho: ZohoBooksClient, connectionId: string, code: string | undefined): Promise<string | undefined> {
    const wanted = (code ?? '').trim().toUpperCase();
    if (wanted === '') return undefined;
    const find = (list: ZohoCurrency[]) => list.find((c) => c.currency_code.toUpperCase() === wanted);
    let currency = find(await this.currencies(zoho, connectionId));
    if (!currency && !this.isFresh(connectionId)) currency = find(await this.currencies(zoho, connectionId, { refresh: true }));
    if (!currency) {
      throw new PermanentError(
        `the Zoho Books organization has no currency ${wanted}; add it under Settings → Currencies, then retry the order`,
        { code: 'currency_missing' },
      );
    }
    return currency.is_base_currency ? undefined : currency.currency_id;
  }

  private isFresh(connectionId: string): boolean {
    const cached = this.cache.get(connectionId);
    return !!cached && Date.now() - cached.loadedAt < RECHECK_AFTER_MS;
  }

  private async currencies(zoho: ZohoBooksClient, connectionId: string, options: { refresh?: boolean } = {}): Promise<ZohoCurrency[]> {
    const cached = this.cache.get(connectionId);
    if (cached && !options.refresh && Date.now() - cached.loadedAt < CURRENCIES_TTL_MS) return cached.currencies;
    const currencies = await zoho.listCurrencies();
    this.cache.set(connectionId, { currencies, loadedAt: Date.now() });
    return currencies;
  }
}
