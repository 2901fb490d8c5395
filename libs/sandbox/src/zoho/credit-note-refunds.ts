import { isIsoDate } from '../time/zoned-time';
import { invalidValue, notAllowed, notFound } from './books-errors';
import type { ZohoCreditNoteRefund } from './books-json-types';
import type { CreditNoteRecord, CreditNoteRefundRecord } from './books-records';
import { money, paginate, readDecimal, readString, success, type BooksContext, type BooksResult } from './books-request';
import { creditNoteBalance } from './credit-note-status';
import { findCreditNote } from './credit-notes';
import type { ZohoOrganization } from './organization';

/*
 * Refunds of a credit note (Zoho Books v3, credit-notes module): money paid back to the customer
 * from a bank/cash account (`from_account_id`). A refund lowers the credit note's balance
 * (credit-note-status.ts), which reads `closed` at 0; deleting the refund gives the balance back.
 * Only an open credit note can be refunded, and a credit note with refunds cannot be voided
 * (credit-notes.ts). The fake keeps no chart of accounts, so any non-empty `from_account_id`
 * is taken.
 */

const REFUND_MODES = new Set(['check', 'cash', 'creditcard', 'banktransfer', 'bankremittance', 'autotransaction', 'others']);

export function creditNoteRefundJson(ctx: { org: ZohoOrganization }, creditNote: CreditNoteRecord, refund: CreditNoteRefundRecord): ZohoCreditNoteRefund {
  return {
    creditnote_refund_id: refund.creditnote_refund_id,
    creditnote_id: creditNote.creditnote_id,
    date: refund.date,
    refund_mode: refund.refund_mode,
    reference_number: refund.reference_number,
    creditnote_number: creditNote.creditnote_number,
    customer_name: ctx.org.contacts.get(creditNote.customer_id)?.contact_name ?? '',
    description: refund.description,
    amount_bcy: money(ctx, refund.amount.mul(refund.exchange_rate)),
    amount_fcy: money(ctx, refund.amount),
  };
}

export const creditNoteRefundHandlers = {
  /** Body `{date, amount, from_account_id, refund_mode?, reference_number?, description?}`. */
  create(ctx: BooksContext): BooksResult {
    const creditNote = findCreditNote(ctx);
    if (creditNote.base_status === 'draft') throw notAllowed('Refunds cannot be recorded for a credit note in the draft status.');
    if (creditNote.base_status === 'void') throw notAllowed('Refunds cannot be recorded for a credit note in the void status.');
    const date = readString(ctx.body, 'date') ?? '';
    if (date === '') throw invalidValue('date', 'date is required.');
    if (!isIsoDate(date)) throw invalidValue('date', 'Use the format yyyy-mm-dd.');
    const amount = readDecimal(ctx.body, 'amount');
    if (!amount) throw invalidValue('amount', 'amount is required.');
    if (amount.sign() <= 0) throw invalidValue('amount', 'The amount must be greater than zero.');
    const fromAccountId = readString(ctx.body, 'from_account_id') ?? '';
    if (fromAccountId.trim() === '') throw invalidValue('from_account_id', 'from_account_id is required: the account the refund is paid from.');
    const mode = readString(ctx.body, 'refund_mode') ?? '';
    if (mode !== '' && !REFUND_MODES.has(mode)) throw invalidValue('refund_mode', `Use one of ${[...REFUND_MODES].join(', ')}.`);
    const referenceNumber = readString(ctx.body, 'reference_number', { max: 100 }) ?? '';
    const description = readString(ctx.body, 'description') ?? '';
    if (amount.gt(creditNoteBalance(creditNote))) throw invalidValue('amount', 'The amount refunded exceeds the balance of the credit note.');
    const rate = readDecimal(ctx.body, 'exchange_rate');
    if (rate !== undefined && rate.sign() <= 0) throw invalidValue('exchange_rate');
    // A base-currency credit note has nothing to convert (see settleExchangeRate).
    const exchangeRate = creditNote.currency_id === ctx.org.info.currency_id ? creditNote.exchange_rate : (rate ?? creditNote.exchange_rate);

    const refund: CreditNoteRefundRecord = {
      creditnote_refund_id: ctx.ids.next(),
      date,
      amount,
      exchange_rate: exchangeRate,
      from_account_id: fromAccountId,
      refund_mode: mode,
      reference_number: referenceNumber,
      description,
      created_at: ctx.now,
    };
    creditNote.refunds.push(refund);
    creditNote.modified_at = ctx.now;
    return success(
      'The refund information for this particular credit note has been recorded successfully.',
      { creditnote_refund: creditNoteRefundJson(ctx, creditNote, refund) },
      201,
    );
  },

  /** The credit note's refunds in the order they were recorded. */
  list(ctx: BooksContext): BooksResult {
    const creditNote = findCreditNote(ctx);
    const page = paginate(creditNote.refunds, ctx.query, { sort_column: 'created_time', sort_order: 'A' });
    return success('success', {
      creditnote_refunds: page.rows.map((refund) => creditNoteRefundJson(ctx, creditNote, refund)),
      page_context: page.page_context,
    });
  },

  remove(ctx: BooksContext): BooksResult {
    const creditNote = findCreditNote(ctx);
    const refundId = ctx.params.refundId ?? '';
    const index = creditNote.refunds.findIndex((refund) => refund.creditnote_refund_id === refundId);
    if (index < 0) throw notFound('Refund');
    creditNote.refunds.splice(index, 1);
    creditNote.modified_at = ctx.now;
    return success('The refund has been successfully deleted.');
  },
};
