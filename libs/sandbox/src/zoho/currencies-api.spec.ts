import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { BooksTestClient, mintAccessToken, zohoWithOrg } from '../test-support/zoho-test-client';

describe('fake Zoho Books API: adding currencies and their rates (clock at 2026-11-28)', () => {
  const NOW = Date.parse('2026-11-28T10:00:00Z');
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  let baseId: string;

  before(async () => {
    zoho = await FakeZoho.start({ limits: { perMinute: 10_000 }, now: () => NOW });
    const setup = await zohoWithOrg(zoho, { name: 'Dollar Inc', currencyCode: 'USD' });
    books = setup.client;
    orgId = setup.orgId;
    baseId = zoho.organization(orgId).currency_id;
  });
  after(() => zoho.stop());

  it('adds a currency with what the body sets, lists it and gets it by id', async () => {
    const created = await books.post('/settings/currencies', { currency_code: 'chf', currency_symbol: 'SFr.', price_precision: 3, currency_format: '1.234.567,899' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.code, 0);
    const chf = created.body.currency;
    assert.match(chf.currency_id, /^\d{18,19}$/);
    assert.deepEqual(
      [chf.currency_code, chf.currency_symbol, chf.price_precision, chf.currency_format, chf.is_base_currency, chf.exchange_rate, chf.effective_date],
      ['CHF', 'SFr.', 3, '1.234.567,899', false, 1, ''],
    );
    const jpy = (await books.post('/settings/currencies', { currency_code: 'JPY' })).body.currency;
    assert.deepEqual([jpy.currency_symbol, jpy.price_precision, jpy.currency_format], ['¥', 0, '1,234,567'], 'what is left out comes from the currency');

    const listed = (await books.get('/settings/currencies')).body.currencies as Array<{ currency_id: string; currency_code: string }>;
    assert.deepEqual(listed.map((c) => c.currency_code), ['USD', 'CHF', 'JPY']);
    assert.equal(new Set(listed.map((c) => c.currency_id)).size, 3);
    const one = await books.get(`/settings/currencies/${chf.currency_id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.currency, chf);
    const base = (await books.get(`/settings/currencies/${baseId}`)).body.currency;
    assert.deepEqual([base.currency_code, base.is_base_currency, base.exchange_rate, base.effective_date], ['USD', true, 1, '']);
  });

  it('refuses a code the organisation has, a missing or malformed code and a bad precision', async () => {
    for (const code of ['CHF', 'usd']) {
      const twice = await books.post('/settings/currencies', { currency_code: code });
      assert.equal(twice.status, 400);
      assert.equal(twice.body.code, 1001);
      assert.equal(twice.body.message, `The currency "${code.toUpperCase()}" already exists. Please specify a different currency.`);
    }
    for (const body of [{}, { currency_code: 'EURO' }, { currency_code: 'SEK', price_precision: 4 }, { currency_code: 'SEK', price_precision: 'two' }]) {
      const refused = await books.post('/settings/currencies', body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.match(refused.body.message, /^Invalid value passed for (currency_code|price_precision)/);
    }
    assert.equal(zoho.organization(orgId).currency_code, 'USD');
    assert.equal((await books.get('/settings/currencies')).body.currencies.length, 3, 'nothing added by the refused requests');
  });

  it('answers 1002 for an unknown currency', async () => {
    const missing = await books.get('/settings/currencies/1234567890123456789');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { code: 1002, message: 'Currency does not exist.' });
  });

  it('lists rates newest first, pages them, and filters by from_date and is_current_date', async () => {
    const eurId = zoho.addCurrency(orgId, 'EUR');
    for (const [date, rate] of [['2026-11-26', 1.05], ['2026-11-28', 1.04], ['2026-11-01', 1.08], ['2026-11-27', 1.06]] as const) {
      assert.equal((await books.post(`/settings/currencies/${eurId}/exchangerates`, { effective_date: date, rate })).status, 201);
    }
    const dates = (rows: Array<{ effective_date: string }>) => rows.map((r) => r.effective_date);
    const all = (await books.get(`/settings/currencies/${eurId}/exchangerates`)).body;
    assert.deepEqual(dates(all.exchange_rates), ['2026-11-28', '2026-11-27', '2026-11-26', '2026-11-01']);
    assert.deepEqual(Object.keys(all.exchange_rates[0]).sort(), ['currency_code', 'currency_id', 'effective_date', 'exchange_rate_id', 'rate']);
    assert.equal(all.page_context.has_more_page, false);

    const first = (await books.get(`/settings/currencies/${eurId}/exchangerates`, { per_page: '3' })).body;
    const second = (await books.get(`/settings/currencies/${eurId}/exchangerates`, { per_page: '3', page: '2' })).body;
    assert.deepEqual([dates(first.exchange_rates), first.page_context.has_more_page], [['2026-11-28', '2026-11-27', '2026-11-26'], true]);
    assert.deepEqual([dates(second.exchange_rates), second.page_context.has_more_page], [['2026-11-01'], false]);

    assert.deepEqual(dates((await books.get(`/settings/currencies/${eurId}/exchangerates`, { from_date: '2026-11-26' })).body.exchange_rates), ['2026-11-28', '2026-11-27', '2026-11-26']);
    assert.deepEqual(dates((await books.get(`/settings/currencies/${eurId}/exchangerates`, { from_date: '2026-12-01' })).body.exchange_rates), []);
    const current = (await books.get(`/settings/currencies/${eurId}/exchangerates`, { is_current_date: 'true' })).body.exchange_rates;
    assert.deepEqual(current.map((r: { effective_date: string; rate: number }) => [r.effective_date, r.rate]), [['2026-11-28', 1.04]]);
    assert.equal((await books.get(`/settings/currencies/${eurId}/exchangerates`, { from_date: '28/11/2026' })).status, 400);

    const row = (await books.get(`/settings/currencies/${eurId}`)).body.currency;
    assert.deepEqual([row.exchange_rate, row.effective_date], [1.04, '2026-11-28']);
  });

  it('gets one rate; unknown rates and currencies are 1002', async () => {
    const eurId = (await books.get('/settings/currencies')).body.currencies.find((c: { currency_code: string }) => c.currency_code === 'EUR').currency_id;
    const created = (await books.post(`/settings/currencies/${eurId}/exchangerates`, { effective_date: '2026-10-01', rate: '1.1' })).body;
    assert.equal(created.message, 'The exchange rate has been added.');
    const got = await books.get(`/settings/currencies/${eurId}/exchangerates/${created.exchange_rate.exchange_rate_id}`);
    assert.deepEqual(got.body.exchange_rate, { exchange_rate_id: created.exchange_rate.exchange_rate_id, currency_id: eurId, currency_code: 'EUR', effective_date: '2026-10-01', rate: 1.1 });
    const unknownRate = await books.get(`/settings/currencies/${eurId}/exchangerates/1234567890123456789`);
    assert.deepEqual([unknownRate.status, unknownRate.body.code], [404, 1002]);
    const unknownCurrency = await books.post('/settings/currencies/1234567890123456789/exchangerates', { effective_date: '2026-10-02', rate: 1 });
    assert.deepEqual([unknownCurrency.status, unknownCurrency.body.code], [404, 1002]);
  });

  it('refuses a second rate for a date, rates of the base currency, rates not above zero and bad dates', async () => {
    const eurId = (await books.get('/settings/currencies')).body.currencies.find((c: { currency_code: string }) => c.currency_code === 'EUR').currency_id;
    const twice = await books.post(`/settings/currencies/${eurId}/exchangerates`, { effective_date: '2026-11-28', rate: 1.2 });
    assert.deepEqual([twice.status, twice.body.message], [400, 'Invalid value passed for effective_date. An exchange rate for 2026-11-28 already exists.']);
    const base = await books.post(`/settings/currencies/${baseId}/exchangerates`, { effective_date: '2026-11-28', rate: 1 });
    assert.deepEqual([base.status, base.body.message], [400, 'Invalid value passed for currency_id. Exchange rates cannot be set for the base currency.']);
    for (const body of [{ effective_date: '2026-11-29', rate: 0 }, { effective_date: '2026-11-29', rate: -1.2 }, { effective_date: '2026-11-29' }, { effective_date: '29.11.2026', rate: 1 }, { rate: 1 }]) {
      const refused = await books.post(`/settings/currencies/${eurId}/exchangerates`, body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.notEqual(refused.body.code, 0);
    }
    const listed = (await books.get(`/settings/currencies/${eurId}/exchangerates`)).body.exchange_rates as Array<{ effective_date: string; rate: number }>;
    assert.equal(listed.find((r) => r.effective_date === '2026-11-28')!.rate, 1.04, 'the first rate of the day stands');
    assert.ok(!listed.some((r) => r.effective_date === '2026-11-29'));
  });

  it('setExchangeRate files a rate for tests, replacing one of the same date', async () => {
    const eurId = (await books.get('/settings/currencies')).body.currencies.find((c: { currency_code: string }) => c.currency_code === 'EUR').currency_id;
    const id = zoho.setExchangeRate(orgId, 'eur', '2026-11-28', '1.03');
    const today = (await books.get(`/settings/currencies/${eurId}/exchangerates`, { is_current_date: 'true' })).body.exchange_rates;
    assert.deepEqual(today.map((r: { exchange_rate_id: string; rate: number }) => [r.exchange_rate_id, r.rate]), [[id, 1.03]]);
    assert.throws(() => zoho.setExchangeRate(orgId, 'USD', '2026-11-28', 1), /no foreign currency USD/);
    assert.throws(() => zoho.setExchangeRate(orgId, 'EUR', '2026-11-28', 0), /greater than zero/);
    assert.throws(() => zoho.setExchangeRate(orgId, 'EUR', '28/11/2026', 1), /yyyy-mm-dd/);
  });

  it('needs the settings scope', async () => {
    const oauth = zoho.registerClient();
    const refreshToken = zoho.issueRefreshToken(oauth.clientId, [orgId], ['ZohoBooks.invoices.ALL']);
    const narrow = new BooksTestClient(zoho, await mintAccessToken(zoho, oauth, refreshToken), orgId);
    assert.equal((await narrow.get('/settings/currencies')).status, 401);
    assert.equal((await narrow.post('/settings/currencies', { currency_code: 'SEK' })).status, 401);
    assert.equal((await narrow.get(`/settings/currencies/${baseId}/exchangerates`)).status, 401);
  });
});
