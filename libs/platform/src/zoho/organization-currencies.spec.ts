import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import type { ZohoBooksClient, ZohoCurrency, ZohoExchangeRate } from '@connector/zoho-books';
import { OrganizationCurrencies, rateOn } from './organization-currencies';

const GBP: ZohoCurrency = { currency_id: '1', currency_code: 'GBP', is_base_currency: true };
const EUR: ZohoCurrency = { currency_id: '2', currency_code: 'EUR', is_base_currency: false };

function rate(effective_date: string, value: number): ZohoExchangeRate {
  return { exchange_rate_id: effective_date, currency_id: '2', currency_code: 'EUR', effective_date, rate: value };
}

/** A Books client answering the two lists, counting the calls. */
function books(rates: ZohoExchangeRate[]) {
  const calls: string[] = [];
  const zoho = {
    listCurrencies: async () => (calls.push('currencies'), [GBP, EUR]),
    listExchangeRates: async (currencyId: string) => (calls.push(`rates ${currencyId}`), [...rates]),
  } as unknown as ZohoBooksClient;
  return { zoho, calls, rates };
}

describe('rateOn', () => {
  test('the latest rate effective on or before the date; none before the first', () => {
    const rates = [rate('2026-11-30', 0.7), rate('2026-01-01', 0.9), rate('2026-11-25', 0.8567)];
    assert.equal(rateOn(rates, '2026-11-28')?.rate, 0.8567);
    assert.equal(rateOn(rates, '2026-11-25')?.rate, 0.8567, 'a rate is in effect on its own date');
    assert.equal(rateOn(rates, '2026-11-30')?.rate, 0.7);
    assert.equal(rateOn(rates, '2025-12-31'), undefined);
  });
});

describe('OrganizationCurrencies', () => {
  test('a document in the base currency needs no rate; a foreign one the rate of its date, both lists fetched once', async () => {
    const { zoho, calls } = books([rate('2026-11-01', 0.86), rate('2026-11-20', 0.85)]);
    const currencies = new OrganizationCurrencies();
    assert.equal(await currencies.exchangeRate(zoho, 'c1', 'gbp', '2026-11-28'), undefined);
    assert.equal(await currencies.exchangeRate(zoho, 'c1', 'EUR', '2026-11-28'), 0.85);
    assert.equal(await currencies.exchangeRate(zoho, 'c1', 'EUR', '2026-11-10'), 0.86);
    assert.deepEqual(calls, ['currencies', 'rates 2']);
    assert.equal(await currencies.currencyIdFor(zoho, 'c1', 'EUR'), '2');
    assert.equal(await currencies.currencyIdFor(zoho, 'c1', 'GBP'), undefined, "a new contact's default");
  });

  test('no rate in effect: refused with what to do, and a fresh list is not fetched again for every document', async () => {
    const { zoho, calls } = books([rate('2026-12-01', 0.8)]);
    const currencies = new OrganizationCurrencies();
    await assert.rejects(
      currencies.exchangeRate(zoho, 'c1', 'EUR', '2026-11-28'),
      (error: Error) => error instanceof PermanentError && /no EUR exchange rate in effect on 2026-11-28; add one under Settings → Currencies → EUR/.test(error.message),
    );
    await assert.rejects(currencies.exchangeRate(zoho, 'c1', 'EUR', '2026-11-28'));
    assert.deepEqual(calls, ['currencies', 'rates 2'], 'a list just fetched is not fetched again');
  });

  test('a currency the organization lacks is a setup problem, said as such', async () => {
    const { zoho } = books([]);
    await assert.rejects(
      new OrganizationCurrencies().exchangeRate(zoho, 'c1', 'CHF', '2026-11-28'),
      (error: Error) => error instanceof PermanentError && /has no currency CHF; add it under Settings → Currencies/.test(error.message),
    );
  });
});
