import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import { appliedRateIds, mapOrderTaxes, wooTaxRatesOf, zohoTaxesFromList } from './tax-mapping';
import { TaxMappingError } from './tax-mapping-error';
import { fixtures } from './test-support/fixtures';
import { buildTestOrder } from './test-support/order-builder';

const VAT = { id: 1, percent: '20', label: 'VAT' };
const REDUCED = { id: 2, percent: '5', label: 'Reduced rate' };

test('applied rate ids skip the empty placeholders and sort', () => {
  assert.deepEqual(appliedRateIds([{ id: 9, total: '0.5', subtotal: '0.5' }, { id: 3, total: '', subtotal: '' }, { id: 1, total: '0.25', subtotal: '' }]), [1, 9]);
  // A line a coupon took to zero still applies its rates: the amounts are 0, not placeholders.
  assert.deepEqual(appliedRateIds([{ id: 2, total: '0', subtotal: '0' }, { id: 1, total: '0', subtotal: '' }]), [1, 2]);
  assert.deepEqual(appliedRateIds([{ id: 1, total: '0', subtotal: '4' }]), [1]);
});

test('a rate listed at 0 beside one that charges is not applied (WooCommerce 3.9 back-end orders, woocommerce#25463)', () => {
  assert.deepEqual(appliedRateIds([{ id: 1, total: '20', subtotal: '20' }, { id: 2, total: '0', subtotal: '0' }]), [1]);
  assert.deepEqual(appliedRateIds([{ id: 1, total: '0', subtotal: '0' }, { id: 2, total: '1', subtotal: '' }]), [2]);
  const order = buildTestOrder({
    rates: [VAT, REDUCED],
    lines: [
      { name: 'A', quantity: 1, unitPrice: '100.00', rateIds: [1] },
      { name: 'B', quantity: 1, unitPrice: '20.00', rateIds: [2] },
    ],
  });
  order.line_items[0].taxes.push({ id: 2, total: '0', subtotal: '0' });
  order.line_items[1].taxes.unshift({ id: 1, total: '0', subtotal: '0' });
  const mapping = mapOrderTaxes(order, { taxes: [{ taxId: 'std', name: 'VAT', percentage: '20' }, { taxId: 'red', name: 'Reduced rate', percentage: '5' }] });
  mapping.assertComplete();
  assert.deepEqual(mapping.matches.map((entry) => [entry.rateIds, entry.match.taxId]), [[[1], 'std'], [[2], 'red']]);
});

test('the Zoho taxes list converts to a catalogue (fixture)', () => {
  const taxes = zohoTaxesFromList(fixtures.zohoTaxes().taxes);
  assert.deepEqual(taxes.map((tax) => [tax.taxId, tax.name, tax.percentage.toString()]), [
    ['5551230000000200005', 'Standard Rate', '20'],
    ['5551230000000200007', 'Zero Rate', '0'],
  ]);
});

test('a stated rate_percent maps by exact percentage', () => {
  const order = buildTestOrder({ rates: [VAT], lines: [{ name: 'A', quantity: 1, unitPrice: '10.00', rateIds: [1] }] });
  const mapping = mapOrderTaxes(order, { taxes: zohoTaxesFromList(fixtures.zohoTaxes().taxes) });
  assert.deepEqual(mapping.taxFor([1], 'item'), { taxId: '5551230000000200005', percentage: '20' });
  assert.equal(mapping.taxFor([], 'item'), undefined);
  assert.deepEqual(mapping.unmatched, []);
  mapping.assertComplete();
});

test('exact means exact: 19.99% is not 20%', () => {
  const order = buildTestOrder({ rates: [{ id: 1, percent: '19.99', label: 'Odd' }], lines: [{ name: 'A', quantity: 1, unitPrice: '10.00', rateIds: [1] }] });
  const mapping = mapOrderTaxes(order, { taxes: [{ taxId: 'vat', name: 'VAT', percentage: 20 }] });
  assert.equal(mapping.unmatched.length, 1);
  assert.match(mapping.unmatched[0].reason, /no Zoho tax has the percentage 19\.99%/);
  assert.throws(() => mapping.taxFor([1]), TaxMappingError);
});

test('a name match decides between taxes of the same percentage', () => {
  const order = buildTestOrder({ rates: [{ id: 1, percent: '8', label: 'City Tax' }], lines: [{ name: 'A', quantity: 1, unitPrice: '10.00', rateIds: [1] }] });
  const catalogue = {
    taxes: [
      { taxId: 'sales', name: 'Sales Tax', percentage: '8' },
      { taxId: 'city', name: 'city tax', percentage: '8' },
    ],
  };
  const mapping = mapOrderTaxes(order, catalogue);
  assert.equal(mapping.taxFor([1])?.taxId, 'city');
  assert.equal(mapping.matches[0].match.matchedByName, true);
  assert.equal(mapping.matches[0].match.ambiguous, false);

  const unnamed = mapOrderTaxes(order, { taxes: [{ taxId: 'a', name: 'A', percentage: '8' }, { taxId: 'b', name: 'B', percentage: '8' }] });
  assert.equal(unnamed.taxFor([1])?.taxId, 'a');
  assert.equal(unnamed.matches[0].match.ambiguous, true);
});

test('without rate_percent the percentage is derived from the lines (fixture order 727)', () => {
  const order = fixtures.order();
  const [rate] = wooTaxRatesOf(order);
  assert.equal(rate.percentage?.exact, false);
  assert.ok(rate.percentage?.low.lte('7.5') && rate.percentage.high.gte('7.5'));
  assert.ok(rate.percentage?.estimate.eq('7.5'));
  const mapping = mapOrderTaxes(order, {
    taxes: [
      { taxId: 'seven', name: 'Seven', percentage: '7' },
      { taxId: 'state', name: 'State Tax', percentage: '7.5' },
      { taxId: 'eight', name: 'Eight', percentage: '8' },
    ],
  });
  assert.deepEqual(mapping.taxFor([75], 'item'), { taxId: 'state', percentage: '7.5' });
});

test('derived bounds narrow across lines and survive 6-decimal raw taxes', () => {
  const order = buildTestOrder({
    rates: [{ id: 1, percent: '8.875', label: 'NYC', omitPercent: true }],
    lines: [
      { name: 'A', quantity: 1, unitPrice: '18.44', rateIds: [1] },
      { name: 'B', quantity: 3, unitPrice: '99.99', rateIds: [1] },
    ],
  });
  const [rate] = wooTaxRatesOf(order);
  assert.ok(rate.percentage && rate.percentage.low.lte('8.875') && rate.percentage.high.gte('8.875'));
  assert.ok(rate.percentage && rate.percentage.high.sub(rate.percentage.low).lt('0.001'));
  const mapping = mapOrderTaxes(order, { taxes: [{ taxId: 'ny', name: 'NY', percentage: '8.875' }, { taxId: 'ny2', name: 'NY2', percentage: '8.88' }] });
  assert.equal(mapping.taxFor([1])?.taxId, 'ny');
});

test('several rates on a line need a tax group with exactly those members', () => {
  const order = buildTestOrder({
    rates: [
      { id: 11, percent: '6', label: 'State' },
      { id: 12, percent: '1.5', label: 'County' },
    ],
    lines: [{ name: 'A', quantity: 1, unitPrice: '100.00', rateIds: [11, 12] }],
  });
  const catalogue = {
    taxes: [{ taxId: 'seven-five', name: 'Combined', percentage: '7.5' }],
    groups: [
      { taxId: 'g-wrong', name: 'Other', members: [{ percentage: '5' }, { percentage: '2.5' }] },
      { taxId: 'g-right', name: 'State + County', members: [{ name: 'County', percentage: '1.5' }, { name: 'State', percentage: '6' }] },
    ],
  };
  const mapping = mapOrderTaxes(order, catalogue);
  assert.deepEqual(mapping.taxFor([12, 11]), { taxId: 'g-right', percentage: '7.5' });
  assert.equal(mapping.matches[0].match.isGroup, true);
  const missing = mapOrderTaxes(order, { taxes: catalogue.taxes });
  assert.match(missing.unmatched[0].reason, /no Zoho tax group combines exactly 6% \+ 1\.5%/);
});

test('unmatched rates are told apart, and assertComplete names them all at once', () => {
  const order = buildTestOrder({
    rates: [VAT, REDUCED, { id: 3, percent: '0', label: 'Zero' }],
    lines: [
      { name: 'A', quantity: 1, unitPrice: '10.00', rateIds: [1] },
      { name: 'B', quantity: 1, unitPrice: '10.00', rateIds: [2] },
      { name: 'C', quantity: 1, unitPrice: '10.00', rateIds: [3] },
    ],
  });
  const mapping = mapOrderTaxes(order, { taxes: [{ taxId: 'vat', name: 'VAT', percentage: '20' }] });
  assert.deepEqual(mapping.unmatched.map((entry) => entry.rateIds), [[2], [3]]);
  assert.throws(
    () => mapping.assertComplete(),
    (error: unknown) => {
      assert.ok(error instanceof TaxMappingError && error instanceof PermanentError);
      assert.equal(error.code, 'TAX_NOT_MAPPED');
      assert.deepEqual(error.rates.map((rate) => rate.rateId), [2, 3]);
      assert.match(error.message, /"Reduced rate" \(5%, WooCommerce rate id 2\) \+ "Zero" \(0%, WooCommerce rate id 3\)/);
      return true;
    },
  );
});

test('a rate with no percentage and nothing to derive it from', () => {
  const order = buildTestOrder({ rates: [{ id: 4, percent: '10', label: 'Mystery', omitPercent: true }], lines: [{ name: 'Free', quantity: 1, unitPrice: '0.00', rateIds: [4] }] });
  const mapping = mapOrderTaxes(order, { taxes: [{ taxId: 'ten', name: 'Ten', percentage: '10' }] });
  assert.match(mapping.unmatched[0].reason, /states no percentage/);
  assert.throws(() => mapping.taxFor([4]), /"Mystery" \(percentage unknown, WooCommerce rate id 4\)/);
});

test('rate_percent 0 on a rate the lines charge (an order from before WooCommerce 3.7) is derived from the lines', () => {
  const order = buildTestOrder({
    rates: [VAT],
    lines: [{ name: 'A', quantity: 1, unitPrice: '100.00', rateIds: [1] }],
    shipping: [{ name: 'Post', total: '3.33', rateIds: [1] }],
  });
  order.tax_lines[0].rate_percent = 0;
  const [rate] = wooTaxRatesOf(order);
  assert.equal(rate.percentage?.exact, false);
  assert.ok(rate.percentage?.estimate.eq('20'));
  const mapping = mapOrderTaxes(order, { taxes: zohoTaxesFromList(fixtures.zohoTaxes().taxes) });
  assert.deepEqual(mapping.taxFor([1], 'item'), { taxId: '5551230000000200005', percentage: '20' });
});

test('a stated 0% rate the lines charge nothing for stays exactly 0%', () => {
  const order = buildTestOrder({ rates: [{ id: 3, percent: '0', label: 'Zero Rate' }], lines: [{ name: 'Book', quantity: 1, unitPrice: '12.00', rateIds: [3] }] });
  const [rate] = wooTaxRatesOf(order);
  assert.equal(rate.percentage?.exact, true);
  assert.ok(rate.percentage?.estimate.isZero());
  assert.deepEqual(mapOrderTaxes(order, { taxes: zohoTaxesFromList(fixtures.zohoTaxes().taxes) }).taxFor([3]), { taxId: '5551230000000200007', percentage: '0' });
});

test('a negative fee whose tax WooCommerce split over the cart\'s rates goes into the adjustment and needs no tax group', () => {
  for (const omitPercent of [false, true]) {
    const order = buildTestOrder({
      rates: [{ ...VAT, omitPercent }, { ...REDUCED, omitPercent }],
      lines: [
        { name: 'A', quantity: 1, unitPrice: '100.00', rateIds: [1] },
        { name: 'B', quantity: 1, unitPrice: '20.00', rateIds: [2] },
      ],
      fees: [{ name: 'Loyalty discount', total: '-12.00' }],
    });
    // WC_Cart_Totals: 100/120 of the fee at 20%, 20/120 at 5%.
    Object.assign(order.fee_lines[0], { total_tax: '-2.10', taxes: [{ id: 1, total: '-2', subtotal: '' }, { id: 2, total: '-0.1', subtotal: '' }] });
    const mapping = mapOrderTaxes(order, { taxes: [{ taxId: 'std', name: 'VAT', percentage: '20' }, { taxId: 'red', name: 'Reduced rate', percentage: '5' }] });
    mapping.assertComplete();
    assert.deepEqual(mapping.matches.map((entry) => [entry.rateIds, entry.match.taxId]), [[[1], 'std'], [[2], 'red']], `omitPercent ${omitPercent}`);
  }
});

test('a rate a line charges but tax_lines does not list is named for what it is', () => {
  const order = buildTestOrder({ rates: [VAT], lines: [{ name: 'A', quantity: 1, unitPrice: '10.00', rateIds: [1] }] });
  order.line_items[0].taxes = [{ id: 7, total: '2', subtotal: '2' }];
  const mapping = mapOrderTaxes(order, { taxes: [{ taxId: 'std', name: 'VAT', percentage: '20' }] });
  assert.match(mapping.unmatched[0].reason, /rate id 7 is on the order's lines but not in its tax_lines/);
  assert.doesNotMatch(mapping.unmatched[0].reason, /no line shows an amount/);
  const group = buildTestOrder({ rates: [VAT], lines: [{ name: 'A', quantity: 1, unitPrice: '10.00', rateIds: [1] }] });
  group.line_items[0].taxes.push({ id: 7, total: '1', subtotal: '1' });
  assert.match(mapOrderTaxes(group, { taxes: [] }).unmatched[0].reason, /rate id 7 is on the order's lines but not in its tax_lines/);
});
