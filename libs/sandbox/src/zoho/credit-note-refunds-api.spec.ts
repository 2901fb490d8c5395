import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeZoho } from './fake-zoho';
import { BooksTestClient, mintAccessToken, zohoWithOrg } from '../test-support/zoho-test-client';

const ID = /^\d{18,19}$/;
/** Far enough ahead that a sent invoice never reads as overdue. */
const FUTURE = '2999-01-01';
const ACCOUNT = '460000000000358';
const RECORDED = 'The refund information for this particular credit note has been recorded successfully.';
const VOID_REFUSED = {
  code: 2,
  message: 'The credit note cannot be voided as refunds are recorded for it. Delete the refunds and try again.',
};

describe('fake Zoho Books API: credit note refunds', () => {
  let zoho: FakeZoho;
  let books: BooksTestClient;
  let orgId: string;
  let taxes: Record<string, string>;
  let customerId: string;
  let itemId: string;

  before(async () => {
    zoho = await FakeZoho.start({ limits: { perMinute: 10_000 } });
    const setup = await zohoWithOrg(zoho, { name: 'Refund Shop Ltd', currencyCode: 'GBP', timeZone: 'Europe/London' });
    books = setup.client;
    orgId = setup.orgId;
    taxes = Object.fromEntries(zoho.taxes(orgId).map((t) => [t.tax_name, t.tax_id]));
    customerId = (await books.post('/contacts', { contact_name: 'Refund Customer' })).body.contact.contact_id;
    itemId = (await books.post('/items', { name: 'Refund Item', rate: 12.5 })).body.item.item_id;
  });
  after(() => zoho.stop());

  /** 2 × 12.50 at 20% = 30.00. */
  async function createCreditNote(overrides: Record<string, unknown> = {}) {
    const res = await books.post('/creditnotes', {
      customer_id: customerId,
      reference_number: 'woo-refund-1042-1',
      line_items: [{ item_id: itemId, rate: 12.5, quantity: 2, tax_id: taxes['Standard Rate'] }],
      ...overrides,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.creditnote;
  }

  async function creditNote(id: string) {
    return (await books.get(`/creditnotes/${id}`)).body.creditnote;
  }

  async function row(id: string) {
    const number = (await creditNote(id)).creditnote_number;
    return (await books.get('/creditnotes', { creditnote_number: number })).body.creditnotes[0];
  }

  const refundBody = (overrides: Record<string, unknown> = {}) => ({
    date: '2025-02-03',
    amount: 10,
    from_account_id: ACCOUNT,
    refund_mode: 'creditcard',
    reference_number: '1042-R7',
    description: 'Refund of order 1042',
    ...overrides,
  });

  function refund(creditNoteId: string, overrides: Record<string, unknown> = {}) {
    return books.post(`/creditnotes/${creditNoteId}/refunds`, refundBody(overrides));
  }

  function refunds(creditNoteId: string) {
    return books.get(`/creditnotes/${creditNoteId}/refunds`);
  }

  describe('record', () => {
    it('records a refund (201, exact message and shape) and lowers the balance on GET and list rows', async () => {
      const note = await createCreditNote();
      const res = await refund(note.creditnote_id);
      assert.equal(res.status, 201);
      assert.equal(res.body.code, 0);
      assert.equal(res.body.message, RECORDED);
      const made = res.body.creditnote_refund;
      assert.match(made.creditnote_refund_id, ID);
      assert.deepEqual(made, {
        creditnote_refund_id: made.creditnote_refund_id,
        creditnote_id: note.creditnote_id,
        date: '2025-02-03',
        refund_mode: 'creditcard',
        reference_number: '1042-R7',
        creditnote_number: note.creditnote_number,
        customer_name: 'Refund Customer',
        description: 'Refund of order 1042',
        amount_bcy: 10,
        amount_fcy: 10,
      });

      const noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance, noteNow.total_refunded_amount, noteNow.total_credits_used], ['open', 20, 10, 0]);
      const listed = await row(note.creditnote_id);
      assert.deepEqual([listed.status, listed.total, listed.balance], ['open', 30, 20]);
    });

    it('a full refund closes the credit note; nothing more can be refunded or applied', async () => {
      const note = await createCreditNote();
      // Amounts as strings are exact: 29.99 + 0.01 leaves nothing (no float drift).
      assert.equal((await refund(note.creditnote_id, { amount: '29.99' })).status, 201);
      assert.equal((await refund(note.creditnote_id, { amount: '0.01', refund_mode: 'cash' })).status, 201);

      const noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance, noteNow.total_refunded_amount], ['closed', 0, 30]);
      assert.deepEqual([(await row(note.creditnote_id)).status, (await row(note.creditnote_id)).balance], ['closed', 0]);
      const closed = await books.get('/creditnotes', { status: 'closed', creditnote_number: note.creditnote_number });
      assert.equal(closed.body.creditnotes.length, 1);

      const more = await refund(note.creditnote_id, { amount: 0.01 });
      assert.equal(more.status, 400);
      assert.deepEqual(more.body, { code: 2, message: 'Invalid value passed for amount. The amount refunded exceeds the balance of the credit note.' });
      const created = await books.post('/invoices', { customer_id: customerId, date: FUTURE, line_items: [{ item_id: itemId, rate: 10, quantity: 1 }] });
      const invoiceId = created.body.invoice.invoice_id;
      await books.post(`/invoices/${invoiceId}/status/sent`);
      const applied = await books.post(`/creditnotes/${note.creditnote_id}/invoices`, { invoices: [{ invoice_id: invoiceId, amount_applied: 1 }] });
      assert.equal(applied.status, 400);
      assert.match(applied.body.message, /closed/);
    });

    it('refunds what is left after credits were applied to an invoice, and no more', async () => {
      const note = await createCreditNote(); // 30.00
      const created = await books.post('/invoices', { customer_id: customerId, date: FUTURE, line_items: [{ item_id: itemId, rate: 10, quantity: 1 }] });
      const invoiceId = created.body.invoice.invoice_id;
      await books.post(`/invoices/${invoiceId}/status/sent`);
      await books.post(`/creditnotes/${note.creditnote_id}/invoices`, { invoices: [{ invoice_id: invoiceId, amount_applied: 10 }] });

      const over = await refund(note.creditnote_id, { amount: 20.01 });
      assert.equal(over.status, 400);
      assert.match(over.body.message, /exceeds the balance of the credit note/);
      assert.equal((await refund(note.creditnote_id, { amount: 20 })).status, 201);
      const noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance, noteNow.total_credits_used, noteNow.total_refunded_amount], ['closed', 0, 10, 20]);
    });

    it('takes a refund without refund_mode, reference or description', async () => {
      const note = await createCreditNote();
      const res = await books.post(`/creditnotes/${note.creditnote_id}/refunds`, { date: '2025-02-03', amount: 5, from_account_id: ACCOUNT });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const made = res.body.creditnote_refund;
      assert.deepEqual([made.refund_mode, made.reference_number, made.description, made.amount_fcy], ['', '', '', 5]);
    });

    it('validates the body with Zoho-shaped error bodies and records nothing then', async () => {
      const note = await createCreditNote();
      const cases: Array<[Record<string, unknown>, { code: number; message: string }]> = [
        [refundBody({ amount: 30.01 }), { code: 2, message: 'Invalid value passed for amount. The amount refunded exceeds the balance of the credit note.' }],
        [refundBody({ from_account_id: undefined }), { code: 2, message: 'Invalid value passed for from_account_id. from_account_id is required: the account the refund is paid from.' }],
        [refundBody({ from_account_id: ' ' }), { code: 2, message: 'Invalid value passed for from_account_id. from_account_id is required: the account the refund is paid from.' }],
        [refundBody({ date: undefined }), { code: 2, message: 'Invalid value passed for date. date is required.' }],
        [refundBody({ date: '03/02/2025' }), { code: 2, message: 'Invalid value passed for date. Use the format yyyy-mm-dd.' }],
        [refundBody({ amount: undefined }), { code: 2, message: 'Invalid value passed for amount. amount is required.' }],
        [refundBody({ amount: 0 }), { code: 2, message: 'Invalid value passed for amount. The amount must be greater than zero.' }],
        [refundBody({ amount: -1 }), { code: 2, message: 'Invalid value passed for amount. The amount must be greater than zero.' }],
        [refundBody({ amount: 'ten' }), { code: 2, message: 'Invalid value passed for amount. Expected a number.' }],
        [
          refundBody({ refund_mode: 'paypal' }),
          { code: 2, message: 'Invalid value passed for refund_mode. Use one of check, cash, creditcard, banktransfer, bankremittance, autotransaction, others.' },
        ],
        [refundBody({ reference_number: 'x'.repeat(101) }), { code: 2, message: 'Invalid value passed for reference_number. It must not exceed 100 characters.' }],
      ];
      for (const [body, expected] of cases) {
        const res = await books.post(`/creditnotes/${note.creditnote_id}/refunds`, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.deepEqual(res.body, expected, JSON.stringify(body));
      }
      assert.equal((await refund(note.creditnote_id, { reference_number: 'x'.repeat(100) })).status, 201);
      assert.equal((await refunds(note.creditnote_id)).body.creditnote_refunds.length, 1);
      assert.equal((await creditNote(note.creditnote_id)).balance, 20);
    });

    it('refuses to refund a void or draft credit note (400, non-zero code)', async () => {
      const voided = await createCreditNote();
      await books.post(`/creditnotes/${voided.creditnote_id}/status/void`);
      const onVoid = await refund(voided.creditnote_id);
      assert.equal(onVoid.status, 400);
      assert.deepEqual(onVoid.body, { code: 2, message: 'Refunds cannot be recorded for a credit note in the void status.' });

      const draft = await createCreditNote({ is_draft: true });
      const onDraft = await refund(draft.creditnote_id);
      assert.equal(onDraft.status, 400);
      assert.deepEqual(onDraft.body, { code: 2, message: 'Refunds cannot be recorded for a credit note in the draft status.' });
      assert.deepEqual(zoho.creditNoteRefunds(orgId, voided.creditnote_id), []);
      assert.deepEqual(zoho.creditNoteRefunds(orgId, draft.creditnote_id), []);
    });
  });

  describe('list and delete', () => {
    it('lists the refunds oldest first with page_context, as FakeZoho.creditNoteRefunds does', async () => {
      const note = await createCreditNote();
      const first = (await refund(note.creditnote_id, { amount: 4, reference_number: 'a' })).body.creditnote_refund;
      const second = (await refund(note.creditnote_id, { amount: 6, reference_number: 'b', refund_mode: 'banktransfer' })).body.creditnote_refund;

      const listed = await refunds(note.creditnote_id);
      assert.equal(listed.status, 200);
      assert.deepEqual([listed.body.code, listed.body.message], [0, 'success']);
      assert.deepEqual(listed.body.creditnote_refunds, [first, second]);
      assert.deepEqual(
        { page: listed.body.page_context.page, per_page: listed.body.page_context.per_page, has_more_page: listed.body.page_context.has_more_page },
        { page: 1, per_page: 200, has_more_page: false },
      );
      const paged = await books.get(`/creditnotes/${note.creditnote_id}/refunds`, { per_page: '1', page: '2' });
      assert.deepEqual(paged.body.creditnote_refunds, [second]);
      assert.equal(paged.body.page_context.has_more_page, false);

      assert.deepEqual(zoho.creditNoteRefunds(orgId, note.creditnote_id), listed.body.creditnote_refunds);
      assert.throws(() => zoho.creditNoteRefunds(orgId, '1234567890123456789'), /no credit note/);
    });

    it('deleting a refund gives the balance back and reopens a closed credit note', async () => {
      const note = await createCreditNote();
      const made = (await refund(note.creditnote_id, { amount: 30 })).body.creditnote_refund;
      assert.equal((await creditNote(note.creditnote_id)).status, 'closed');

      const deleted = await books.delete(`/creditnotes/${note.creditnote_id}/refunds/${made.creditnote_refund_id}`);
      assert.equal(deleted.status, 200);
      assert.deepEqual(deleted.body, { code: 0, message: 'The refund has been successfully deleted.' });
      const noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance, noteNow.total_refunded_amount], ['open', 30, 0]);
      assert.equal((await row(note.creditnote_id)).balance, 30);
      assert.deepEqual((await refunds(note.creditnote_id)).body.creditnote_refunds, []);

      const again = await books.delete(`/creditnotes/${note.creditnote_id}/refunds/${made.creditnote_refund_id}`);
      assert.equal(again.status, 404);
      assert.deepEqual(again.body, { code: 1002, message: 'Refund does not exist.' });
    });

    it('refuses to void (or delete) a credit note while a refund exists, and voids it once the refund is deleted', async () => {
      const note = await createCreditNote();
      const made = (await refund(note.creditnote_id, { amount: 5 })).body.creditnote_refund;

      const voidRefused = await books.post(`/creditnotes/${note.creditnote_id}/status/void`);
      assert.equal(voidRefused.status, 400);
      assert.deepEqual(voidRefused.body, VOID_REFUSED);
      const deleteRefused = await books.delete(`/creditnotes/${note.creditnote_id}`);
      assert.equal(deleteRefused.status, 400);
      assert.deepEqual(deleteRefused.body, {
        code: 2,
        message: 'Credit notes which have refunds recorded cannot be deleted. Delete the refunds and try again.',
      });
      const noteNow = await creditNote(note.creditnote_id);
      assert.deepEqual([noteNow.status, noteNow.balance], ['open', 25]);
      assert.equal(zoho.creditNoteRefunds(orgId, note.creditnote_id).length, 1);

      assert.equal((await books.delete(`/creditnotes/${note.creditnote_id}/refunds/${made.creditnote_refund_id}`)).status, 200);
      const voided = await books.post(`/creditnotes/${note.creditnote_id}/status/void`);
      assert.deepEqual([voided.status, voided.body], [200, { code: 0, message: 'The credit note has been voided.' }]);
      const voidNote = await creditNote(note.creditnote_id);
      assert.deepEqual([voidNote.status, voidNote.balance, voidNote.total_refunded_amount], ['void', 0, 0]);
    });

    it('answers an unknown credit note with 404 code 1002 on every refund endpoint', async () => {
      for (const res of [
        await refund('1234567890123456789'),
        await refunds('1234567890123456789'),
        await books.delete('/creditnotes/1234567890123456789/refunds/1234567890123456780'),
      ]) {
        assert.equal(res.status, 404);
        assert.deepEqual(res.body, { code: 1002, message: 'Credit Note does not exist.' });
      }
    });
  });

  describe('through the request pipeline', () => {
    it('needs creditnotes CREATE to refund, READ to list and DELETE to delete', async () => {
      const client = zoho.registerClient();
      const scoped = async (scopes: string[]) =>
        new BooksTestClient(zoho, await mintAccessToken(zoho, client, zoho.issueRefreshToken(client.clientId, [orgId], scopes)), orgId);
      const denied = { code: 57, message: 'You are not authorized to perform this operation' };
      const note = await createCreditNote();
      const made = (await refund(note.creditnote_id, { amount: 1 })).body.creditnote_refund;
      const deletePath = `/creditnotes/${note.creditnote_id}/refunds/${made.creditnote_refund_id}`;

      const readOnly = await scoped(['ZohoBooks.creditnotes.READ']);
      assert.equal((await readOnly.get(`/creditnotes/${note.creditnote_id}/refunds`)).status, 200);
      assert.deepEqual((await readOnly.post(`/creditnotes/${note.creditnote_id}/refunds`, refundBody())).body, denied);
      assert.deepEqual((await readOnly.delete(deletePath)).body, denied);

      const createOnly = await scoped(['ZohoBooks.creditnotes.CREATE']);
      assert.equal((await createOnly.post(`/creditnotes/${note.creditnote_id}/refunds`, refundBody({ amount: 1 }))).status, 201);
      assert.deepEqual((await createOnly.get(`/creditnotes/${note.creditnote_id}/refunds`)).body, denied);
      assert.deepEqual((await createOnly.delete(deletePath)).body, denied);

      const deleteOnly = await scoped(['ZohoBooks.creditnotes.DELETE']);
      assert.equal((await deleteOnly.delete(deletePath)).status, 200);
    });

    it('records the call with its body', async () => {
      const note = await createCreditNote();
      const mark = zoho.mark();
      await refund(note.creditnote_id, { reference_number: 'logged' });
      const [call] = zoho.callsSince(mark);
      assert.deepEqual(
        { method: call!.method, resourcePath: call!.resourcePath, status: call!.status, code: call!.code },
        { method: 'POST', resourcePath: `/creditnotes/${note.creditnote_id}/refunds`, status: 201, code: 0 },
      );
      assert.equal((call!.body as { reference_number: string }).reference_number, 'logged');
    });
  });
});
