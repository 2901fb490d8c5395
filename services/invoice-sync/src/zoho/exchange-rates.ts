import { Injectable } from '@nestjs/common';
import type { ConnectionEntity } from '@connector/persistence';
import { OrganizationCurrencies } from '@connector/platform';
import type { ZohoBooksClient } from '@connector/zoho-books';
import { OrganizationProfiles } from './organization-profiles';

/**
 * The exchange rate a document (invoice, credit note, payment) in the store's currency is booked
 * at, when that is not the organization's base currency: Zoho's books are kept in the base
 * currency, and a document in another one needs the rate of its date (specs/zoho-books.md:
 * `exchange_rate`, "required when not in base currency"). Orders in the base currency, the usual
 * case, cost no call here: the organization's profile, already cached for taxes, names it.
 */
@Injectable()
export class ExchangeRates {
  constructor(
    private readonly profiles: OrganizationProfiles,
    private readonly currencies: OrganizationCurrencies,
  ) {}

  /** The rate for `currency` on `date` (yyyy-mm-dd), or undefined for the base currency. */
  async rateFor(connection: ConnectionEntity, zoho: ZohoBooksClient, currency: string | undefined, date: string): Promise<number | undefined> {
    const code = currency?.trim().toUpperCase();
    if (!code) return undefined;
    const profile = await this.profiles.get(connection.id, connection.zohoOrganizationId ?? '', zoho);
    if (profile.currencyCode.toUpperCase() === code) return undefined;
    return this.currencies.exchangeRate(zoho, connection.id, code, date);
  }
}

/**
 * The rate a document was booked at, as its record keeps it (a decimal string): Zoho's answer
 * (what the document holds, e.g. an invoice's creation rate after an update that sent none), else
 * the rate sent. Null for a document in the base currency: Connector sends no rate for those, and
 * Zoho's 1 says nothing an accountant needs. A document adopted after a lost answer was sent with
 * no rate known here, so its own rate counts when it is not 1.
 */
export function bookedRate(sent: number | undefined, answered: number | undefined): string | null {
  if (answered !== undefined && (sent !== undefined || answered !== 1)) return String(answered);
  return sent === undefined ? null : String(sent);
}
