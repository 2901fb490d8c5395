import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { BooksTestClient, zohoWithOrg } from '../test-support/zoho-test-client';

describe('fake Zoho Books API: currencies, exchange rates and documents in a foreign currency', () => {
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  let eurId: string;
  let gbpId: string;
  let itemId: string;

  before(async () => {
    zoho = await FakeZoho.start({ limits: { perMinute: 10_000 } });
    const setup = await zohoWithOrg(zoho, { name: 'Sterling Ltd', currencyCode: 'GBP', currencies: ['EUR'] });
    books = setup.client;
    orgId = setup.orgId;
    itemId = (await books.post('/items', { name: 'Currency Item', rate: 10 })).body.item.item_id;
    const currencies = (await books.get('/settings/currencies')).body.currencies as Array<{ currency_id: string; currency_code: string; is_base_currency: boolean }>;
    gbpId = currencies.find((c) => c.currency_code === 'GBP')!.currency_id;
    eurId = currencies.find((c) => c.currency_code === 'EUR')!.currency_id;
  });
  after(() => zoho.stop());

  it('lists the base currency and those added, each with its own id', async () => {
    const { body } = await books.get('/settings/currencies');
    assert.deepEqual(body.currencies.map((c: { currency_code: string; is_base_currency: boolean }) => [c.currency_code, c.is_base_currency]).sort(), [['EUR', false], ['GBP', true]]);
    assert.notEqual(eurId, gbpId);
  });

  it('keeps one rate per currency and date, lists them newest first, and filters by date', async () => {
    for (const [date, rate] of [['2026-01-01', 0.9], ['2026-11-25', 0.8567], ['2026-06-01', 0.88]] as const) {
      const created = await books.post(`/settings/currencies/${eurId}/exchangerates`, { effective_date: date, rate });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.exchange_rate.currency_code, 'EUR');
    }
    const listed = (await books.get(`/settings/currencies/${eurId}/exchangerates`)).body.exchange_rates;
    assert.deepEqual(listed.map((r: { effective_date: string; rate: number }) => [r.effective_date, r.rate]), [['2026-11-25', 0.8567], ['2026-06-01', 0.88], ['2026-01-01', 0.9]]);
    const since = (await books.get(`/settings/currencies/${eurId}/exchangerates?from_date=2026-06-01`)).body.exchange_rates;
    assert.equal(since.length, 2);
    const one = await books.get(`/settings/currencies/${eurId}/exchangerates/${listed[0].exchange_rate_id}`);
    assert.equal(one.body.exchange_rate.rate, 0.8567);
    const twice = await books.post(`/settings/currencies/${eurId}/exchangerates`, { effective_date: '2026-11-25', rate: 0.85 });
    assert.equal(twice.status, 400);
    assert.equal((await books.post(`/settings/currencies/${gbpId}/exchangerates`, { effective_date: '2026-11-25', rate: 1.1 })).status, 400, 'the base currency has no rates');
    assert.equal((await books.post(`/settings/currencies/${eurId}/exchangerates`, { effective_date: '2026-11-26', rate: 0 })).status, 400);
    assert.equal((await books.get('/settings/currencies/999/exchangerates')).status, 404);
    const row = (await books.get('/settings/currencies')).body.currencies.find((c: { currency_code: string }) => c.currency_code === 'EUR');
    assert.deepEqual([row.exchange_rate, row.effective_date], [0.8567, '2026-11-25'], 'the list shows the latest rate');
  });

  it("documents of a EUR contact are in EUR, at the rate sent or else the one in effect on their date; a base-currency one is at 1", async () => {
    const eur = (await books.post('/contacts', { contact_name: 'Euro Customer', currency_id: eurId })).body.contact;
    assert.equal(eur.currency_code, 'EUR');
    const line = [{ item_id: itemId, rate: 10, quantity: 1 }];
    const sent = (await books.post('/invoices', { customer_id: eur.contact_id, date: '2026-11-27', line_items: line, exchange_rate: 0.85 })).body.invoice;
    assert.deepEqual([sent.currency_code, sent.exchange_rate], ['EUR', 0.85]);
    const defaulted = (await books.post('/invoices', { customer_id: eur.contact_id, date: '2026-07-01', line_items: line })).body.invoice;
    assert.equal(defaulted.exchange_rate, 0.88, 'the rate in effect on 2026-07-01');
    const before = (await books.post('/invoices', { customer_id: eur.contact_id, date: '2025-12-31', line_items: line })).body.invoice;
    assert.equal(before.exchange_rate, 1, 'no rate in effect yet');
    const payment = (await books.post('/customerpayments', { customer_id: eur.contact_id, payment_mode: 'cash', amount: 10, date: '2026-11-27', invoices: [], exchange_rate: 0.8567 })).body.payment;
    assert.deepEqual([payment.currency_code, payment.exchange_rate], ['EUR', 0.8567]);
    const note = (await books.post('/creditnotes', { customer_id: eur.contact_id, date: '2026-11-27', line_items: line })).body.creditnote;
    assert.deepEqual([note.currency_code, note.exchange_rate], ['EUR', 0.8567]);
    const given = (await books.post(`/creditnotes/${note.creditnote_id}/refunds`, { date: '2026-11-28', amount: 10, from_account_id: 'acc-1', exchange_rate: 0.9 })).body.creditnote_refund;
    assert.deepEqual([given.amount_fcy, given.amount_bcy], [10, 9], 'money given back at the rate sent');
    const pound = (await books.post('/contacts', { contact_name: 'Pound Customer' })).body.contact;
    const gbp = (await books.post('/invoices', { customer_id: pound.contact_id, date: '2026-11-27', line_items: line, exchange_rate: 1.2 })).body.invoice;
    assert.deepEqual([gbp.currency_code, gbp.exchange_rate], ['GBP', 1]);
  });

  it("a contact's currency can change until it has transactions", async () => {
    const contact = (await books.post('/contacts', { contact_name: 'Signed Up' })).body.contact;
    assert.equal(contact.currency_code, 'GBP');
    const moved = await books.put(`/contacts/${contact.contact_id}`, { contact_name: 'Signed Up', currency_id: eurId });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.contact.currency_code, 'EUR');
    await books.post('/invoices', { customer_id: contact.contact_id, line_items: [{ item_id: itemId, rate: 10, quantity: 1 }] });
    const refused = await books.put(`/contacts/${contact.contact_id}`, { contact_name: 'Signed Up', currency_id: gbpId });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /Currency cannot be changed for a contact with transactions/);
    assert.equal(zoho.contacts(orgId).find((c) => c.contact_id === contact.contact_id)!.currency_code, 'EUR');
  });
});
