import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import type { WooOrder, WooRefund } from '@connector/contracts';
import { Decimal } from './money/decimal';
import { buildCreditNote, creditNoteReference, refundAsOrder, type CreditNoteContext, type CreditNotePlan } from './refund-to-credit-note';
import { fixtures } from './test-support/fixtures';
import { independentZohoTotal } from './test-support/independent-zoho-total';
import { percentagesOf, testContext } from './test-support/invoice-context';
import { buildTestOrder, type OrderSpec } from './test-support/order-builder';
import { buildTestRefund, type RefundSpec } from './test-support/refund-builder';

const RATES = { rates: [{ id: 1, percent: '7.5', label: 'State' }, { id: 2, percent: '1.25', label: 'City' }] };

function creditNote(order: WooOrder, refund: WooRefund, context: CreditNoteContext = contextFor(order)): CreditNotePlan {
  const plan = buildCreditNote(order, refund, context);
  const amount = Decimal.parse(refund.amount);
  assert.ok(Decimal.parse(plan.predictedZohoTotal).add(plan.adjustment).eq(amount), `predicted ${plan.predictedZohoTotal} + adjustment ${plan.adjustment} = ${refund.amount}`);
  const recomputed = independentZohoTotal(plan.payload, percentagesOf(refundAsOrder(order, refund), context), context.pricePrecision);
  assert.equal(recomputed, amount.normalize().toString(), 'an independent recomputation of the credit note gives the refund amount');
  assert.equal(plan.refundTotal, amount.toString());
  return plan;
}

function contextFor(order: WooOrder, pricePrecision = 2): CreditNoteContext {
  return { ...testContext(order, { pricePrecision }), refundItemId: 'item-refund' };
}

function refunded(spec: OrderSpec, refund: RefundSpec) {
  const order = buildTestOrder(spec);
  return { order, refund: buildTestRefund(order, refund) };
}

describe('buildCreditNote', () => {
  test('the real refund fixture (726 of order 723, 10.00 by amount): one untaxed line on the refund item', () => {
    const order = fixtures.orderWithRefunds();
    const plan = creditNote(order, fixtures.orderRefund(), { ...testContext(order, { catalogue: { taxes: [] } }), refundItemId: 'item-refund' });
    assert.deepEqual(plan.payload.line_items, [{ item_id: 'item-refund', name: 'Refund', quantity: 1, rate: 10, item_order: 1 }]);
    assert.equal(plan.payload.reference_number, '723-R726');
    assert.equal(plan.payload.date, '2017-03-21');
    assert.equal(plan.payload.adjustment, 0);
    assert.equal(plan.unexplained, '10.00');
    assert.match(plan.payload.notes, /^Refund #726 of WooCommerce order #723\nRefunded manually/);
    assert.equal('invoice_number' in plan.payload, false);
    assert.equal('exchange_rate' in plan.payload, false);
  });

  test('a refund in a foreign currency carries the exchange rate it was planned with (that of the refund date)', () => {
    const order = fixtures.orderWithRefunds();
    const plan = creditNote(order, fixtures.orderRefund(), { ...testContext(order, { catalogue: { taxes: [] } }), exchangeRate: 1.2031, refundItemId: 'item-refund' });
    assert.equal(plan.payload.exchange_rate, 1.2031);
  });

  test('an itemized refund with two taxes books the same items and taxes as the invoice, to the cent', () => {
    const { order, refund } = refunded(
      { ...RATES, lines: [{ name: 'Mug', quantity: 3, unitPrice: '3.33', rateIds: [1, 2], productId: 11 }, { name: 'Tee', quantity: 1, unitPrice: '19.99', rateIds: [1], productId: 12 }], shipping: [{ name: 'Flat', total: '4.99', rateIds: [1] }] },
      { lines: [{ index: 0, quantity: 2 }], shipping: true, reason: 'Broken <b>in transit</b>' },
    );
    const plan = creditNote(order, refund);
    const [mug, shipping] = plan.payload.line_items;
    assert.equal(mug.item_id, 'item-11-0');
    assert.equal(mug.quantity, 2);
    assert.equal(mug.rate, 3.33);
    assert.equal(mug.tax_id, 'zoho-group-1-2');
    assert.equal(shipping.item_id, 'item-shipping');
    assert.equal(shipping.tax_id, 'zoho-tax-1');
    assert.equal(plan.payload.line_items.length, 2, 'nothing unexplained: no refund-item line');
    assert.equal(plan.unexplained, '0.00');
    assert.match(plan.payload.notes, /Reason: Broken in transit/);
    assert.equal(plan.payload.date, '2025-02-01');
    assert.deepEqual(plan.warnings, []);
  });

  test('a tax-inclusive order: rates carry the tax, the total is still the amount', () => {
    const { order, refund } = refunded(
      { inclusive: true, rates: [{ id: 1, percent: '19', label: 'MwSt' }], lines: [{ name: 'Buch', quantity: 3, unitPrice: '9.99', rateIds: [1] }] },
      { lines: [{ index: 0, quantity: 1 }] },
    );
    const plan = creditNote(order, refund);
    assert.equal(plan.payload.is_inclusive_tax, true);
    assert.equal(plan.payload.line_items[0].rate, 9.99);
  });

  test('an amount above its lines: the rest is an untaxed line on the refund item, named by the reason', () => {
    const { order, refund } = refunded({ ...RATES, lines: [{ name: 'Mug', quantity: 2, unitPrice: '10.00', rateIds: [1] }] }, { lines: [{ index: 0, quantity: 1 }], amount: '15.00', reason: 'goodwill' });
    const plan = creditNote(order, refund);
    assert.equal(plan.unexplained, '4.25');
    const extra = plan.payload.line_items.at(-1)!;
    assert.deepEqual(extra, { item_id: 'item-refund', name: 'Refund: goodwill', quantity: 1, rate: 4.25, item_order: 2 });
    assert.equal(plan.payload.adjustment, 0);
  });

  test('an amount below its lines: the difference is carried in the adjustment, with its reason', () => {
    const { order, refund } = refunded({ ...RATES, lines: [{ name: 'Mug', quantity: 2, unitPrice: '10.00', rateIds: [1] }] }, { id: 900, lines: [{ index: 0, quantity: 1 }], amount: '10.00' });
    const plan = creditNote(order, refund);
    assert.equal(plan.unexplained, '-0.75');
    assert.equal(plan.payload.adjustment, -0.75);
    assert.match(plan.payload.adjustment_description, /refund 900 is less than its lines -0.75/);
    assert.equal(plan.payload.line_items.length, 1);
  });

  test('a line refunded by amount without a quantity is one unit of that amount', () => {
    const { order, refund } = refunded({ ...RATES, lines: [{ name: 'Mug', quantity: 2, unitPrice: '10.00', rateIds: [1] }] }, { lines: [{ index: 0, quantity: 0, total: '4.00' }] });
    const plan = creditNote(order, refund);
    assert.equal(plan.payload.line_items[0].quantity, 1);
    assert.equal(plan.payload.line_items[0].rate, 4);
    assert.equal(refund.amount, '4.30');
  });

  test('zero- and three-decimal currencies', () => {
    for (const [currency, unitPrice] of [['JPY', '1999'], ['KWD', '3.333']] as const) {
      const { order, refund } = refunded({ currency, rates: [{ id: 1, percent: '10', label: 'VAT' }], lines: [{ name: 'Tea', quantity: 3, unitPrice, rateIds: [1] }] }, { lines: [{ index: 0, quantity: 2 }] });
      const decimals = currency === 'JPY' ? 0 : 3;
      creditNote(order, refund, contextFor(order, decimals));
    }
  });

  test('without _refunded_item_id the line still maps through its product', () => {
    const { order, refund } = refunded({ ...RATES, lines: [{ name: 'Mug', quantity: 2, unitPrice: '10.00', rateIds: [1], productId: 77 }] }, { lines: [{ index: 0, quantity: 1 }], withoutItemMeta: true });
    assert.equal(creditNote(order, refund).payload.line_items[0].item_id, 'item-77-0');
  });

  test('rounding traps: many partial refunds of odd prices stay exact', () => {
    for (const quantity of [1, 2, 3, 5, 7]) {
      const { order, refund } = refunded({ ...RATES, lines: [{ name: 'Odd', quantity: 7, unitPrice: '0.07', rateIds: [1, 2] }, { name: 'Pen', quantity: 3, unitPrice: '1.10', rateIds: [2] }] }, { lines: [{ index: 0, quantity }, { index: 1, quantity: Math.min(quantity, 3) }] });
      creditNote(order, refund);
    }
  });

  test('a refund that is not positive is refused', () => {
    const { order, refund } = refunded({ lines: [{ name: 'Mug', quantity: 1, unitPrice: '10.00' }] }, { amount: '0.00' });
    assert.throws(() => buildCreditNote(order, refund, contextFor(order)), (error: Error) => error instanceof PermanentError && /only positive refunds/.test(error.message));
  });

  test('the reference names order number and refund', () => {
    assert.equal(creditNoteReference({ ...fixtures.order(), number: 'WC-1001' }, 42), 'WC-1001-R42');
  });
});
