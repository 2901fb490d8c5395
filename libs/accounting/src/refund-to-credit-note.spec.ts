import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import type { WooOrder, WooRefund } from '@connector/contracts';
import { InvalidOrderError } from './invoice-errors';
import { Decimal } from './money/decimal';
import { buildCreditNote, creditNoteReference, refundAsOrder, type CreditNoteContext, type CreditNotePlan } from './refund-to-credit-note';
import { fixtures } from './test-support/fixtures';
import { independentZohoTotal } from './test-support/independent-zoho-total';
import { percentagesOf, testContext } from './test-support/invoice-context';
import { buildTestOrder, type OrderSpec } from './test-support/order-builder';
import { buildTestRefund, type RefundSpec } from './test-support/refund-builder';

const VAT = { id: 1, percent: '20', label: 'VAT' };
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

  test('a partial refund whose unit price has no exact value books WooCommerce\'s amount and tax (rate rounded up, discount)', () => {
    const { order, refund } = refunded({ rates: [VAT], lines: [{ name: 'Bundle', quantity: 3, unitPrice: '3.333333', rateIds: [1] }] }, { lines: [{ index: 0, quantity: 2 }] });
    assert.equal(refund.line_items[0].total, '-6.67');
    const plan = creditNote(order, refund);
    const [line] = plan.payload.line_items;
    assert.deepEqual([line.quantity, line.rate, line.discount], [2, 3.34, 0.01]);
    assert.equal(plan.payload.adjustment, 0);
    assert.deepEqual(plan.warnings, []);
  });

  test('a refund of tax only (quantity 0, amount 0, tax given back): the tax is carried in the adjustment and the warning says so', () => {
    for (const inclusive of [false, true]) {
      const { order, refund } = refunded({ inclusive, rates: [VAT], lines: [{ name: 'Mug', quantity: 1, unitPrice: '12.00', rateIds: [1] }] }, { lines: [{ index: 0, quantity: 1 }], amount: '2.00' });
      Object.assign(refund.line_items[0], { quantity: 0, subtotal: '0.00', total: '0.00', subtotal_tax: '-2.00', total_tax: '-2.00', taxes: [{ id: 1, total: '-2', subtotal: '-2' }] });
      const plan = creditNote(order, refund);
      const [line] = plan.payload.line_items;
      assert.deepEqual([line.rate, line.discount, line.tax_id], [0, undefined, 'zoho-tax-1'], `inclusive ${inclusive}: the line shows what was refunded, at no amount`);
      assert.equal(plan.payload.adjustment, 2);
      assert.equal(plan.payload.adjustment_description, 'Mug (tax only) 2.00');
      assert.equal(plan.warnings.length, 1, plan.warnings.join(' | '));
      assert.match(plan.warnings[0], /"Mug" is tax without an amount \(2\.00\).*not booked as tax/);
      assert.doesNotMatch(plan.warnings[0], /not mapped/);
    }
  });

  test('a refund line amount that is not a number is an InvalidOrderError naming the field', () => {
    const { order, refund } = refunded({ rates: [VAT], lines: [{ name: 'Mug', quantity: 3, unitPrice: '10.00', rateIds: [1] }] }, { id: 777, lines: [{ index: 0, quantity: 1 }] });
    const broken = (change: (refund: WooRefund) => void) => {
      const copy = structuredClone(refund);
      change(copy);
      return copy;
    };
    const cases: Array<[(refund: WooRefund) => void, RegExp]> = [
      [(r) => (r.line_items[0].total = 'abc'), /refunds\[777\]\.line_items\[0\]\.total is not an amount \("abc"\)/],
      [(r) => (r.line_items[0].taxes[0].total = 'x'), /refunds\[777\]\.line_items\[0\]\.taxes\[0\]\.total is not an amount/],
      [(r) => ((r.line_items[0] as unknown as Record<string, unknown>).quantity = 'two'), /refunds\[777\]\.line_items\[0\]\.quantity is not an amount/],
      [(r) => (r.shipping_lines = [{ id: 5, method_title: 'Flat', method_id: 'flat_rate', total: '-1,00', total_tax: '0.00', taxes: [], meta_data: [] }]), /refunds\[777\]\.shipping_lines\[0\]\.total is not an amount/],
    ];
    for (const [change, message] of cases) {
      const bad = broken(change);
      for (const attempt of [() => refundAsOrder(order, bad), () => buildCreditNote(order, bad, contextFor(order))]) {
        assert.throws(attempt, (error: Error) => {
          assert.ok(error instanceof InvalidOrderError && error instanceof PermanentError, `${error.name}: ${error.message}`);
          assert.match(error.message, message);
          return true;
        });
      }
    }
  });

  test('the reference names order number and refund', () => {
    assert.equal(creditNoteReference({ ...fixtures.order(), number: 'WC-1001' }, 42), 'WC-1001-R42');
  });
});
