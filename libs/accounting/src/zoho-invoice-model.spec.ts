import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from './money/decimal';
import { predictZohoInvoice, taxGroupPercentage } from './zoho-invoice-model';

const taxes = new Map<string, Decimal>([
  ['vat20', Decimal.parse('20')],
  ['state-county', taxGroupPercentage(['6', '1.5'])],
]);
const settings = (pricePrecision = 2) => ({ pricePrecision, taxPercentage: (id: string) => taxes.get(id) });

test('the documented example: 2 × 12.50 at 20%, untaxed shipping 4.99, adjustment -0.01 → 34.98', () => {
  const prediction = predictZohoInvoice(
    { is_inclusive_tax: false, line_items: [{ rate: 12.5, quantity: 2, tax_id: 'vat20' }], shipping_charge: '4.99', adjustment: -0.01 },
    settings(),
  );
  assert.equal(prediction.subTotal.toString(), '25.00');
  assert.equal(prediction.taxTotal.toString(), '5.00');
  assert.equal(prediction.total.toString(), '34.98');
});

test('discounts: a "%" string is a percentage of gross, anything else an amount', () => {
  const prediction = predictZohoInvoice(
    {
      line_items: [
        { rate: '19.99', quantity: 3, discount: '10%' },
        { rate: '19.99', quantity: 3, discount: 6 },
        { rate: '19.99', quantity: 3, discount: '6.00' },
      ],
    },
    settings(),
  );
  assert.deepEqual(prediction.lines.map((line) => line.itemTotal.toString()), ['53.97', '53.97', '53.97']);
  assert.ok(prediction.lines[0].discount.eq('5.997'));
});

test('tax is rounded per line, never on the sum', () => {
  const lines = Array.from({ length: 4 }, () => ({ rate: '1.99', quantity: 1, tax_id: 'state-county' }));
  const prediction = predictZohoInvoice({ line_items: lines }, settings());
  // 1.99 × 7.5% = 0.14925 → 0.15 per line; on the sum it would be 0.597 → 0.60
  assert.equal(prediction.taxTotal.toString(), '0.60');
  assert.deepEqual(prediction.lines.map((line) => line.tax.toString()), ['0.15', '0.15', '0.15', '0.15']);
  assert.equal(prediction.total.toString(), '8.56');
});

test('inclusive invoices: tax is extracted and not added again', () => {
  const prediction = predictZohoInvoice({ is_inclusive_tax: true, line_items: [{ rate: '3.33', quantity: 3, tax_id: 'vat20' }] }, settings());
  assert.equal(prediction.lines[0].itemTotal.toString(), '9.99');
  assert.equal(prediction.lines[0].tax.toString(), '1.67'); // 9.99 × 20 / 120 = 1.665
  assert.equal(prediction.total.toString(), '9.99');
});

test('item totals round half away from zero at the price precision (0 and 3 decimals)', () => {
  assert.equal(predictZohoInvoice({ line_items: [{ rate: '333.5', quantity: 1 }] }, settings(0)).total.toString(), '334');
  assert.equal(predictZohoInvoice({ line_items: [{ rate: '1.0005', quantity: 1 }] }, settings(3)).total.toString(), '1.001');
  assert.equal(predictZohoInvoice({ line_items: [{ rate: '-1.005', quantity: 1 }] }, settings(2)).total.toString(), '-1.01');
});

test('an unknown tax id is an error, not a silent zero', () => {
  assert.throws(() => predictZohoInvoice({ line_items: [{ rate: 1, quantity: 1, tax_id: 'nope' }] }, settings()), /unknown Zoho tax id nope/);
});
