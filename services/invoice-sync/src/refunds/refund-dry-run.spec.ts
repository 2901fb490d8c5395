import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import type { WooOrder, WooRefund } from '@connector/contracts';
import { AWAITS_SENT_INVOICE, RefundCreditEntity } from '@connector/persistence';
import { FoundCreditNote, InvoiceBalance, planOpenCredits, PlannedWrite, planRefundWrites, RefundDryRunInput } from './refund-dry-run';

const INVOICE = '4600000001';

const order = (refunds: Array<{ id: number; total: string }>) => ({ id: 42, number: '1042', refunds }) as unknown as WooOrder;
const storeRefund = (id: number, amount: string, dateGmt = '2026-11-01T10:00:00') => ({ id, amount, date_created_gmt: dateGmt }) as WooRefund;

/** A refund_credits row: credited in full, open on the customer, unless `changes` say otherwise. */
const link = (refundId: number, changes: Partial<RefundCreditEntity> = {}) =>
  ({
    connectionId: 'c1', refundId: String(refundId), orderId: '42', state: 'credited', invoiceId: INVOICE, creditNoteId: `CN${refundId}`, creditNoteNumber: `CN-${refundId}`,
    zohoTotal: '5.00', refundTotal: '5.00', appliedAmount: '0.00', cashRefundId: null, cashRefundedAmount: null, reason: null, createdAt: new Date('2026-11-01T10:00:00Z'),
    ...changes,
  }) as RefundCreditEntity;

/** A claim whose create answer was lost: no credit note on it. */
const claim = (refundId: number) => link(refundId, { state: 'creating', creditNoteId: null, creditNoteNumber: null, zohoTotal: null, appliedAmount: null });

interface Fakes {
  storeRefunds?: WooRefund[];
  invoice?: InvoiceBalance;
  lost?: Record<string, FoundCreditNote>;
  /** What the credit note's look-ups would create. */
  newRecords?: PlannedWrite[];
}

/** The planner's input with read-only fakes; `reads` counts what was read. */
function input(changes: Partial<RefundDryRunInput> & { fakes?: Fakes }) {
  const reads = { store: 0, invoice: 0, lost: [] as string[], creditNotes: 0 };
  const { fakes = {}, ...rest } = changes;
  const value: RefundDryRunInput = {
    connectionId: 'c1',
    order: order([]),
    links: [],
    invoice: { invoiceId: INVOICE, void: false, status: 'sent' },
    settings: { paymentAccountId: '4600000000358' },
    paymentBooked: false,
    seen: new Map(),
    reads: {
      storeRefunds: async () => (reads.store++, new Map((fakes.storeRefunds ?? []).map((r) => [r.id, r]))),
      invoice: async () => (reads.invoice++, fakes.invoice ?? { status: 'sent', balance: Decimal.from('20.00') }),
      lostCreditNote: async (_claim, reference) => (reads.lost.push(reference), fakes.lost?.[reference]),
      creditNote: async (refund) => (reads.creditNotes++, { total: Decimal.from(refund.amount), payload: { reference_number: `1042-R${refund.id}` }, newRecords: fakes.newRecords ?? [] }),
    },
    ...rest,
  };
  return { value, reads };
}

const actions = (writes: Array<{ action: string }>) => writes.map((w) => w.action);

test('a void invoice voids its credit notes but those whose money was given back, and the note a lost claim made, found by reference', async () => {
  const { value, reads } = input({
    order: order([{ id: 1, total: '-5.00' }, { id: 2, total: '-5.00' }, { id: 3, total: '-5.00' }, { id: 4, total: '-5.00' }]),
    links: [link(1), link(2, { cashRefundId: 'R2', cashRefundedAmount: '5.00' }), claim(3), claim(4)],
    invoice: { invoiceId: INVOICE, void: true, status: 'void' },
    fakes: { lost: { '1042-R3': { id: 'CN3', number: 'CN-3', balance: Decimal.from('5.00') } } },
  });
  const writes = await planRefundWrites(value);
  assert.deepEqual(actions(writes), ['void-credit-note', 'void-credit-note']);
  assert.match(writes[0].message, /credit note CN-1 of refund 1: the invoice is void/);
  assert.match(writes[1].message, /credit note CN-3 of refund 3 \(made by an attempt whose answer was lost; found by reference 1042-R3\)/);
  assert.deepEqual(reads.lost, ['1042-R3', '1042-R4'], 'each claim without a note is searched; none found for refund 4, so nothing to write');
  assert.equal(reads.store, 0, 'the store is not asked for a void invoice');
});

test('an orphaned claim is looked for only when the store agrees its refund is gone', async () => {
  const kept = input({ links: [claim(3)], fakes: { storeRefunds: [storeRefund(3, '5.00')], lost: { '1042-R3': { id: 'CN3', balance: Decimal.from('5.00') } } } });
  assert.deepEqual(await planRefundWrites(kept.value), []);
  assert.deepEqual(kept.reads.lost, [], 'a late snapshot without the refund voids nothing');

  const gone = input({ links: [claim(3)], fakes: { lost: { '1042-R3': { id: 'CN3', number: 'CN-3', balance: Decimal.from('5.00') } } } });
  const writes = await planRefundWrites(gone.value);
  assert.deepEqual(actions(writes), ['void-credit-note']);
  assert.match(writes[0].message, /refund was deleted in the store/);
});

test('a deleted refund whose money was given back: the money is taken back before the void', async () => {
  const { value } = input({ links: [link(1, { cashRefundId: 'R1', cashRefundedAmount: '5.00', appliedAmount: '0.00' })] });
  const writes = await planRefundWrites(value);
  assert.deepEqual(actions(writes), ['take-back-refund', 'void-credit-note']);
  assert.match(writes[0].message, /would delete the refund of 5\.00 to the customer recorded on credit note CN-1/);
});

test('a new refund: created and applied as far as the sent invoice\'s balance goes; the rest given back when the payment is booked', async () => {
  const refunds = order([{ id: 1, total: '-8.00' }, { id: 2, total: '-4.00' }]);
  const fakes = { storeRefunds: [storeRefund(1, '8.00'), storeRefund(2, '4.00')], invoice: { status: 'partially_paid', balance: Decimal.from('10.00') } };
  const unpaid = input({ order: refunds, fakes });
  assert.deepEqual(
    (await planRefundWrites(unpaid.value)).map((w) => w.message.replace(/ of order 1042.*| of the credit note.*/, '')),
    ['would create a credit note of 8.00 for refund 1', 'would apply 8.00', 'would create a credit note of 4.00 for refund 2', 'would apply 2.00'],
  );
  assert.equal(unpaid.reads.invoice, 1, 'the invoice is read once for the event');

  const paid = input({ order: refunds, fakes, paymentBooked: true });
  assert.deepEqual(actions(await planRefundWrites(paid.value)), ['create-credit-note', 'apply-credit', 'create-credit-note', 'apply-credit', 'give-back-credit']);

  const noAccount = input({ order: refunds, fakes, paymentBooked: true, settings: {} });
  assert.deepEqual(actions(await planRefundWrites(noAccount.value)), ['create-credit-note', 'apply-credit', 'create-credit-note', 'apply-credit'], 'without a deposit account nothing is written for the money');
});

test('a refund on a draft stays open: created, not applied', async () => {
  const { value } = input({ order: order([{ id: 1, total: '-8.00' }]), fakes: { storeRefunds: [storeRefund(1, '8.00')], invoice: { status: 'draft', balance: Decimal.from('30.00') } } });
  assert.deepEqual(actions(await planRefundWrites(value)), ['create-credit-note']);
});

test('nothing is credited for a refund gone from the store, made before refundsSince, or on an invoice voided in Zoho', async () => {
  const three = order([{ id: 1, total: '-1.00' }, { id: 2, total: '-2.00' }]);
  const gone = input({ order: three, fakes: { storeRefunds: [] } });
  assert.deepEqual(await planRefundWrites(gone.value), []);
  const early = input({ order: three, settings: { refundsSince: '2026-11-02T00:00:00' }, fakes: { storeRefunds: [storeRefund(1, '1.00'), storeRefund(2, '2.00')] } });
  assert.deepEqual(await planRefundWrites(early.value), []);
  assert.equal(early.reads.invoice, 0, 'nothing to credit, nothing read');
  const voided = input({ order: three, fakes: { storeRefunds: [storeRefund(1, '1.00'), storeRefund(2, '2.00')], invoice: { status: 'void', balance: Decimal.ZERO } } });
  assert.deepEqual(await planRefundWrites(voided.value), []);
});

test('an item the credit note needs that Zoho lacks yet (the "Refunds" item) is listed before the credit note, adopted or made', async () => {
  const refundsItem = { action: 'create-item', message: 'would create Zoho item "Refunds" for order 1042' };
  const made = input({ order: order([{ id: 1, total: '-8.00' }]), fakes: { storeRefunds: [storeRefund(1, '8.00')], newRecords: [refundsItem] } });
  const writes = await planRefundWrites(made.value);
  assert.deepEqual(actions(writes), ['create-item', 'create-credit-note', 'apply-credit']);
  assert.deepEqual(writes[1].payload, { reference_number: '1042-R1' }, 'the credit note planned, with its payload');
  const adopted = input({
    order: order([{ id: 1, total: '-8.00' }]), links: [claim(1)],
    fakes: { storeRefunds: [storeRefund(1, '8.00')], newRecords: [refundsItem], lost: { '1042-R1': { id: 'CN1', balance: Decimal.from('8.00') } } },
  });
  assert.deepEqual(actions(await planRefundWrites(adopted.value)), ['create-item', 'recover-credit-note', 'apply-credit']);
});

test('a claimed refund whose credit note was made adopts it: nothing created, its balance applied', async () => {
  const { value } = input({
    order: order([{ id: 1, total: '-8.00' }]),
    links: [claim(1)],
    fakes: { storeRefunds: [storeRefund(1, '8.00')], lost: { '1042-R1': { id: 'CN1', number: 'CN-1', balance: Decimal.from('8.00') } } },
  });
  const writes = await planRefundWrites(value);
  assert.deepEqual(actions(writes), ['recover-credit-note', 'apply-credit']);
  assert.match(writes[1].message, /would apply 8\.00 of credit note CN-1/);
});

test('a credit a draft left open: applied once the invoice is sent, and the rest given back when the payment is booked (give back later)', async () => {
  const waiting = link(1, { reason: `invoice is draft in Zoho, ${AWAITS_SENT_INVOICE}` });
  const stillDraft = input({ order: order([{ id: 1, total: '-5.00' }]), links: [waiting], invoice: { invoiceId: INVOICE, void: false, status: 'draft' }, fakes: { invoice: { status: 'draft', balance: Decimal.from('20.00') } } });
  assert.deepEqual(await planRefundWrites(stillDraft.value), []);
  assert.equal(stillDraft.reads.invoice, 1, 'a draft is read, as the live run does');

  const sent = input({ order: order([{ id: 1, total: '-5.00' }]), links: [waiting], invoice: { invoiceId: INVOICE, void: false, status: 'draft' }, fakes: { invoice: { status: 'sent', balance: Decimal.from('3.00') } } });
  assert.deepEqual(actions(await planRefundWrites(sent.value)), ['apply-credit']);

  const paid = input({
    order: order([{ id: 1, total: '-5.00' }]), links: [waiting], invoice: { invoiceId: INVOICE, void: false, status: 'draft' }, paymentBooked: true,
    fakes: { invoice: { status: 'paid', balance: Decimal.ZERO }, storeRefunds: [storeRefund(1, '5.00')] },
  });
  const writes = await planRefundWrites(paid.value);
  assert.deepEqual(actions(writes), ['give-back-credit']);
  assert.match(writes[0].message, /would refund 5\.00 of credit note CN-1 \(refund 1\) to the customer from the deposit account/);

  const deleted = input({
    order: order([{ id: 1, total: '-5.00' }]), links: [waiting], invoice: { invoiceId: INVOICE, void: false, status: 'draft' }, paymentBooked: true,
    fakes: { invoice: { status: 'paid', balance: Decimal.ZERO }, storeRefunds: [] },
  });
  assert.deepEqual(await planRefundWrites(deleted.value), [], 'a refund gone from the store gives nothing back');
});

test('an invoice marked as sent takes its open credits (planOpenCredits), and each write is listed once per dry run', async () => {
  const seen = new Map<string, unknown>();
  const open = [link(1, { reason: `invoice is draft in Zoho, ${AWAITS_SENT_INVOICE}` }), link(2, { zohoTotal: '4.00', refundTotal: '4.00', reason: 'the invoice has nothing left to pay' })];
  const first = input({ order: order([{ id: 1, total: '-5.00' }, { id: 2, total: '-4.00' }]), links: open, seen });
  assert.deepEqual(actions(await planOpenCredits(first.value)), ['apply-credit', 'apply-credit']);
  const again = input({ order: order([{ id: 1, total: '-5.00' }, { id: 2, total: '-4.00' }]), links: open, seen });
  assert.deepEqual(await planOpenCredits(again.value), []);
  assert.deepEqual(await planRefundWrites(again.value), [], 'nor by the refund step after the mark');

  const none = input({ order: order([{ id: 1, total: '-5.00' }]), links: [link(1, { appliedAmount: '5.00' })] });
  assert.deepEqual(await planOpenCredits(none.value), []);
  assert.equal(none.reads.invoice, 0, 'no open credit: the invoice is not read');
});

test('later events of the dry run start from what it planned: a planned credit note is not made twice, and is voided or taken back like a recorded one', async () => {
  const refunded = order([{ id: 1, total: '-8.00' }]);
  const fakes = { storeRefunds: [storeRefund(1, '8.00')], invoice: { status: 'paid', balance: Decimal.ZERO } };
  const seen = new Map<string, unknown>();
  const first = input({ order: refunded, fakes, seen, paymentBooked: true });
  assert.deepEqual(actions(await planRefundWrites(first.value)), ['create-credit-note', 'give-back-credit']);

  const again = input({ order: refunded, fakes, seen, paymentBooked: true });
  assert.deepEqual(await planRefundWrites(again.value), []);
  assert.equal(again.reads.creditNotes, 0, 'the refund is credited by then: nothing planned, nothing looked up');

  const deleted = input({ order: order([]), fakes: { ...fakes, storeRefunds: [] }, seen, paymentBooked: true });
  const writes = await planRefundWrites(deleted.value);
  assert.deepEqual(actions(writes), ['take-back-refund', 'void-credit-note']);
  assert.match(writes[1].message, /would void credit note planned above of refund 1: the refund was deleted in the store/);
});

test('an order cancelled later in the dry run voids the credit note planned for it', async () => {
  const refunded = order([{ id: 1, total: '-8.00' }]);
  const seen = new Map<string, unknown>();
  const credited = input({ order: refunded, seen, fakes: { storeRefunds: [storeRefund(1, '8.00')] } });
  assert.deepEqual(actions(await planRefundWrites(credited.value)), ['create-credit-note', 'apply-credit']);
  const cancelled = input({ order: refunded, seen, invoice: { invoiceId: INVOICE, void: true, status: 'void' } });
  assert.deepEqual(actions(await planRefundWrites(cancelled.value)), ['void-credit-note']);
});
