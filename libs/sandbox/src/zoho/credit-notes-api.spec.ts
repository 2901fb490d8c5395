import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { BooksTestClient, mintAccessToken, zohoWithOrg } from '../test-support/zoho-test-client';

const ID = /^\d{18,19}$/;
/** Far enough ahead that a sent invoice never reads as overdue. */
const FUTURE = '2999-01-01';

describe('fake Zoho Books API: credit notes', () => {
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  let taxes: Record<string, string>;
  let customerId: string;
  let otherCustomerId: string;
  let itemId: string;

  before(async () => {
    // This file makes a few hundred calls within a minute; the per-minute limit has its own tests.
    zoho = await FakeZoho.start({ limits: { perMinute: 10_000 } });
    const setup = await zohoWithOrg(zoho, { name: 'Credit Shop Ltd', currencyCode: 'GBP', timeZone: 'Europe/London' });
    books = setup.client;
    orgId = setup.orgId;
    taxes = Object.fromEntries(zoho.taxes(orgId).map((t) => [t.tax_name, t.tax_id]));
    customerId = (await books.post('/contacts', { contact_name: 'Credit Customer' })).body.contact.contact_id;
    otherCustomerId = (await books.post('/contacts', { contact_name: 'Other Customer' })).body.contact.contact_id;
    itemId = (await books.post('/items', { name: 'Credit Item', rate: 12.5 })).body.item.item_id;
  });
  after(() => zoho.stop());

  /** 2 × 12.50 at 20% = 30.00. */
  const creditBody = (overrides: Record<string, unknown> = {}) => ({
    customer_id: customerId,
    line_items: [{ item_id: itemId, rate: 12.5, quantity: 2, tax_id: taxes['Standard Rate'] }],
    ...overrides,
  });

  async function createCreditNote(overrides: Record<string, unknown> = {}, query?: Record<string, string>) {
    const res = await books.post('/creditnotes', creditBody(overrides), query);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.creditnote;
  }

  /** A sent invoice of 34.98 (the fixture invoice) unless overridden. */
  async function sentInvoice(overrides: Record<string, unknown> = {}) {
    const created = await books.post('/invoices', {
      customer_id: customerId,
      date: FUTURE,
      line_items: [{ item_id: itemId, rate: 12.5, quantity: 2, tax_id: taxes['Standard Rate'] }],
      shipping_charge: '4.99',
      adjustment: -0.01,
      ...overrides,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: string = created.body.invoice.invoice_id;
    assert.equal((await books.post(`/invoices/${id}/status/sent`)).status, 200);
    return invoice(id);
  }

  async function invoice(id: string) {
    return (await books.get(`/invoices/${id}`)).body.invoice;
  }

  async function creditNote(id: string) {
    return (await books.get(`/creditnotes/${id}`)).body.creditnote;
  }

  function apply(creditNoteId: string, invoices: Array<{ invoice_id: string; amount_applied: number | string }>) {
    return books.post(`/creditnotes/${creditNoteId}/invoices`, { invoices });
  }

  describe('create', () => {
    it('creates an open credit note (201, exact message, string ids) and numbers them CN-00001, CN-00002, …', async () => {
      // A fresh organisation, so the series starts at 1 whatever ran before.
      const own = await zohoWithOrg(zoho, { currencyCode: 'GBP', timeZone: 'Europe/London' });
      const customer = (await own.client.post('/contacts', { contact_name: 'Numbering Customer' })).body.contact.contact_id;
      const body = { customer_id: customer, line_items: [{ name: 'Returned mug', rate: 10, quantity: 1 }] };
      const first = await own.client.post('/creditnotes', body);
      assert.equal(first.status, 201);
      assert.equal(first.body.code, 0);
      assert.equal(first.body.message, 'The credit note has been created.');
      const note = first.body.creditnote;
      assert.match(note.creditnote_id, ID);
      assert.match(note.line_items[0].line_item_id, ID);
      assert.equal(note.creditnote_number, 'CN-00001');
      assert.equal(note.status, 'open');
      assert.equal(note.customer_id, customer);
      assert.equal(note.customer_name, 'Numbering Customer');
      assert.equal(note.currency_code, 'GBP');
      assert.equal(note.date, new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date()));
      assert.deepEqual([note.total, note.balance, note.total_credits_used, note.invoice_id], [10, 10, 0, '']);
      // Without ignore_auto_number_generation a supplied number is ignored, not refused.
      const second = await own.client.post('/creditnotes', { ...body, creditnote_number: 'MINE-1' });
      assert.equal(second.body.creditnote.creditnote_number, 'CN-00002');
    });

    it('uses a custom number only with ignore_auto_number_generation=true and rejects a duplicate', async () => {
      const custom = await createCreditNote({ creditnote_number: 'WC-CN-1042' }, { ignore_auto_number_generation: 'true' });
      assert.equal(custom.creditnote_number, 'WC-CN-1042');
      const duplicate = await books.post('/creditnotes', creditBody({ creditnote_number: 'wc-cn-1042' }), { ignore_auto_number_generation: 'true' });
      assert.equal(duplicate.status, 400);
      assert.deepEqual(duplicate.body, {
        code: 1001,
        message: 'The credit note number "wc-cn-1042" already exists. Please specify a different credit note number.',
      });
      const missing = await books.post('/creditnotes', creditBody(), { ignore_auto_number_generation: 'true' });
      assert.equal(missing.status, 400);
      assert.match(missing.body.message, /creditnote_number/);
    });

    it('computes totals like an invoice: exclusive tax, per-line rounding and a negative adjustment', async () => {
      const note = await createCreditNote({
        line_items: [
          { item_id: itemId, rate: 12.5, quantity: 2, tax_id: taxes['Standard Rate'] },
          // 3 × 0.10 = 0.30 at 5%: tax 0.015 → 0.02 (half away from zero; no float drift).
          { name: 'Sample', rate: '0.10', quantity: 3, tax_id: taxes['Reduced Rate'] },
          { name: 'Discounted', rate: 20, quantity: 1, discount: '10%' },
        ],
        adjustment: -0.01,
        adjustment_description: 'Rounding to WooCommerce refund',
      });
      assert.deepEqual([note.sub_total, note.tax_total, note.adjustment, note.total, note.balance], [43.3, 5.02, -0.01, 48.31, 48.31]);
      assert.deepEqual(note.taxes, [
        { tax_name: 'Standard Rate (20%)', tax_amount: 5 },
        { tax_name: 'Reduced Rate (5%)', tax_amount: 0.02 },
      ]);
      assert.equal(note.line_items[1].item_id, '');
      assert.equal(note.line_items[1].name, 'Sample');
      assert.equal(note.line_items[2].item_total, 18);
      assert.equal(note.adjustment_description, 'Rounding to WooCommerce refund');
    });

    it('keeps inclusive line totals tax-inclusive and does not add the tax again', async () => {
      const note = await createCreditNote({
        is_inclusive_tax: true,
        line_items: [
          { item_id: itemId, rate: '11.90', quantity: 1, tax_id: taxes['Standard Rate'] },
          { name: 'Shipping refund', rate: 4.99, quantity: 1, tax_id: taxes['Standard Rate'] },
        ],
        adjustment: '0.01',
      });
      // 11.90 × 20/120 = 1.983… → 1.98; 4.99 × 20/120 = 0.831… → 0.83.
      assert.equal(note.is_inclusive_tax, true);
      assert.deepEqual([note.sub_total, note.tax_total, note.total], [16.89, 2.81, 16.9]);
    });

    it('starts as draft with is_draft and takes reference, date, notes and terms', async () => {
      const note = await createCreditNote({ is_draft: true, reference_number: 'woo-refund-7', date: '2025-02-03', notes: 'n', terms: 't', unknown_field: 1 });
      assert.deepEqual([note.status, note.reference_number, note.date, note.notes, note.terms], ['draft', 'woo-refund-7', '2025-02-03', 'n', 't']);
    });

    it('keeps the invoice of the invoice_id query, which must be the same customer’s and not void', async () => {
      const invoiceJson = await sentInvoice();
      const note = await createCreditNote({}, { invoice_id: invoiceJson.invoice_id });
      assert.equal(note.invoice_id, invoiceJson.invoice_id);
      assert.equal(note.invoice_number, invoiceJson.invoice_number);
      const row = (await books.get('/creditnotes', { creditnote_number: note.creditnote_number })).body.creditnotes[0];
      assert.equal(row.invoice_number, invoiceJson.invoice_number);
      // Associating does not apply any credit.
      assert.equal((await invoice(invoiceJson.invoice_id)).balance, 34.98);

      const wrongCustomer = await books.post('/creditnotes', creditBody({ customer_id: otherCustomerId }), { invoice_id: invoiceJson.invoice_id });
      assert.equal(wrongCustomer.status, 400);
      assert.match(wrongCustomer.body.message, /invoice_id/);
      const unknown = await books.post('/creditnotes', creditBody(), { invoice_id: '1111111111111111111' });
      assert.equal(unknown.status, 400);
      const voided = await sentInvoice();
      await books.post(`/invoices/${voided.invoice_id}/status/void`);
      const onVoid = await books.post('/creditnotes', creditBody(), { invoice_id: voided.invoice_id });
      assert.equal(onVoid.status, 400);
      assert.match(onVoid.body.message, /void invoice/);
    });

    it('validates customer, lines, items, quantities, taxes and dates', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ line_items: [{ item_id: itemId, quantity: 1 }] }, /customer_id/],
        [creditBody({ customer_id: '1111111111111111111' }), /customer_id/],
        [{ customer_id: customerId }, /line_items/],
        [creditBody({ line_items: [] }), /line_items/],
        [creditBody({ line_items: [{ item_id: '1111111111111111111', quantity: 1 }] }), /item_id/],
        [creditBody({ line_items: [{ item_id: itemId, quantity: 0 }] }), /quantity/i],
        [creditBody({ line_items: [{ item_id: itemId, quantity: -1 }] }), /quantity/i],
        [creditBody({ line_items: [{ item_id: itemId, quantity: 1, tax_id: '1111111111111111111' }] }), /tax_id/],
        [creditBody({ line_items: [{ rate: 5, quantity: 1 }] }), /name/],
        [creditBody({ line_items: [{ name: 'No rate', quantity: 1 }] }), /rate/],
        [creditBody({ line_items: [{ name: 'x', rate: 1, invoice_id: '1111111111111111111' }] }), /invoice_id/],
        [creditBody({ date: '03/02/2025' }), /date/],
        [creditBody({ currency_id: '1111111111111111111' }), /currency_id/],
        [creditBody({ adjustment: -100 }), /negative/],
      ];
      for (const [body, message] of cases) {
        const res = await books.post('/creditnotes', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.notEqual(res.body.code, 0);
        assert.match(res.body.message, message, JSON.stringify(body));
      }
    });
  });

  describe('read', () => {
    it('lists by reference_number, customer, status and number, paginated with page_context', async () => {
      const a = await createCreditNote({ reference_number: 'woo-refund-list-1' });
      const b = await createCreditNote({ reference_number: 'woo-refund-list-1' });
      await createCreditNote({ reference_number: 'woo-refund-list-10' });
      const other = await createCreditNote({ customer_id: otherCustomerId, reference_number: 'woo-refund-list-other' });

      const listed = await books.get('/creditnotes', { reference_number: 'woo-refund-list-1' });
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.creditnotes.map((c: { creditnote_id: string }) => c.creditnote_id), [b.creditnote_id, a.creditnote_id]);
      assert.deepEqual(
        { page: listed.body.page_context.page, per_page: listed.body.page_context.per_page, has_more_page: listed.body.page_context.has_more_page },
        { page: 1, per_page: 200, has_more_page: false },
      );
      const row = listed.body.creditnotes[0];
      assert.deepEqual([row.creditnote_number, row.status, row.total, row.balance, row.customer_name], [b.creditnote_number, 'open', 30, 30, 'Credit Customer']);

      const firstPage = await books.get('/creditnotes', { reference_number_startswith: 'woo-refund-list', per_page: '2' });
      assert.equal(firstPage.body.creditnotes.length, 2);
      assert.equal(firstPage.body.page_context.has_more_page, true);
      const byCustomer = await books.get('/creditnotes', { customer_id: otherCustomerId });
      assert.deepEqual(byCustomer.body.creditnotes.map((c: { creditnote_id: string }) => c.creditnote_id), [other.creditnote_id]);
      const byNumber = await books.get('/creditnotes', { creditnote_number: a.creditnote_number });
      assert.deepEqual(byNumber.body.creditnotes.map((c: { creditnote_id: string }) => c.creditnote_id), [a.creditnote_id]);
      const drafts = await books.get('/creditnotes', { status: 'draft', reference_number_startswith: 'woo-refund-list' });
      assert.equal(drafts.body.creditnotes.length, 0);
      assert.equal((await books.get('/creditnotes', { status: 'paid' })).status, 400);
    });

    it('answers an unknown credit note with 404 code 1002', async () => {
      for (const res of [
        await books.get('/creditnotes/1234567890123456789'),
        await books.post('/creditnotes/1234567890123456789/status/void'),
        await books.delete('/creditnotes/1234567890123456789'),
        await apply('1234567890123456789', [{ invoice_id: '1', amount_applied: 1 }]),
      ]) {
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, { code: 1002, message: 'Credit Note does not exist.' });
      }
    });

    it('shows the same credit notes through FakeZoho.creditNotes as through the API', async () => {
      const note = await createCreditNote({ reference_number: 'accessor' });
      const fromFake = zoho.creditNotes(orgId).find((c) => c.creditnote_id === note.creditnote_id);
      assert.deepEqual(fromFake, await creditNote(note.creditnote_id));
    });
  });

  describe('apply to invoices', () => {
    it('lowers invoice and credit note balances (partially_paid, paid, closed) with the fixture message', async () => {
      const note = await createCreditNote(); // 30.00
      const first = await sentInvoice(); // 34.98
      const second = await sentInvoice({ line_items: [{ name: 'x', item_id: itemId, rate: 10, quantity: 2 }], shipping_charge: 0, adjustment: 0 }); // 20.00
      const applied = await apply(note.creditnote_id, [{ invoice_id: first.invoice_id, amount_applied: 10.0 }]);
      assert.equal(applied.status, 200);
      assert.deepEqual(applied.body, { code: 0, message: 'Credits have been applied to the invoice(s).' });

      let firstNow = await invoice(first.invoice_id);
      assert.deepEqual([firstNow.status, firstNow.credits_applied, firstNow.balance], ['partially_paid', 10, 24.98]);
      let noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance, noteNow.total_credits_used], ['open', 20, 10]);
      assert.equal(noteNow.invoices_credited.length, 1);
      assert.deepEqual(
        [noteNow.invoices_credited[0].invoice_id, noteNow.invoices_credited[0].invoice_number, noteNow.invoices_credited[0].amount_applied],
        [first.invoice_id, first.invoice_number, 10],
      );
      assert.match(noteNow.invoices_credited[0].creditnote_invoice_id, ID);

      // Amounts as strings are exact too: 19.99 + 0.01 leaves nothing (no float drift).
      await apply(note.creditnote_id, [
        { invoice_id: second.invoice_id, amount_applied: '19.99' },
        { invoice_id: second.invoice_id, amount_applied: '0.01' },
      ]);
      const secondNow = await invoice(second.invoice_id);
      assert.deepEqual([secondNow.status, secondNow.balance], ['paid', 0]);
      noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance, noteNow.total_credits_used], ['closed', 0, 30]);
      assert.equal((await books.get('/creditnotes', { status: 'closed', creditnote_number: note.creditnote_number })).body.creditnotes.length, 1);

      const fromClosed = await apply(note.creditnote_id, [{ invoice_id: first.invoice_id, amount_applied: 1 }]);
      assert.equal(fromClosed.status, 400);
      assert.match(fromClosed.body.message, /closed/);
      firstNow = await invoice(first.invoice_id);
      assert.equal(firstNow.balance, 24.98);
    });

    it('refuses amounts over the invoice balance or the credit note balance, and applies nothing then', async () => {
      const note = await createCreditNote(); // 30.00
      const small = await sentInvoice({ line_items: [{ item_id: itemId, rate: 5, quantity: 1 }], shipping_charge: 0, adjustment: 0 }); // 5.00
      const big = await sentInvoice(); // 34.98

      const overInvoice = await apply(note.creditnote_id, [{ invoice_id: small.invoice_id, amount_applied: 5.01 }]);
      assert.equal(overInvoice.status, 400);
      assert.match(overInvoice.body.message, /balance due of the invoice/);
      const twiceOverInvoice = await apply(note.creditnote_id, [
        { invoice_id: small.invoice_id, amount_applied: 3 },
        { invoice_id: small.invoice_id, amount_applied: 3 },
      ]);
      assert.equal(twiceOverInvoice.status, 400);
      const overNote = await apply(note.creditnote_id, [
        { invoice_id: small.invoice_id, amount_applied: 5 },
        { invoice_id: big.invoice_id, amount_applied: 25.01 },
      ]);
      assert.equal(overNote.status, 400);
      assert.match(overNote.body.message, /balance of the credit note/);
      for (const amount of [0, -1]) {
        const res = await apply(note.creditnote_id, [{ invoice_id: small.invoice_id, amount_applied: amount }]);
        assert.equal(res.status, 400);
        assert.match(res.body.message, /amount_applied/);
      }
      assert.equal((await books.post(`/creditnotes/${note.creditnote_id}/invoices`, {})).status, 400);

      assert.equal((await invoice(small.invoice_id)).balance, 5);
      assert.equal((await invoice(big.invoice_id)).balance, 34.98);
      assert.equal((await creditNote(note.creditnote_id)).balance, 30);
    });

    it('refuses draft, void and other customers’ invoices, and draft or void credit notes', async () => {
      const note = await createCreditNote();
      const draftInvoice = (
        await books.post('/invoices', { customer_id: customerId, date: FUTURE, line_items: [{ item_id: itemId, rate: 10, quantity: 1 }] })
      ).body.invoice;
      const onDraft = await apply(note.creditnote_id, [{ invoice_id: draftInvoice.invoice_id, amount_applied: 1 }]);
      assert.equal(onDraft.status, 400);
      assert.match(onDraft.body.message, /draft status/);
      assert.equal((await invoice(draftInvoice.invoice_id)).status, 'draft');

      const voidInvoice = await sentInvoice();
      await books.post(`/invoices/${voidInvoice.invoice_id}/status/void`);
      const onVoid = await apply(note.creditnote_id, [{ invoice_id: voidInvoice.invoice_id, amount_applied: 1 }]);
      assert.equal(onVoid.status, 400);
      assert.match(onVoid.body.message, /void status/);

      const foreign = await sentInvoice({ customer_id: otherCustomerId });
      const onForeign = await apply(note.creditnote_id, [{ invoice_id: foreign.invoice_id, amount_applied: 1 }]);
      assert.equal(onForeign.status, 400);
      assert.match(onForeign.body.message, /does not exist for this customer/);

      const target = await sentInvoice();
      const draftNote = await createCreditNote({ is_draft: true });
      const fromDraft = await apply(draftNote.creditnote_id, [{ invoice_id: target.invoice_id, amount_applied: 1 }]);
      assert.equal(fromDraft.status, 400);
      assert.match(fromDraft.body.message, /draft/);

      await books.post(`/creditnotes/${note.creditnote_id}/status/void`);
      const fromVoid = await apply(note.creditnote_id, [{ invoice_id: target.invoice_id, amount_applied: 1 }]);
      assert.equal(fromVoid.status, 400);
      assert.match(fromVoid.body.message, /void status/);
      assert.equal((await invoice(target.invoice_id)).balance, 34.98);
    });
  });

  describe('void and delete', () => {
    it('voiding a credit note takes its credits back off the invoices; voiding twice is harmless', async () => {
      const note = await createCreditNote();
      const target = await sentInvoice();
      await apply(note.creditnote_id, [{ invoice_id: target.invoice_id, amount_applied: 30 }]);
      assert.equal((await invoice(target.invoice_id)).balance, 4.98);

      const voided = await books.post(`/creditnotes/${note.creditnote_id}/status/void`);
      assert.equal(voided.status, 200);
      assert.deepEqual(voided.body, { code: 0, message: 'The credit note has been voided.' });
      const restored = await invoice(target.invoice_id);
      assert.deepEqual([restored.status, restored.credits_applied, restored.balance], ['sent', 0, 34.98]);
      const noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance, noteNow.total, noteNow.invoices_credited], ['void', 0, 30, []]);

      const again = await books.post(`/creditnotes/${note.creditnote_id}/status/void`);
      assert.equal(again.status, 200);
      assert.equal((await invoice(target.invoice_id)).balance, 34.98);
    });

    it('voiding an invoice gives its credits back to the credit notes', async () => {
      const note = await createCreditNote();
      const target = await sentInvoice();
      const other = await sentInvoice();
      await apply(note.creditnote_id, [
        { invoice_id: target.invoice_id, amount_applied: 25 },
        { invoice_id: other.invoice_id, amount_applied: 5 },
      ]);
      assert.equal((await creditNote(note.creditnote_id)).status, 'closed');

      await books.post(`/invoices/${target.invoice_id}/status/void`);
      const noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance, noteNow.total_credits_used], ['open', 25, 5]);
      assert.deepEqual(noteNow.invoices_credited.map((a: { invoice_id: string }) => a.invoice_id), [other.invoice_id]);
      const voidedInvoice = await invoice(target.invoice_id);
      assert.deepEqual([voidedInvoice.status, voidedInvoice.credits_applied], ['void', 0]);
      assert.equal((await invoice(other.invoice_id)).balance, 29.98);
      // The credit given back can be applied again.
      const again = await sentInvoice();
      assert.equal((await apply(note.creditnote_id, [{ invoice_id: again.invoice_id, amount_applied: 25 }])).status, 200);
    });

    it('blocks deleting a credit note with credits applied, and an invoice holding credits', async () => {
      const note = await createCreditNote();
      const target = await sentInvoice();
      await apply(note.creditnote_id, [{ invoice_id: target.invoice_id, amount_applied: 1 }]);

      const blocked = await books.delete(`/creditnotes/${note.creditnote_id}`);
      assert.equal(blocked.status, 400);
      assert.notEqual(blocked.body.code, 0);
      assert.match(blocked.body.message, /cannot be deleted/);
      const invoiceBlocked = await books.delete(`/invoices/${target.invoice_id}`);
      assert.equal(invoiceBlocked.status, 400);
      assert.match(invoiceBlocked.body.message, /credits note applied cannot be deleted/);
      const customerChange = await books.put(`/invoices/${target.invoice_id}`, { customer_id: otherCustomerId });
      assert.equal(customerChange.status, 400);

      await books.post(`/creditnotes/${note.creditnote_id}/status/void`);
      const deleted = await books.delete(`/creditnotes/${note.creditnote_id}`);
      assert.deepEqual(deleted.body, { code: 0, message: 'The credit note has been deleted.' });
      assert.equal((await books.get(`/creditnotes/${note.creditnote_id}`)).status, 404);
      assert.equal((await books.delete(`/invoices/${target.invoice_id}`)).status, 200);
    });
  });

  describe('through the request pipeline', () => {
    it('needs the creditnotes scope: 401 code 57 like every other route', async () => {
      const client = zoho.registerClient();
      const scoped = async (scopes: string[]) =>
        new BooksTestClient(zoho, await mintAccessToken(zoho, client, zoho.issueRefreshToken(client.clientId, [orgId], scopes)), orgId);
      const note = await createCreditNote();
      const denied = { code: 57, message: 'You are not authorized to perform this operation' };

      const invoicesOnly = await scoped(['ZohoBooks.invoices.ALL']);
      for (const res of [
        await invoicesOnly.post('/creditnotes', creditBody()),
        await invoicesOnly.get('/creditnotes'),
        await invoicesOnly.get(`/creditnotes/${note.creditnote_id}`),
      ]) {
        assert.equal(res.status, 401);
        assert.deepEqual(res.body, denied);
      }

      const readOnly = await scoped(['ZohoBooks.creditnotes.READ']);
      assert.equal((await readOnly.get('/creditnotes')).status, 200);
      assert.equal((await readOnly.get(`/creditnotes/${note.creditnote_id}`)).status, 200);
      assert.deepEqual((await readOnly.post('/creditnotes', creditBody())).body, denied);
      assert.deepEqual((await readOnly.post(`/creditnotes/${note.creditnote_id}/invoices`, { invoices: [] })).body, denied);
      assert.deepEqual((await readOnly.post(`/creditnotes/${note.creditnote_id}/status/void`)).body, denied);

      const createAndRead = await scoped(['ZohoBooks.creditnotes.CREATE', 'ZohoBooks.creditnotes.READ']);
      assert.equal((await createAndRead.post('/creditnotes', creditBody())).status, 201);
      assert.deepEqual((await createAndRead.delete(`/creditnotes/${note.creditnote_id}`)).body, denied);
    });

    it('records the calls, checks organization_id and sends the rate-limit headers', async () => {
      const mark = zoho.mark();
      const created = await books.post('/creditnotes', creditBody({ reference_number: 'logged' }));
      assert.ok(created.headers.get('x-rate-limit-remaining'));
      const [call] = zoho.callsSince(mark);
      assert.deepEqual(
        { method: call!.method, resourcePath: call!.resourcePath, status: call!.status, code: call!.code, organizationId: call!.organizationId },
        { method: 'POST', resourcePath: '/creditnotes', status: 201, code: 0, organizationId: orgId },
      );
      assert.equal((call!.body as { reference_number: string }).reference_number, 'logged');
      const wrongOrg = await books.call('GET', '/creditnotes', { query: { organization_id: '999' } });
      assert.equal(wrongOrg.status, 400);
      assert.equal(wrongOrg.body.message, 'Invalid value passed for organization_id');
    });

    it('accepts the legacy JSONString form body', async () => {
      const form = `JSONString=${encodeURIComponent(JSON.stringify(creditBody({ reference_number: 'form' })))}`;
      const created = await books.call('POST', '/creditnotes', { form });
      assert.equal(created.status, 201);
      assert.equal(created.body.creditnote.reference_number, 'form');
    });
  });
});
