import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { Decimal } from './money/decimal';
import { buildInvoice, type InvoiceContext, type InvoicePlan } from './order-to-invoice';
import { TaxMappingError } from './tax-mapping-error';
import { fixtures } from './test-support/fixtures';
import { independentZohoTotal } from './test-support/independent-zoho-total';
import { percentagesOf, testContext } from './test-support/invoice-context';
import { buildTestOrder, type OrderSpec } from './test-support/order-builder';
import { predictZohoInvoice } from './zoho-invoice-model';

/** The rule every invoice must keep, checked two ways: with the plan's numbers and by recomputation. */
function assertExact(order: WooOrder, context: InvoiceContext, plan: InvoicePlan): void {
  const total = Decimal.parse(order.total);
  assert.ok(
    Decimal.parse(plan.predictedZohoTotal).add(plan.adjustment).eq(total),
    `predicted ${plan.predictedZohoTotal} + adjustment ${plan.adjustment} must equal ${order.total}`,
  );
  assert.ok(Decimal.from(plan.payload.adjustment).eq(plan.adjustment), 'payload carries the same adjustment');
  const recomputed = independentZohoTotal(plan.payload, percentagesOf(order, context), context.pricePrecision);
  assert.equal(recomputed, total.normalize().toString(), 'independent model recomputation matches the order total');
}

function assertRoundingOnly(plan: InvoicePlan): void {
  assert.deepEqual(plan.warnings, []);
  const rounding = Decimal.parse(plan.reconciliation.roundingDifference).abs();
  assert.ok(rounding.lte(Decimal.parse(plan.reconciliation.tolerance)), `rounding ${rounding} within tolerance`);
  if (plan.reconciliation.reasons.length === 0) assert.ok(Decimal.parse(plan.adjustment).isZero());
}

/** Each line of the plan as [rate, discount, Zoho's tax on it] (the test context's taxes are `zoho-tax-<rate id>`). */
function priced(result: InvoicePlan, order: WooOrder): Array<[number, number | string | undefined, string]> {
  const percentages = new Map(order.tax_lines.map((line) => [`zoho-tax-${line.rate_id}`, String(line.rate_percent)]));
  const prediction = predictZohoInvoice(result.payload, { pricePrecision: 2, taxPercentage: (taxId) => percentages.get(taxId) });
  return result.payload.line_items.map((line, index) => [line.rate, line.discount, prediction.lines[index].tax.toString()]);
}

function plan(order: WooOrder, settings: Parameters<typeof testContext>[1] = {}) {
  const context = testContext(order, settings);
  const result = buildInvoice(order, context);
  assertExact(order, context, result);
  return { context, result };
}

describe('buildInvoice on the real fixtures', () => {
  test('order 727 (29.35): three lines, no adjustment, date in the store time zone', () => {
    const order = fixtures.order();
    const catalogue = { taxes: [{ taxId: 'zoho-state', name: 'State Tax', percentage: '7.5' }] };
    const { result } = plan(order, { catalogue, storeTimeZone: 'America/Los_Angeles' });
    assert.equal(result.orderTotal, '29.35');
    assert.equal(result.predictedZohoTotal, '29.35');
    assert.ok(Decimal.parse(result.adjustment).isZero());
    assert.equal(result.payload.adjustment, 0);
    assert.equal(result.payload.adjustment_description, '');
    assert.deepEqual(result.reconciliation.reasons, []);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.payload.date, '2017-03-22');
    assert.equal(result.payload.reference_number, '727');
    assert.equal(result.payload.customer_id, 'contact-1');
    assert.equal(result.payload.is_inclusive_tax, false);
    assert.equal(result.payload.invoice_number, undefined);
    assert.equal(result.ignoreAutoNumberGeneration, false);

    const [single, variation, shipping] = result.payload.line_items;
    assert.deepEqual(single, { item_id: 'item-93-0', name: 'Woo Single #1', quantity: 2, rate: 3, tax_id: 'zoho-state', item_order: 1 });
    assert.equal(variation.name, 'Ship Your Idea \u2013 Color: Black, Size: M Test');
    assert.equal(variation.description, 'Color: black, Size: M Test\nSKU: Bar3');
    assert.equal(variation.tax_id, 'zoho-state');
    assert.deepEqual(shipping, { item_id: 'item-shipping', name: 'Flat Rate', quantity: 1, rate: 10, item_order: 3 });
    assert.match(result.payload.notes, /WooCommerce order #727/);
    assert.match(result.payload.notes, /Direct Bank Transfer \(bacs\)/);
  });

  test('the invoice date follows the store time zone, not UTC', () => {
    const order = fixtures.order(); // created 2017-03-22T19:28:02 GMT
    const catalogue = { taxes: [{ taxId: 'zoho-state', name: 'State Tax', percentage: '7.5' }] };
    assert.equal(plan(order, { catalogue, storeTimeZone: 'Asia/Tokyo' }).result.payload.date, '2017-03-23');
    assert.equal(plan(order, { catalogue, storeTimeZone: 'UTC' }).result.payload.date, '2017-03-22');
  });

  test('an order in a foreign currency carries the exchange rate of its date; amounts stay in the order currency', () => {
    const order = fixtures.order();
    const catalogue = { taxes: [{ taxId: 'zoho-state', name: 'State Tax', percentage: '7.5' }] };
    const context = { ...testContext(order, { catalogue }), exchangeRate: 0.8567 };
    const foreign = buildInvoice(order, context);
    assertExact(order, context, foreign);
    assert.equal(foreign.payload.exchange_rate, 0.8567);
    const base = plan(order, { catalogue }).result.payload;
    const { exchange_rate: _rate, ...rest } = foreign.payload;
    assert.deepEqual(rest, base, 'the rate is the only difference');
    assert.equal('exchange_rate' in base, false, 'the base currency sends none');
  });

  test('order 723 (registered customer, refunds): untaxed, total 39.00 without adjustment', () => {
    const order = fixtures.orderWithRefunds();
    const { result } = plan(order, { catalogue: { taxes: [] } });
    assert.equal(result.predictedZohoTotal, '39.00');
    assert.ok(Decimal.parse(result.adjustment).isZero());
    assert.equal(result.payload.line_items.length, 3);
    assert.ok(result.payload.line_items.every((line) => line.tax_id === undefined));
    assert.equal(result.payload.line_items[2].description, 'Items: Woo Album #2 \u00D7 1');
  });

  test('an unmapped rate is a TaxMappingError naming label, percentage and id', () => {
    const order = fixtures.order();
    const context = testContext(order, { catalogue: { taxes: [{ taxId: 'vat', name: 'VAT', percentage: '20' }] } });
    assert.throws(
      () => buildInvoice(order, context),
      (error: unknown) => {
        assert.ok(error instanceof TaxMappingError);
        assert.ok(error instanceof PermanentError);
        assert.match(error.message, /"State Tax" \(≈7\.5%, WooCommerce rate id 75\)/);
        return true;
      },
    );
  });
});

interface TableCase {
  name: string;
  spec: OrderSpec;
  pricePrecision?: number;
  /** Expect a zero adjustment (nothing needs rounding). */
  zeroAdjustment?: boolean;
  /** Expect the given adjustment. */
  adjustment?: string;
  /** Expect a warning matching this. */
  warning?: RegExp;
  check?: (result: InvoicePlan, order: WooOrder) => void;
}

const VAT = { id: 1, percent: '20', label: 'VAT' };
const REDUCED = { id: 2, percent: '5', label: 'Reduced rate' };
const STATE = { id: 11, percent: '6', label: 'State' };
const COUNTY = { id: 12, percent: '1.5', label: 'County' };

const cases: TableCase[] = [
  {
    name: 'guest, one 20% rate, untaxed shipping',
    spec: { rates: [VAT], lines: [{ name: 'Blue Mug 350ml', quantity: 2, unitPrice: '12.50', rateIds: [1], sku: 'MUG-BLUE-350' }], shipping: [{ name: 'Royal Mail', total: '4.99' }] },
    zeroAdjustment: true,
    check: (result) => {
      assert.equal(result.orderTotal, '34.99');
      assert.equal(result.payload.line_items[0].description, 'SKU: MUG-BLUE-350');
    },
  },
  {
    name: 'registered customer buying a variation named like its parent',
    spec: {
      customerId: 42,
      rates: [VAT],
      lines: [
        {
          name: 'Hoodie',
          parentName: 'Hoodie',
          quantity: 1,
          unitPrice: '40.00',
          rateIds: [1],
          productId: 7,
          variationId: 71,
          meta: [
            { id: 1, key: 'pa_color', value: 'navy', display_key: 'Color', display_value: 'Navy' },
            { id: 2, key: 'pa_size', value: 'l', display_key: 'Size', display_value: 'L' },
            { id: 3, key: 'pa_fit', value: 'slim', display_key: 'Fit', display_value: 'Slim' },
            { id: 4, key: '_reduced_stock', value: '1' },
          ],
        },
      ],
    },
    zeroAdjustment: true,
    check: (result) => {
      const [line] = result.payload.line_items;
      assert.equal(line.item_id, 'item-7-71');
      assert.equal(line.name, 'Hoodie \u2013 Color: Navy, Size: L, Fit: Slim');
      assert.equal(line.description, 'Color: Navy, Size: L, Fit: Slim');
    },
  },
  {
    name: 'percent coupon (10% off 3 × 19.99) as an absolute line discount',
    spec: { rates: [VAT], lines: [{ name: 'Tea', quantity: 3, unitPrice: '19.99', discount: '5.997', rateIds: [1] }], coupons: [{ code: 'TENOFF', discount: '6.00' }] },
    zeroAdjustment: true,
    check: (result) => {
      const [line] = result.payload.line_items;
      assert.equal(line.rate, 19.99);
      assert.equal(line.discount, 6);
      assert.match(result.payload.notes, /Coupons: TENOFF/);
    },
  },
  {
    name: 'fixed cart coupon spread over two lines',
    spec: {
      rates: [VAT],
      lines: [
        { name: 'Kettle', quantity: 1, unitPrice: '30.00', discount: '3.33', rateIds: [1] },
        { name: 'Toaster', quantity: 1, unitPrice: '15.00', discount: '1.67', rateIds: [1] },
      ],
      coupons: [{ code: 'FIVER', discount: '5.00' }],
    },
    zeroAdjustment: true,
    check: (result) => assert.deepEqual(result.payload.line_items.map((line) => line.discount), [3.33, 1.67]),
  },
  {
    name: 'fees: positive untaxed, taxable, and a negative one carried in the adjustment',
    spec: {
      rates: [VAT],
      lines: [{ name: 'Lamp', quantity: 1, unitPrice: '50.00', rateIds: [1] }],
      fees: [
        { name: 'Gift wrap', total: '2.50' },
        { name: 'Handling', total: '3.00', rateIds: [1] },
        { name: 'Loyalty discount', total: '-5.00' },
      ],
    },
    adjustment: '-5.00',
    check: (result) => {
      assert.equal(result.payload.line_items.length, 3);
      assert.deepEqual(result.payload.line_items.slice(1).map((line) => [line.item_id, line.name, line.rate, line.tax_id]), [
        ['item-fee', 'Gift wrap', 2.5, undefined],
        ['item-fee', 'Handling', 3, 'zoho-tax-1'],
      ]);
      assert.equal(result.payload.adjustment_description, 'Loyalty discount -5.00');
      assert.equal(result.reconciliation.carried.length, 1);
      assert.ok(Decimal.parse(result.reconciliation.roundingDifference).isZero());
    },
  },
  {
    name: 'a negative taxable fee is carried with its tax',
    spec: { rates: [VAT], lines: [{ name: 'Desk', quantity: 1, unitPrice: '100.00', rateIds: [1] }], fees: [{ name: 'Trade-in', total: '-10.00', rateIds: [1] }] },
    adjustment: '-12.00',
  },
  {
    name: 'several rates on one order: standard and reduced lines, taxed shipping',
    spec: {
      rates: [VAT, REDUCED],
      lines: [
        { name: 'Headphones', quantity: 1, unitPrice: '59.99', rateIds: [1] },
        { name: 'Child car seat', quantity: 1, unitPrice: '120.00', rateIds: [2] },
      ],
      shipping: [{ name: 'Courier', total: '6.50', rateIds: [1] }],
    },
    zeroAdjustment: true,
    check: (result) => assert.deepEqual(result.payload.line_items.map((line) => line.tax_id), ['zoho-tax-1', 'zoho-tax-2', 'zoho-tax-1']),
  },
  {
    name: 'two rates on one line map to a tax group',
    spec: {
      rates: [STATE, COUNTY],
      lines: [{ name: 'Bike', quantity: 1, unitPrice: '499.00', rateIds: [11, 12] }],
      shipping: [{ name: 'Freight', total: '25.00', rateIds: [11, 12] }],
    },
    check: (result) => assert.deepEqual(result.payload.line_items.map((line) => line.tax_id), ['zoho-group-11-12', 'zoho-group-11-12']),
  },
  {
    name: 'inclusive prices: 3 × 3.33 incl. 20% paid 9.99, no adjustment',
    spec: { inclusive: true, rates: [VAT], lines: [{ name: 'Pen', quantity: 3, unitPrice: '3.33', rateIds: [1] }], totalOverride: '9.99' },
    zeroAdjustment: true,
    check: (result) => {
      assert.equal(result.payload.is_inclusive_tax, true);
      assert.equal(result.payload.line_items[0].rate, 3.33);
    },
  },
  {
    name: 'inclusive prices: WooCommerce sums rounded parts to 10.00, the cent goes to the adjustment',
    spec: { inclusive: true, rates: [VAT], lines: [{ name: 'Pen', quantity: 3, unitPrice: '3.33', rateIds: [1] }] },
    adjustment: '0.01',
    check: (result) => {
      assert.equal(result.orderTotal, '10.00');
      assert.match(result.payload.adjustment_description, /rounding/);
      assert.ok(result.reconciliation.reasons.length > 0);
    },
  },
  {
    name: 'inclusive prices with taxed shipping: shipping rate includes its tax',
    spec: {
      inclusive: true,
      rates: [VAT],
      lines: [{ name: 'Scarf', quantity: 2, unitPrice: '24.00', rateIds: [1] }],
      shipping: [{ name: 'Standard', total: '4.00', rateIds: [1] }],
    },
    zeroAdjustment: true,
    check: (result) => assert.equal(result.payload.line_items[1].rate, 4.8),
  },
  {
    name: '0.1 + 0.2: small amounts add up exactly',
    spec: {
      rates: [{ id: 3, percent: '10', label: 'GST' }],
      lines: [
        { name: 'Sticker A', quantity: 1, unitPrice: '0.10', rateIds: [3] },
        { name: 'Sticker B', quantity: 1, unitPrice: '0.20', rateIds: [3] },
      ],
    },
    zeroAdjustment: true,
    check: (result) => assert.equal(result.orderTotal, '0.33'),
  },
  {
    name: '7 lines of 1.005: Zoho and WooCommerce agree when the store prints rounded lines',
    spec: { lines: Array.from({ length: 7 }, (_, index) => ({ name: `Bolt ${index + 1}`, quantity: 1, unitPrice: '1.005' })) },
    zeroAdjustment: true,
    check: (result) => assert.equal(result.orderTotal, '7.07'),
  },
  {
    name: '7 lines of 1.005: a store summing unrounded lines (7.04) is matched through the adjustment',
    spec: { lines: Array.from({ length: 7 }, (_, index) => ({ name: `Bolt ${index + 1}`, quantity: 1, unitPrice: '1.005' })), totalOverride: '7.04' },
    adjustment: '-0.03',
  },
  {
    name: 'a unit price with no exact value at 2 decimals (10.00 / 3): rate rounded up, the surplus as a discount',
    spec: { rates: [VAT], lines: [{ name: 'Bundle of three', quantity: 3, unitPrice: '3.333333', rateIds: [1] }] },
    zeroAdjustment: true,
    check: (result, order) => assert.deepEqual(priced(result, order), [[3.34, 0.02, '2.00']]),
  },
  {
    name: 'a coupon on a line whose unit price has no exact value: one discount for both',
    spec: { rates: [VAT], lines: [{ name: 'Bundle of three', quantity: 3, unitPrice: '3.333333', discount: '1.00', rateIds: [1] }], coupons: [{ code: 'ONEOFF', discount: '1.00' }] },
    zeroAdjustment: true,
    check: (result, order) => assert.deepEqual(priced(result, order), [[3.34, 1.02, '1.80']]),
  },
  {
    name: '1000 units at 0.125 (exclusive): Zoho books WooCommerce\'s 125.00 and its 25.00 tax, not 130.00 and 26.00',
    spec: { rates: [VAT], lines: [{ name: 'Screw', quantity: 1000, unitPrice: '0.125', rateIds: [1] }] },
    zeroAdjustment: true,
    check: (result, order) => assert.deepEqual(priced(result, order), [[0.13, 5, '25.00']]),
  },
  {
    name: '1000 units at 0.125 incl. 20%: the inclusive line is booked at WooCommerce\'s 125.00 too',
    spec: { inclusive: true, rates: [VAT], lines: [{ name: 'Screw', quantity: 1000, unitPrice: '0.125', rateIds: [1] }] },
    zeroAdjustment: true,
    check: (result, order) => assert.deepEqual(priced(result, order), [[0.13, 5, '20.83']]),
  },
  {
    name: 'a fractional quantity whose rate × quantity rounds to the line total keeps its plain rate',
    spec: { lines: [{ name: 'Cheese (kg)', quantity: 2.5, unitPrice: '3.992' }] },
    zeroAdjustment: true,
    check: (result, order) => assert.deepEqual(priced(result, order), [[3.99, undefined, '0.00']]),
  },
  {
    name: 'per-line tax rounding against per-order rounding (4 × 1.99 at 7.25%)',
    spec: {
      rates: [{ id: 4, percent: '7.25', label: 'Sales tax' }],
      lines: Array.from({ length: 4 }, (_, index) => ({ name: `Item ${index + 1}`, quantity: 1, unitPrice: '1.99', rateIds: [4] })),
    },
    check: (result) => assert.ok(Decimal.parse(result.reconciliation.roundingDifference).abs().lte('0.05')),
  },
  {
    name: 'JPY: no decimals at all',
    spec: {
      currency: 'JPY',
      rates: [{ id: 5, percent: '10', label: '消費税' }],
      lines: [
        { name: '抹茶', quantity: 3, unitPrice: '1500', rateIds: [5] },
        { name: '湯呑み', quantity: 3, unitPrice: '333', rateIds: [5] },
      ],
      shipping: [{ name: '送料', total: '500' }],
    },
    pricePrecision: 0,
    zeroAdjustment: true,
    check: (result) => {
      assert.equal(result.orderTotal, '6549');
      assert.equal(result.payload.line_items[0].name, '抹茶');
    },
  },
  {
    name: 'KWD: three decimals',
    spec: { currency: 'KWD', rates: [{ id: 6, percent: '5', label: 'VAT' }], lines: [{ name: 'Dates box', quantity: 2, unitPrice: '12.345', rateIds: [6] }] },
    pricePrecision: 3,
    zeroAdjustment: true,
    check: (result) => {
      assert.equal(result.orderTotal, '25.925');
      assert.equal(result.payload.line_items[0].rate, 12.345);
    },
  },
  {
    name: 'KWD into a Zoho organisation with 2-decimal precision: matched, with a precision warning',
    spec: { currency: 'KWD', rates: [{ id: 6, percent: '5', label: 'VAT' }], lines: [{ name: 'Dates box', quantity: 2, unitPrice: '12.345', rateIds: [6] }] },
    pricePrecision: 2,
    // 24.690 is booked as 24.69 (rate 12.35 less 0.01), tax 1.23: the half cent WooCommerce keeps goes to the adjustment.
    adjustment: '0.005',
    warning: /more decimals than Zoho's price precision \(2\)/,
    check: (result, order) => assert.deepEqual(priced(result, order), [[12.35, 0.01, '1.23']]),
  },
  {
    name: 'order numbering: the invoice number is the prefixed order number',
    spec: { id: 1042, lines: [{ name: 'Mug', quantity: 1, unitPrice: '9.00' }] },
    zeroAdjustment: true,
  },
  {
    name: 'a line with quantity 0 is carried in the adjustment',
    spec: { lines: [{ name: 'Mug', quantity: 1, unitPrice: '9.00' }, { name: 'Removed item', quantity: 0, unitPrice: '5.00' }] },
    zeroAdjustment: true,
    check: (result) => {
      assert.equal(result.payload.line_items.length, 1);
      assert.equal(result.reconciliation.carried.length, 1);
    },
  },
  {
    name: 'compound rate (5% + 9.975% on top): totals match, the gap is flagged',
    spec: {
      rates: [
        { id: 7, percent: '5', label: 'GST' },
        { id: 8, percent: '9.975', label: 'QST', compound: true },
      ],
      lines: [{ name: 'Snowshoes', quantity: 1, unitPrice: '100.00', rateIds: [7, 8] }],
    },
    warning: /more than rounding explains/,
    check: (result) => assert.ok(result.reconciliation.reasons.some((reason) => /compound/.test(reason))),
  },
  {
    name: 'tax on the order but not on its lines: matched through the adjustment, with a warning',
    spec: { lines: [{ name: 'Chair', quantity: 1, unitPrice: '80.00' }], totalOverride: '96.00' },
    adjustment: '16.00',
    warning: /tax is probably not mapped/,
  },
];

describe('buildInvoice on hand-built orders', () => {
  for (const entry of cases) {
    test(entry.name, () => {
      const order = buildTestOrder(entry.spec);
      const options = entry.name.startsWith('order numbering') ? { invoiceNumber: 'order-number' as const, invoiceNumberPrefix: 'WC-' } : undefined;
      const { result } = plan(order, { pricePrecision: entry.pricePrecision ?? 2, options });
      if (entry.zeroAdjustment) {
        assert.ok(Decimal.parse(result.adjustment).isZero(), `adjustment ${result.adjustment} should be zero`);
        assert.equal(result.payload.adjustment_description, '');
      }
      if (entry.adjustment !== undefined) assert.ok(Decimal.parse(result.adjustment).eq(entry.adjustment), `adjustment ${result.adjustment}`);
      if (entry.warning) {
        assert.ok(result.warnings.some((warning) => entry.warning?.test(warning)), `warnings: ${result.warnings.join(' | ')}`);
      } else {
        assertRoundingOnly(result);
      }
      if (!Decimal.parse(result.adjustment).isZero()) assert.ok(result.reconciliation.reasons.length > 0, 'a non-zero adjustment has reasons');
      assert.ok(Decimal.parse(result.adjustment).sub(result.reconciliation.carried.reduce((sum, entry) => sum.add(entry.amount), Decimal.ZERO)).eq(result.reconciliation.roundingDifference));
      if (entry.name.startsWith('order numbering')) {
        assert.equal(result.payload.invoice_number, 'WC-1042');
        assert.equal(result.ignoreAutoNumberGeneration, true);
      }
      entry.check?.(result, order);
    });
  }
});

describe('buildInvoice with hostile text', () => {
  const lone = '\uD83D';
  const longName = `${'Ä'.repeat(60)}😀${'x'.repeat(300)}`;
  const order = buildTestOrder({
    rates: [VAT],
    lines: [
      { name: `<script>alert("x")</script>Tee "Classic" & 'Co' \u202Eevil\u202C 👩🏽‍💻`, quantity: 1, unitPrice: '10.00', rateIds: [1] },
      { name: longName, quantity: 2, unitPrice: '5.00', rateIds: [1], sku: `SKU-${lone}-1\u0000` },
      { name: `Broken ${lone} surrogate\tand\ncontrols\u0007`, quantity: 1, unitPrice: '1.00' },
      { name: '   ', quantity: 1, unitPrice: '2.00' },
    ],
    shipping: [{ name: '🚚'.repeat(80), total: '3.00' }],
    customerNote: 'Please <b>ring</b> twice!\r\n\r\n\r\nThanks 🙏 \u202E',
    billing: { first_name: 'Zoë', last_name: "O'Brien" },
  });
  const context = testContext(order);
  const result = buildInvoice(order, context);

  test('keeps the invariant', () => assertExact(order, context, result));

  test('names are clean, at most 100 UTF-16 units, never split inside a character', () => {
    for (const line of result.payload.line_items) {
      assert.ok(line.name.length <= 100, `${line.name.length}: ${line.name}`);
      assert.doesNotMatch(line.name, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      assert.doesNotMatch(line.name, /[\u0000-\u001F\u007F\u202A-\u202E]/);
    }
    // Markup in a product name is markup, not text: tags and script bodies are dropped.
    assert.equal(result.payload.line_items[0].name, `Tee "Classic" & 'Co' evil 👩🏽‍💻`);
    assert.ok(result.payload.line_items[1].name.endsWith('…'));
    assert.ok(result.payload.line_items[1].name.includes('😀'));
    assert.equal(result.payload.line_items[2].name, 'Broken \uFFFD surrogate and controls');
    assert.match(result.payload.line_items[3].name, /^Product \d+$/);
    assert.equal(result.payload.line_items[4].name.length, 99);
    assert.ok(result.payload.line_items[4].name.endsWith('…'));
  });

  test('notes carry the customer note as the plain text it is', () => {
    assert.match(result.payload.notes, /Customer note: Please <b>ring<\/b> twice!\n\nThanks 🙏$/);
  });
});

describe('buildInvoice refuses what it cannot invoice', () => {
  test('an unknown store time zone is a configuration error', () => {
    const order = buildTestOrder({ lines: [{ name: 'Mug', quantity: 1, unitPrice: '9.00' }] });
    assert.throws(() => buildInvoice(order, testContext(order, { storeTimeZone: 'Mars/Olympus' })), /unknown store time zone/);
  });

  test('an impossible price precision is a configuration error', () => {
    const order = buildTestOrder({ lines: [{ name: 'Mug', quantity: 1, unitPrice: '9.00' }] });
    assert.throws(() => buildInvoice(order, testContext(order, { pricePrecision: 2.5 })), /price precision/);
  });

  test('an unreadable amount names its field', () => {
    const order = buildTestOrder({ lines: [{ name: 'Mug', quantity: 1, unitPrice: '9.00' }] });
    order.line_items[0].total = '9,00';
    assert.throws(() => buildInvoice(order, testContext(order)), /line_items\[0\]\.total is not an amount/);
  });

  test('an order with only a negative fee has nothing to invoice', () => {
    const order = buildTestOrder({ lines: [], fees: [{ name: 'Credit', total: '-5.00' }] });
    assert.throws(() => buildInvoice(order, testContext(order)), PermanentError);
  });

  test('a line whose rates the context cannot map', () => {
    const order = buildTestOrder({ rates: [REDUCED], lines: [{ name: 'Book', quantity: 1, unitPrice: '9.00', rateIds: [2] }] });
    const context = { ...testContext(order), taxFor: () => undefined };
    assert.throws(() => buildInvoice(order, context), /"Reduced rate" \(5%, WooCommerce rate id 2\)/);
  });

  test('an unmapped rate stated as 0 but charged by the lines (an order from before WooCommerce 3.7) is named with its derived percentage', () => {
    const order = buildTestOrder({ rates: [VAT], lines: [{ name: 'Book', quantity: 1, unitPrice: '10.00', rateIds: [1] }] });
    order.tax_lines[0].rate_percent = 0;
    const context = { ...testContext(order, { catalogue: { taxes: [] } }), taxFor: () => undefined };
    assert.throws(() => buildInvoice(order, context), /"VAT" \(≈20%, WooCommerce rate id 1\)/);
  });
});

describe('buildInvoice for an order without an email', () => {
  test('the notes name the buyer (the invoice goes to the shared walk-in contact); with an email they do not', () => {
    const walkIn = buildTestOrder({ rates: [VAT], lines: [{ name: 'Mug', quantity: 1, unitPrice: '10.00', rateIds: [1] }], billing: { email: '', phone: '+44 117 000', company: 'Doe & Co' } });
    const notes = buildInvoice(walkIn, testContext(walkIn)).payload.notes;
    assert.match(notes, /^WooCommerce order #\d+\nCustomer: Jane Doe, Doe & Co, 1 High Street, BS1 1AA Bristol, GB, phone \+44 117 000\n/);
    const registered = buildTestOrder({ rates: [VAT], lines: [{ name: 'Mug', quantity: 1, unitPrice: '10.00', rateIds: [1] }] });
    assert.doesNotMatch(buildInvoice(registered, testContext(registered)).payload.notes, /Customer:/);
  });
});
