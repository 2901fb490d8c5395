import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { BooksTestClient, zohoWithOrg } from '../test-support/zoho-test-client';

const ID = /^\d{18,19}$/;
/** Far enough ahead that a sent invoice never reads as overdue. */
const FUTURE = '2999-01-01';

describe('fake Zoho Books API: customer payments', () => {
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  let customerId: string;
  let otherCustomerId: string;
  let itemId: string;
  let standardRate: string;

  before(async () => {
    zoho = await FakeZoho.start({ limits: { perMinute: 10_000 } });
    const setup = await zohoWithOrg(zoho, { name: 'Payment Shop Ltd', currencyCode: 'GBP', timeZone: 'Europe/London' });
    books = setup.client;
    orgId = setup.orgId;
    standardRate = zoho.taxes(orgId).find((t) => t.tax_name === 'Standard Rate')!.tax_id;
    customerId = (await books.post('/contacts', { contact_name: 'Payment Customer' })).body.contact.contact_id;
    otherCustomerId = (await books.post('/contacts', { contact_name: 'Other Payer' })).body.contact.contact_id;
    itemId = (await books.post('/items', { name: 'Payment Item', rate: 12.5 })).body.item.item_id;
  });
  after(() => zoho.stop());

  /** A draft invoice of 34.98 (the fixture invoice) unless overridden. */
  async function draftInvoice(overrides: Record<string, unknown> = {}) {
    const created = await books.post('/invoices', {
      customer_id: customerId,
      date: FUTURE,
      line_items: [{ item_id: itemId, rate: 12.5, quantity: 2, tax_id: standardRate }],
      shipping_charge: '4.99',
      adjustment: -0.01,
      ...overrides,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.invoice;
  }

  async function invoice(id: string) {
    return (await books.get(`/invoices/${id}`)).body.invoice;
  }

  /** As shared/fixtures/zoho/customerpayment-create-request.json, for `invoiceId`. */
  const paymentBody = (invoiceId: string, amount: number, overrides: Record<string, unknown> = {}) => ({
    customer_id: customerId,
    payment_mode: 'creditcard',
    amount,
    date: '2025-01-15',
    reference_number: 'stripe-ch_000000000001',
    description: 'WooCommerce order #1042 (Stripe)',
    invoices: [{ invoice_id: invoiceId, amount_applied: amount }],
    ...overrides,
  });

  async function createPayment(body: Record<string, unknown>) {
    const res = await books.post('/customerpayments', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.payment;
  }

  describe('create', () => {
    it('pays a draft invoice in full: marks it sent and paid, and answers like the fixture', async () => {
      const draft = await draftInvoice();
      assert.equal(draft.status, 'draft');
      const res = await books.post('/customerpayments', paymentBody(draft.invoice_id, 34.98));
      assert.equal(res.status, 201);
      assert.deepEqual([res.body.code, res.body.message], [0, 'The payment has been created.']);
      const payment = res.body.payment;
      assert.match(payment.payment_id, ID);
      assert.deepEqual(
        [payment.payment_mode, payment.amount, payment.date, payment.status, payment.reference_number, payment.description],
        ['creditcard', 34.98, '2025-01-15', 'success', 'stripe-ch_000000000001', 'WooCommerce order #1042 (Stripe)'],
      );
      assert.deepEqual([payment.customer_id, payment.customer_name, payment.currency_code], [customerId, 'Payment Customer', 'GBP']);
      assert.deepEqual(payment.invoices, [
        { invoice_id: draft.invoice_id, invoice_number: draft.invoice_number, date: FUTURE, invoice_amount: 34.98, amount_applied: 34.98, balance_amount: 0 },
      ]);

      const paid = await invoice(draft.invoice_id);
      assert.deepEqual([paid.status, paid.payment_made, paid.balance], ['paid', 34.98, 0]);
      assert.deepEqual((await books.get(`/customerpayments/${payment.payment_id}`)).body.payment, payment);
    });

    it('leaves a partly paid invoice partially_paid with the rest as its balance', async () => {
      const draft = await draftInvoice();
      const payment = await createPayment(paymentBody(draft.invoice_id, 10));
      assert.equal(payment.invoices[0].balance_amount, 24.98);
      const partly = await invoice(draft.invoice_id);
      assert.deepEqual([partly.status, partly.payment_made, partly.balance], ['partially_paid', 10, 24.98]);
    });

    it('refuses an amount_applied above the invoice balance with the error body, and applies nothing', async () => {
      const draft = await draftInvoice();
      const res = await books.post('/customerpayments', paymentBody(draft.invoice_id, 34.99));
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, {
        code: 2,
        message: 'Invalid value passed for invoices[0].amount_applied. The amount applied exceeds the balance due of the invoice.',
      });
      const untouched = await invoice(draft.invoice_id);
      assert.deepEqual([untouched.status, untouched.balance], ['draft', 34.98]);
    });

    it('refuses a payment against a void invoice', async () => {
      const draft = await draftInvoice();
      assert.equal((await books.post(`/invoices/${draft.invoice_id}/status/void`)).status, 200);
      const res = await books.post('/customerpayments', paymentBody(draft.invoice_id, 1));
      assert.equal(res.status, 400);
      assert.deepEqual(res.body, { code: 2, message: 'Invalid value passed for invoices[0].invoice_id. Payments cannot be applied to a void invoice.' });
      assert.equal((await invoice(draft.invoice_id)).payment_made, 0);
    });
  });

  describe('list', () => {
    it('finds exactly the payment with a reference_number, and filters by variants, customer, mode and date', async () => {
      const first = await draftInvoice();
      const second = await draftInvoice();
      const other = await draftInvoice({ customer_id: otherCustomerId });
      const exact = await createPayment(paymentBody(first.invoice_id, 5, { reference_number: 'woo-list-1042-P' }));
      const longer = await createPayment(paymentBody(second.invoice_id, 5, { reference_number: 'woo-list-1042-P2', payment_mode: 'cash', date: '2025-01-16' }));
      const foreign = await createPayment(
        paymentBody(other.invoice_id, 5, { customer_id: otherCustomerId, reference_number: 'woo-list-2000-P', payment_mode: 'banktransfer' }),
      );
      const ids = async (query: Record<string, string>) => {
        const res = await books.get('/customerpayments', query);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.customerpayments.map((p: { payment_id: string }) => p.payment_id);
      };

      const listed = await books.get('/customerpayments', { reference_number: 'woo-list-1042-P' });
      assert.deepEqual(listed.body.customerpayments, [exact]);
      assert.deepEqual(
        { page: listed.body.page_context.page, per_page: listed.body.page_context.per_page, has_more_page: listed.body.page_context.has_more_page },
        { page: 1, per_page: 200, has_more_page: false },
      );
      assert.deepEqual(await ids({ reference_number: 'woo-list-1042' }), []);
      assert.deepEqual(await ids({ reference_number_startswith: 'woo-list-1042' }), [longer.payment_id, exact.payment_id]);
      assert.deepEqual(await ids({ reference_number_contains: '2000' }), [foreign.payment_id]);
      assert.deepEqual(await ids({ customer_id: otherCustomerId }), [foreign.payment_id]);
      assert.deepEqual(await ids({ payment_mode: 'cash', reference_number_startswith: 'woo-list' }), [longer.payment_id]);
      assert.deepEqual(await ids({ date: '2025-01-16', reference_number_startswith: 'woo-list' }), [longer.payment_id]);
      assert.deepEqual(await ids({ reference_number_startswith: 'woo-list', unknown_filter: 'x' }), [foreign.payment_id, longer.payment_id, exact.payment_id]);

      const firstPage = await books.get('/customerpayments', { reference_number_startswith: 'woo-list', per_page: '2' });
      assert.equal(firstPage.body.customerpayments.length, 2);
      assert.equal(firstPage.body.page_context.has_more_page, true);
    });
  });

  describe('update', () => {
    const credit = async (id = customerId) => (await books.get(`/contacts/${id}`)).body.contact.unused_credits_receivable_amount;

    it('applies the payment anew: less to an invoice whose total fell, the rest the customer\'s credit; then more again', async () => {
      const draft = await draftInvoice();
      const payment = await createPayment(paymentBody(draft.invoice_id, 34.98, { reference_number: 'woo-update-P' }));
      const creditBefore = await credit();
      // Zoho refuses an invoice total below what is applied to it: the payment has to move first.
      const refused = await books.put(`/invoices/${draft.invoice_id}`, { line_items: [{ item_id: itemId, rate: 12.5, quantity: 1, tax_id: standardRate }] });
      assert.equal(refused.status, 400);

      const lowered = await books.put(`/customerpayments/${payment.payment_id}`, paymentBody(draft.invoice_id, 34.98, { invoices: [{ invoice_id: draft.invoice_id, amount_applied: 19.98 }] }));
      assert.equal(lowered.status, 200, JSON.stringify(lowered.body));
      assert.deepEqual([lowered.body.code, lowered.body.message], [0, 'The payment has been updated.']);
      assert.deepEqual([lowered.body.payment.payment_id, lowered.body.payment.amount, lowered.body.payment.invoices[0].amount_applied], [payment.payment_id, 34.98, 19.98]);
      assert.deepEqual([(await invoice(draft.invoice_id)).status, (await invoice(draft.invoice_id)).balance], ['partially_paid', 15]);
      assert.equal(await credit(), creditBefore + 15, 'what is no longer applied is the customer\'s credit');
      const smaller = await books.put(`/invoices/${draft.invoice_id}`, { line_items: [{ item_id: itemId, rate: 12.5, quantity: 1, tax_id: standardRate }] });
      assert.equal(smaller.status, 200, JSON.stringify(smaller.body));
      assert.deepEqual([smaller.body.invoice.total, smaller.body.invoice.balance, smaller.body.invoice.status], [19.98, 0, 'paid']);

      // The whole amount again, once the invoice is back to its total; the credit is used up.
      await books.put(`/invoices/${draft.invoice_id}`, { line_items: [{ item_id: itemId, rate: 12.5, quantity: 2, tax_id: standardRate }] });
      const raised = await books.put(`/customerpayments/${payment.payment_id}`, paymentBody(draft.invoice_id, 34.98));
      assert.equal(raised.status, 200, JSON.stringify(raised.body));
      assert.deepEqual([(await invoice(draft.invoice_id)).status, (await invoice(draft.invoice_id)).balance], ['paid', 0]);
      assert.equal(await credit(), creditBefore);
    });

    it('refuses what a create refuses, and more than the invoice owes with this payment taken back; nothing changes', async () => {
      const draft = await draftInvoice();
      const payment = await createPayment(paymentBody(draft.invoice_id, 20, { reference_number: 'woo-update-refused-P' }));
      const path = `/customerpayments/${payment.payment_id}`;
      const refusals: Array<[Record<string, unknown>, string]> = [
        [paymentBody(draft.invoice_id, 20, { invoices: [{ invoice_id: draft.invoice_id, amount_applied: 34.99 }], amount: 40 }), 'exceeds the balance due'],
        [paymentBody(draft.invoice_id, 20, { amount: 10 }), 'exceeds the payment amount'],
        [paymentBody(draft.invoice_id, 20, { payment_mode: 'barter' }), 'payment_mode'],
        [paymentBody(draft.invoice_id, 20, { customer_id: otherCustomerId }), 'cannot be changed'],
        [{ ...paymentBody(draft.invoice_id, 20), customer_id: undefined }, 'customer_id is required'],
      ];
      for (const [body, reason] of refusals) {
        const res = await books.put(path, body);
        assert.equal(res.status, 400, `${reason}: ${JSON.stringify(res.body)}`);
        assert.match(res.body.message, new RegExp(reason), JSON.stringify(res.body));
      }
      const unchanged = await books.get(path);
      assert.deepEqual([unchanged.body.payment.amount, unchanged.body.payment.invoices[0].amount_applied], [20, 20]);
      assert.equal((await invoice(draft.invoice_id)).balance, 14.98);
      // With its own 20 taken back the invoice owes 34.98: all of it may be applied.
      const whole = await books.put(path, paymentBody(draft.invoice_id, 34.98));
      assert.equal(whole.status, 200, JSON.stringify(whole.body));
      assert.equal((await invoice(draft.invoice_id)).status, 'paid');
      assert.equal((await books.put('/customerpayments/1234567890123456789', paymentBody(draft.invoice_id, 1))).status, 404);
    });
  });

  describe('delete', () => {
    it('restores the invoice balance and forgets the payment', async () => {
      const draft = await draftInvoice();
      const payment = await createPayment(paymentBody(draft.invoice_id, 34.98, { reference_number: 'woo-delete-P' }));
      assert.equal((await invoice(draft.invoice_id)).status, 'paid');

      const deleted = await books.delete(`/customerpayments/${payment.payment_id}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body, { code: 0, message: 'The payment has been deleted.' });
      // Marked sent by the payment, the invoice stays sent and owes the whole amount again.
      const restored = await invoice(draft.invoice_id);
      assert.deepEqual([restored.status, restored.payment_made, restored.balance], ['sent', 0, 34.98]);
      assert.deepEqual((await books.get('/customerpayments', { reference_number: 'woo-delete-P' })).body.customerpayments, []);
      const gone = await books.get(`/customerpayments/${payment.payment_id}`);
      assert.equal(gone.status, 404);
      assert.deepEqual(gone.body, { code: 1002, message: 'Payment does not exist.' });
    });
  });
});
