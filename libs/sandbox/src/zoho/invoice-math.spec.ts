import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeInvoiceTotals, splitTaxOverMembers } from './invoice-math';
import { Decimal } from '../decimal/decimal';

const str = (d: Decimal, p: number) => d.toFixed(p);

describe('invoice-math', () => {
  it('reproduces the fixture invoice (exclusive tax, untaxed shipping, negative adjustment)', () => {
    const r = computeInvoiceTotals({
      precision: 2,
      isInclusiveTax: false,
      lines: [{ rate: 12.5, quantity: 2, discount: 0, taxPercentage: 20 }],
      shippingCharge: '4.99',
      adjustment: -0.01,
    });
    assert.equal(str(r.subTotal, 2), '25.00');
    assert.equal(str(r.taxTotal, 2), '5.00');
    assert.equal(str(r.total, 2), '34.98');
  });

  it('rounds tax per line, not on the sum', () => {
    // 3 lines of 0.05 at 10%: each line tax 0.005 → 0.01, so 0.03 (a sum-then-round model gives 0.02).
    const r = computeInvoiceTotals({
      precision: 2,
      isInclusiveTax: false,
      lines: [0, 1, 2].map(() => ({ rate: '0.05', quantity: 1, taxPercentage: 10 })),
    });
    assert.equal(str(r.taxTotal, 2), '0.03');
    assert.equal(str(r.total, 2), '0.18');
  });

  it('keeps item totals tax-inclusive on inclusive invoices and does not add the tax again', () => {
    const r = computeInvoiceTotals({
      precision: 2,
      isInclusiveTax: true,
      lines: [
        { rate: '11.90', quantity: 1, taxPercentage: 19 },
        { rate: '10.70', quantity: 3, taxPercentage: 7 },
      ],
      shippingCharge: '4.90',
    });
    assert.equal(str(r.lines[0]!.tax, 2), '1.90'); // 11.90 × 19/119
    assert.equal(str(r.lines[1]!.tax, 2), '2.10'); // 32.10 × 7/107
    assert.equal(str(r.subTotal, 2), '44.00');
    assert.equal(str(r.taxTotal, 2), '4.00');
    assert.equal(str(r.total, 2), '48.90');
  });

  it('applies percentage and absolute discounts before rounding the item total', () => {
    const r = computeInvoiceTotals({
      precision: 2,
      isInclusiveTax: false,
      lines: [
        { rate: '19.99', quantity: 3, discount: '12.5%', taxPercentage: 20 }, // 59.97 − 7.49625 = 52.47375 → 52.47
        { rate: '10', quantity: 1, discount: '2.50' },
        { rate: '10', quantity: 1, discountAmount: '1.25' },
      ],
    });
    assert.equal(str(r.lines[0]!.itemTotal, 2), '52.47');
    assert.equal(str(r.lines[0]!.tax, 2), '10.49'); // 10.494
    assert.equal(str(r.lines[1]!.itemTotal, 2), '7.50');
    assert.equal(str(r.lines[2]!.itemTotal, 2), '8.75');
    assert.equal(str(r.total, 2), '79.21');
  });

  it('uses 0 decimals for JPY-like organisations', () => {
    const r = computeInvoiceTotals({
      precision: 0,
      isInclusiveTax: false,
      lines: [{ rate: 1980, quantity: 3, taxPercentage: 10 }, { rate: 55, quantity: 1, taxPercentage: 8 }],
      shippingCharge: 500,
      adjustment: -1,
    });
    assert.equal(str(r.lines[1]!.tax, 0), '4'); // 4.4
    assert.equal(str(r.taxTotal, 0), '598');
    assert.equal(str(r.total, 0), '7092');
  });

  it('uses 3 decimals for KWD-like organisations', () => {
    const r = computeInvoiceTotals({
      precision: 3,
      isInclusiveTax: false,
      lines: [{ rate: '1.2345', quantity: 3, taxPercentage: 5 }],
      adjustment: '0.001',
    });
    assert.equal(str(r.lines[0]!.itemTotal, 3), '3.704'); // 3.7035 → 3.704
    assert.equal(str(r.lines[0]!.tax, 3), '0.185'); // 0.1852
    assert.equal(str(r.total, 3), '3.890');
  });

  it('applies a tax group as the sum of its members and splits the summary without losing a cent', () => {
    const r = computeInvoiceTotals({ precision: 2, isInclusiveTax: false, lines: [{ rate: '9.99', quantity: 1, taxPercentage: '9.5' }] });
    assert.equal(str(r.lines[0]!.tax, 2), '0.95'); // 0.94905
    const shares = splitTaxOverMembers(r.lines[0]!.tax, [Decimal.from('7.25'), Decimal.from('2.25')], 2);
    assert.deepEqual(shares.map((s) => s.toFixed(2)), ['0.73', '0.22']);
  });
});
