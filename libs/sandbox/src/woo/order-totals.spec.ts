import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '../decimal/decimal';
import { computeOrderTotals, type CouponType, type OrderMathInput } from './order-totals';
import { normalizeTaxRate } from './tax-rates';

const D = (v: string | number) => Decimal.from(v);
const fixed = (v: Decimal, d = 2) => v.toFixed(d);

/** A deterministic PRNG (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('WooCommerce order math', () => {
  it('reproduces fixture order 727 (raw line taxes, 29.35)', () => {
    const t = computeOrderTotals({
      decimals: 2,
      pricesIncludeTax: false,
      rates: [normalizeTaxRate({ id: 75, rate: '7.5', label: 'State Tax', shipping: false })],
      lines: [
        { unitPrice: D('3'), quantity: 2, taxable: true, taxClass: '' },
        { unitPrice: D('12'), quantity: 1, taxable: true, taxClass: '' },
      ],
      coupons: [],
      fees: [],
      shipping: [{ cost: D('10'), taxable: true }],
    });
    assert.deepEqual(t.lines.map((l) => l.taxes[0]!.total.toString()), ['0.45', '0.9']);
    assert.equal(fixed(t.cartTax), '1.35');
    assert.equal(fixed(t.shippingTax), '0.00');
    assert.equal(fixed(t.total), '29.35');
  });

  it('rounds tax per line and keeps raw values unrounded', () => {
    const t = computeOrderTotals({
      decimals: 2,
      pricesIncludeTax: false,
      rates: [normalizeTaxRate({ id: 1, rate: '8.875', label: 'NY' })],
      lines: [0, 1, 2].map(() => ({ unitPrice: D('1.99'), quantity: 1, taxable: true, taxClass: '' })),
      coupons: [],
      fees: [],
      shipping: [],
    });
    assert.equal(t.lines[0]!.taxes[0]!.total.toString(), '0.176613');
    assert.equal(fixed(t.lines[0]!.totalTax), '0.18');
    assert.equal(fixed(t.cartTax), '0.54'); // a subtotal-level rounding would give 0.53
  });

  it('derives ex-tax totals from inclusive prices so total + tax is what was paid', () => {
    const t = computeOrderTotals({
      decimals: 2,
      pricesIncludeTax: true,
      rates: [normalizeTaxRate({ id: 1, rate: '19', label: 'MwSt.' }), normalizeTaxRate({ id: 2, rate: '7', label: 'MwSt. 7', class: 'reduced-rate' })],
      lines: [
        { unitPrice: D('19.99'), quantity: 3, taxable: true, taxClass: '' },
        { unitPrice: D('4.99'), quantity: 1, taxable: true, taxClass: 'reduced-rate' },
      ],
      coupons: [{ type: 'percent', amount: D('10') }],
      fees: [],
      shipping: [{ cost: D('4.20'), taxable: true }],
    });
    const [a, b] = t.lines;
    assert.equal(fixed(a!.subtotal.add(a!.subtotalTax)), '59.97');
    assert.equal(fixed(a!.total.add(a!.totalTax)), '53.98'); // 59.97 − 5.99 (floor of 5.997)
    // floor shares 5.99 + 0.49; the coupon's total round(6.496) = 6.50 puts the 0.02 remainder on the last line.
    assert.equal(fixed(b!.total.add(b!.totalTax)), '4.48');
    assert.equal(fixed(t.shippingTax), '0.80');
    assert.equal(fixed(t.total), fixed(a!.total.add(a!.totalTax).add(b!.total).add(b!.totalTax).add('4.20').add(t.shippingTax)));
  });

  it('splits a fixed_cart coupon proportionally with the remainder on the last line', () => {
    const t = computeOrderTotals({
      decimals: 2,
      pricesIncludeTax: false,
      rates: [],
      lines: [10, 10, 10].map((p) => ({ unitPrice: D(p), quantity: 1, taxable: false, taxClass: '' })),
      coupons: [{ type: 'fixed_cart', amount: D('10') }],
      fees: [],
      shipping: [],
    });
    assert.deepEqual(t.lines.map((l) => fixed(l.subtotal.sub(l.total))), ['3.33', '3.33', '3.34']);
    assert.equal(fixed(t.coupons[0]!.discount), '10.00');
  });

  it('handles compound rates, taxed fees, negative fees and 0/3-decimal stores', () => {
    const compound = computeOrderTotals({
      decimals: 2,
      pricesIncludeTax: false,
      rates: [normalizeTaxRate({ id: 1, rate: '5', label: 'GST' }), normalizeTaxRate({ id: 2, rate: '9.975', label: 'QST', compound: true })],
      lines: [{ unitPrice: D('100'), quantity: 1, taxable: true, taxClass: '' }],
      coupons: [],
      fees: [{ amount: D('-120'), taxable: false, taxClass: '' }],
      shipping: [],
    });
    assert.equal(fixed(compound.lines[0]!.totalTax), '15.47'); // 5 + 10.47375
    assert.equal(fixed(compound.fees[0]!.total), '-100.00'); // capped at items + fees + shipping, ex tax
    assert.equal(fixed(compound.total), '15.47');
    const yen = computeOrderTotals({
      decimals: 0,
      pricesIncludeTax: false,
      rates: [normalizeTaxRate({ id: 1, rate: '10', label: 'JCT' })],
      lines: [{ unitPrice: D('1980'), quantity: 3, taxable: true, taxClass: '' }],
      coupons: [{ type: 'fixed_cart', amount: D('500') }],
      fees: [{ amount: D('300'), taxable: true, taxClass: '' }],
      shipping: [{ cost: D('800'), taxable: true }],
    });
    assert.equal(yen.total.toFixed(0), String(5440 + 544 + 300 + 30 + 800 + 80));
    const dinar = computeOrderTotals({
      decimals: 3,
      pricesIncludeTax: false,
      rates: [normalizeTaxRate({ id: 1, rate: '5', label: 'VAT' })],
      lines: [{ unitPrice: D('1.235'), quantity: 3, taxable: true, taxClass: '' }],
      coupons: [],
      fees: [],
      shipping: [],
    });
    assert.equal(dinar.lines[0]!.totalTax.toFixed(3), '0.185'); // 0.18525
    assert.equal(dinar.total.toFixed(3), '3.890');
  });

  it('keeps every documented identity exactly for many generated orders', () => {
    const random = prng(20250115);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    for (let n = 0; n < 400; n++) {
      const decimals = pick([0, 2, 2, 2, 3]);
      const money = (max: number) => D((random() * max).toFixed(decimals));
      const rates = [
        normalizeTaxRate({ id: 1, rate: pick(['0', '5', '7.25', '8.875', '19', '20']), label: 'A', shipping: random() < 0.7 }),
        ...(random() < 0.4 ? [normalizeTaxRate({ id: 2, rate: pick(['2.25', '9.975', '1']), label: 'B', compound: random() < 0.5 })] : []),
        normalizeTaxRate({ id: 3, rate: '7', label: 'Reduced', class: 'reduced-rate' }),
      ];
      const input: OrderMathInput = {
        decimals,
        pricesIncludeTax: random() < 0.4,
        rates,
        lines: Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
          unitPrice: money(200),
          quantity: 1 + Math.floor(random() * 5),
          taxable: random() < 0.85,
          taxClass: random() < 0.25 ? 'reduced-rate' : '',
        })),
        coupons: Array.from({ length: Math.floor(random() * 3) }, () => {
          const type = pick<CouponType>(['percent', 'fixed_cart', 'fixed_product']);
          return { type, amount: type === 'percent' ? D(pick(['5', '10', '12.5', '33', '100'])) : money(type === 'fixed_cart' ? 300 : 30) };
        }),
        fees: Array.from({ length: Math.floor(random() * 3) }, () => ({ amount: money(40).mul(random() < 0.3 ? -1 : 1), taxable: random() < 0.5, taxClass: '' })),
        shipping: Array.from({ length: Math.floor(random() * 2) }, () => ({ cost: money(25), taxable: random() < 0.8 })),
      };
      const t = computeOrderTotals(input);
      const sum = (xs: Decimal[]) => Decimal.sum(xs);
      const context = JSON.stringify({ n, decimals, pricesIncludeTax: input.pricesIncludeTax });
      assert.ok(t.total.eq(sum(t.lines.map((l) => l.total)).add(sum(t.fees.map((f) => f.total))).add(t.shippingTotal).add(t.totalTax)), context);
      assert.ok(t.totalTax.eq(t.cartTax.add(t.shippingTax)), context);
      assert.ok(t.cartTax.eq(sum(t.lines.map((l) => l.totalTax)).add(sum(t.fees.map((f) => f.totalTax)))), context);
      assert.ok(t.shippingTax.eq(sum(t.shipping.map((s) => s.totalTax))), context);
      assert.ok(t.cartTax.eq(sum(t.taxLines.map((x) => x.taxTotal))), context);
      assert.ok(t.shippingTax.eq(sum(t.taxLines.map((x) => x.shippingTaxTotal))), context);
      assert.ok(t.discountTotal.eq(sum(t.lines.map((l) => l.subtotal.sub(l.total)))), context);
      assert.ok(t.discountTax.eq(sum(t.lines.map((l) => l.subtotalTax.sub(l.totalTax)))), context);
      if (t.coupons.length > 0) {
        assert.ok(t.discountTotal.eq(sum(t.coupons.map((c) => c.discount))), context);
        assert.ok(t.discountTax.eq(sum(t.coupons.map((c) => c.discountTax))), context);
      }
      for (const line of t.lines) {
        assert.ok(line.totalTax.eq(sum(line.taxes.map((x) => x.total.round(decimals)))), context);
        assert.ok(line.total.add(line.totalTax).sign() >= 0, context);
        assert.ok(line.subtotal.sub(line.total).sign() >= 0 || input.pricesIncludeTax, context);
        assert.ok(line.total.scale <= decimals || line.total.normalized().scale <= decimals, context);
      }
      if (!input.fees.some((f) => f.amount.sign() < 0)) assert.ok(t.total.sign() >= 0, context);
    }
  });
});
