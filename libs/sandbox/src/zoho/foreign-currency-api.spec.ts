import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { BooksTestClient, zohoWithOrg } from '../test-support/zoho-test-client';

describe('fake Zoho Books API: documents of a contact in a foreign currency, and its currency lock', () => {
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  let gbpId: string;
  let eurId: string;
  let usdId: string;
  let itemId: string;
  const line = () => [{ item_id: itemId, rate: 10, quantity: 1 }];

  before(async () => {
    zoho = await FakeZoho.start({ limits: { perMinute: 10_000 } });
    const setup = await zohoWithOrg(zoho, { name: 'Pound Shop Ltd', currencyCode: 'GBP', currencies: ['EUR'] });
    books = setup.client;
    orgId = setup.orgId;
    gbpId = zoho.organization(orgId).currency_id;
    eurId = (await books.get('/settings/currencies')).body.currencies.find((c: { currency_code: string }) => c.currency_code === 'EUR').currency_id;
    usdId = zoho.addCurrency(orgId, 'USD');
    zoho.setExchangeRate(orgId, 'EUR', '2026-03-01', 0.87);
    zoho.setExchangeRate(orgId, 'EUR', '2026-09-01', '0.8512');
    itemId = (await books.post('/items', { name: 'Foreign Item', rate: 10 })).body.item.item_id;
  });
  after(() => zoho.stop());

  async function contact(name: string, currencyId?: string): Promise<string> {
    const created = await books.post('/contacts', { contact_name: name, ...(currencyId && { currency_id: currencyId }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.contact.contact_id;
  }

  describe('invoices', () => {
    it('takes the rate sent, else the latest on or before its date (that day included), else 1', async () => {
      const customer = await contact('Invoice Euro', eurId);
      const at = async (date: string, extra: Record<string, unknown> = {}) => {
        const created = await books.post('/invoices', { customer_id: customer, date, line_items: line(), ...extra });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        return created.body.invoice;
      };
      const sent = await at('2026-09-15', { exchange_rate: 0.9 });
      assert.deepEqual([sent.currency_id, sent.currency_code, sent.exchange_rate], [eurId, 'EUR', 0.9]);
      assert.equal((await at('2026-09-01')).exchange_rate, 0.8512, 'a rate is in effect on its own date');
      assert.equal((await at('2026-08-31')).exchange_rate, 0.87);
      assert.equal((await at('2026-02-28')).exchange_rate, 1, 'no rate on file yet');
      const got = (await books.get(`/invoices/${sent.invoice_id}`)).body.invoice;
      assert.deepEqual([got.currency_code, got.exchange_rate], ['EUR', 0.9]);
      const row = (await books.get('/invoices', { customer_id: customer })).body.invoices.find((i: { invoice_id: string }) => i.invoice_id === sent.invoice_id);
      assert.deepEqual([row.currency_id, row.currency_code], [eurId, 'EUR']);
    });

    it('a currency without any rate on file books at 1', async () => {
      const customer = await contact('Invoice Dollar', usdId);
      const invoice = (await books.post('/invoices', { customer_id: customer, date: '2026-11-27', line_items: line() })).body.invoice;
      assert.deepEqual([invoice.currency_code, invoice.exchange_rate], ['USD', 1]);
    });

    it('an update keeps the rate unless it sends one; a base-currency invoice stays at 1', async () => {
      const customer = await contact('Invoice Update Euro', eurId);
      const invoice = (await books.post('/invoices', { customer_id: customer, date: '2026-09-10', line_items: line() })).body.invoice;
      assert.equal(invoice.exchange_rate, 0.8512);
      const moved = (await books.put(`/invoices/${invoice.invoice_id}`, { date: '2026-03-10' })).body.invoice;
      assert.equal(moved.exchange_rate, 0.8512, 'a new date alone does not rebook it');
      const corrected = (await books.put(`/invoices/${invoice.invoice_id}`, { exchange_rate: 0.86 })).body.invoice;
      assert.equal(corrected.exchange_rate, 0.86);
      assert.equal((await books.put(`/invoices/${invoice.invoice_id}`, { exchange_rate: 0 })).status, 400);

      const pound = await contact('Invoice Update Pound');
      const local = (await books.post('/invoices', { customer_id: pound, line_items: line(), exchange_rate: 1.3 })).body.invoice;
      assert.deepEqual([local.currency_id, local.currency_code, local.exchange_rate], [gbpId, 'GBP', 1]);
      const updated = (await books.put(`/invoices/${local.invoice_id}`, { exchange_rate: 1.3 })).body.invoice;
      assert.equal(updated.exchange_rate, 1, 'a rate sent for the base currency is ignored on update too');
    });

    it("moving an invoice to a customer in another currency takes that currency and its rate", async () => {
      const pound = await contact('Mover Pound');
      const euro = await contact('Mover Euro', eurId);
      const invoice = (await books.post('/invoices', { customer_id: pound, date: '2026-09-20', line_items: line() })).body.invoice;
      const moved = (await books.put(`/invoices/${invoice.invoice_id}`, { customer_id: euro })).body.invoice;
      assert.deepEqual([moved.currency_code, moved.exchange_rate], ['EUR', 0.8512]);
    });

    it("refuses a currency_id other than the customer's", async () => {
      const customer = await contact('Invoice Strict Euro', eurId);
      const same = await books.post('/invoices', { customer_id: customer, currency_id: eurId, line_items: line(), exchange_rate: 0.85 });
      assert.equal(same.status, 201);
      const other = await books.post('/invoices', { customer_id: customer, currency_id: gbpId, line_items: line() });
      assert.equal(other.status, 400);
      assert.match(other.body.message, /^Invalid value passed for currency_id\. The customer's currency is EUR/);
      const unknown = await books.post('/invoices', { customer_id: customer, currency_id: '1234567890123456789', line_items: line() });
      assert.match(unknown.body.message, /^Invalid value passed for currency_id\. Currency 1234567890123456789 is not enabled/);
    });
  });

  describe('credit notes and payments', () => {
    it('a credit note is in its customer currency, at the rate sent or else the one of its date', async () => {
      const customer = await contact('Credit Euro', eurId);
      const sent = await books.post('/creditnotes', { customer_id: customer, date: '2026-09-05', line_items: line(), exchange_rate: 0.845 });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.deepEqual([sent.body.creditnote.currency_id, sent.body.creditnote.currency_code, sent.body.creditnote.exchange_rate], [eurId, 'EUR', 0.845]);
      const defaulted = (await books.post('/creditnotes', { customer_id: customer, date: '2026-05-05', line_items: line() })).body.creditnote;
      assert.equal(defaulted.exchange_rate, 0.87);
      const got = (await books.get(`/creditnotes/${sent.body.creditnote.creditnote_id}`)).body.creditnote;
      assert.deepEqual([got.currency_code, got.exchange_rate], ['EUR', 0.845]);
      const row = (await books.get('/creditnotes', { customer_id: customer })).body.creditnotes[0];
      assert.deepEqual([row.currency_id, row.currency_code], [eurId, 'EUR']);
      const other = await books.post('/creditnotes', { customer_id: customer, currency_id: gbpId, line_items: line() });
      assert.equal(other.status, 400);
      assert.match(other.body.message, /currency_id/);
      const pound = await contact('Credit Pound');
      const local = (await books.post('/creditnotes', { customer_id: pound, line_items: line(), exchange_rate: 1.2 })).body.creditnote;
      assert.deepEqual([local.currency_code, local.exchange_rate], ['GBP', 1]);
    });

    it("money given back from a credit note is at the rate sent, else the credit note's (amount_bcy)", async () => {
      const customer = await contact('Refund Euro', eurId);
      const note = (await books.post('/creditnotes', { customer_id: customer, date: '2026-09-05', line_items: line() })).body.creditnote;
      const refund = (body: Record<string, unknown>) => books.post(`/creditnotes/${note.creditnote_id}/refunds`, { date: '2026-09-06', amount: 4, from_account_id: 'acc-1', ...body });
      const atSent = (await refund({ exchange_rate: 0.9 })).body.creditnote_refund;
      assert.deepEqual([atSent.amount_fcy, atSent.amount_bcy], [4, 3.6]);
      const atNote = (await refund({})).body.creditnote_refund;
      assert.deepEqual([atNote.amount_fcy, atNote.amount_bcy], [4, 3.4], '4 × 0.8512, rounded to the cent');
      assert.equal((await refund({ amount: 1, exchange_rate: 0 })).status, 400);
    });

    it('a payment is in its customer currency, at the rate sent or else the one of its date', async () => {
      const customer = await contact('Payer Euro', eurId);
      const invoice = (await books.post('/invoices', { customer_id: customer, date: '2026-09-02', line_items: line() })).body.invoice;
      const paid = await books.post('/customerpayments', {
        customer_id: customer,
        payment_mode: 'banktransfer',
        amount: 10,
        date: '2026-09-03',
        invoices: [{ invoice_id: invoice.invoice_id, amount_applied: 10 }],
        exchange_rate: 0.8499,
      });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      assert.deepEqual([paid.body.payment.currency_id, paid.body.payment.currency_code, paid.body.payment.exchange_rate], [eurId, 'EUR', 0.8499]);
      const defaulted = (await books.post('/customerpayments', { customer_id: customer, payment_mode: 'cash', amount: 5, date: '2026-04-01', invoices: [] })).body.payment;
      assert.deepEqual([defaulted.currency_code, defaulted.exchange_rate], ['EUR', 0.87]);
      const got = (await books.get(`/customerpayments/${paid.body.payment.payment_id}`)).body.payment;
      assert.deepEqual([got.currency_code, got.exchange_rate], ['EUR', 0.8499]);
      const pound = await contact('Payer Pound');
      const local = (await books.post('/customerpayments', { customer_id: pound, payment_mode: 'cash', amount: 5, date: '2026-04-01', invoices: [], exchange_rate: 1.1 })).body.payment;
      assert.deepEqual([local.currency_id, local.currency_code, local.exchange_rate], [gbpId, 'GBP', 1]);
    });

    it('a payment refused for its rate leaves the invoice and the credit untouched', async () => {
      const customer = await contact('Payer Refused', eurId);
      const invoice = (await books.post('/invoices', { customer_id: customer, date: '2026-09-02', line_items: line() })).body.invoice;
      const refused = await books.post('/customerpayments', {
        customer_id: customer,
        payment_mode: 'cash',
        amount: 15,
        date: '2026-09-03',
        invoices: [{ invoice_id: invoice.invoice_id, amount_applied: 10 }],
        exchange_rate: -1,
      });
      assert.equal(refused.status, 400);
      assert.match(refused.body.message, /^Invalid value passed for exchange_rate/);
      const after = (await books.get(`/invoices/${invoice.invoice_id}`)).body.invoice;
      assert.deepEqual([after.status, after.balance, after.payment_made], ['draft', 10, 0]);
      assert.equal((await books.get(`/contacts/${customer}`)).body.contact.unused_credits_receivable_amount, 0);
    });
  });

  describe("a contact's currency", () => {
    it('is on every contact response: create, get, list row and update', async () => {
      const created = (await books.post('/contacts', { contact_name: 'Shown Euro', currency_id: eurId })).body.contact;
      assert.deepEqual([created.currency_id, created.currency_code, created.currency_symbol], [eurId, 'EUR', '€']);
      const got = (await books.get(`/contacts/${created.contact_id}`)).body.contact;
      assert.deepEqual([got.currency_id, got.currency_code], [eurId, 'EUR']);
      const row = (await books.get('/contacts', { contact_name: 'Shown Euro' })).body.contacts[0];
      assert.deepEqual([row.currency_id, row.currency_code], [eurId, 'EUR']);
      const updated = (await books.put(`/contacts/${created.contact_id}`, { contact_name: 'Shown Euro', currency_id: usdId })).body.contact;
      assert.deepEqual([updated.currency_id, updated.currency_code], [usdId, 'USD'], 'no transactions yet, so it may change');
      const plain = (await books.post('/contacts', { contact_name: 'Shown Pound' })).body.contact;
      assert.deepEqual([plain.currency_id, plain.currency_code], [gbpId, 'GBP']);
    });

    it('is locked by any invoice (void too), credit note or payment, with code 4', async () => {
      const lockers: Array<[string, (id: string) => Promise<unknown>]> = [
        ['void invoice', async (id) => {
          const invoice = (await books.post('/invoices', { customer_id: id, line_items: line() })).body.invoice;
          assert.equal((await books.post(`/invoices/${invoice.invoice_id}/status/void`)).status, 200);
        }],
        ['credit note', (id) => books.post('/creditnotes', { customer_id: id, line_items: line() })],
        ['payment', (id) => books.post('/customerpayments', { customer_id: id, payment_mode: 'cash', amount: 1, invoices: [] })],
      ];
      for (const [what, lock] of lockers) {
        const id = await contact(`Locked by ${what}`, eurId);
        await lock(id);
        const refused = await books.put(`/contacts/${id}`, { contact_name: `Locked by ${what}`, currency_id: gbpId });
        assert.equal(refused.status, 400, what);
        assert.deepEqual(refused.body, { code: 4, message: 'Currency cannot be changed for a contact with transactions.' }, what);
        const kept = (await books.get(`/contacts/${id}`)).body.contact;
        assert.deepEqual([kept.currency_code, kept.has_transaction], ['EUR', true], what);
        const same = await books.put(`/contacts/${id}`, { contact_name: `Locked by ${what}`, currency_id: eurId, notes: 'still EUR' });
        assert.equal(same.status, 200, `${what}: sending its own currency again is no change`);
      }
    });
  });
});
