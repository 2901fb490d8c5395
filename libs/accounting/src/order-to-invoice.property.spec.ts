import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyDecimals } from './money/currency';
import { Decimal } from './money/decimal';
import { buildInvoice } from './order-to-invoice';
import { independentZohoTotal } from './test-support/independent-zoho-total';
import { percentagesOf, testContext } from './test-support/invoice-context';
import { buildTestOrder, type ChargeSpec, type LineSpec, type OrderSpec, type RateSpec } from './test-support/order-builder';
import { SeededRandom } from './test-support/seeded-random';
import { predictZohoInvoice } from './zoho-invoice-model';

/*
 * Property-style checks over many generated orders (seeded, so any failure replays from the seed
 * printed in its message): whatever the currency, tax mode, rates, coupons, fees and rounding
 * traps, the invoice total is exactly the order total, and rounding never looks like a tax problem.
 */

const ORDERS = 2000;
const PERCENTAGES = ['20', '5', '7.5', '8.875', '10', '19', '21', '6', '1.5', '0', '13.5', '9.975', '7.25'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'KWD', 'BHD', 'KRW'];
const NAMES = ['Mug', 'T-Shirt "Classic"', 'Café crème 250g', '抹茶', 'Gift 🎁 box', '<b>Bold</b> & brave', 'Ünïcödé', 'x'.repeat(130)];

/** An amount with `decimals` digits; now and then one digit more, the classic 1.005 trap. */
function amount(random: SeededRandom, decimals: number, maxUnits: number): string {
  const extra = random.bool(0.2) ? 1 : 0;
  const units = BigInt(random.int(0, maxUnits * 10 ** extra));
  return Decimal.of(units, decimals + extra).toString();
}

function rateSubset(random: SeededRandom, rates: RateSpec[]): number[] | undefined {
  const roll = random.next();
  if (roll < 0.25 || rates.length === 0) return undefined;
  if (roll < 0.85 || rates.length === 1) return [random.pick(rates).id];
  const first = random.pick(rates);
  const second = random.pick(rates.filter((rate) => rate.id !== first.id));
  return [first.id, second.id];
}

function randomOrder(random: SeededRandom, id: number): OrderSpec {
  const currency = random.pick(CURRENCIES);
  const decimals = currencyDecimals(currency);
  const scale = 10 ** decimals;
  const inclusive = random.bool(0.4);
  const rates: RateSpec[] = [];
  for (let index = 0; index < random.int(0, 3); index++) {
    const percent = random.pick(PERCENTAGES.filter((candidate) => !rates.some((rate) => rate.percent === candidate)));
    rates.push({ id: index + 1, percent, label: `Rate ${percent}%` });
  }
  const lines: LineSpec[] = Array.from({ length: random.int(1, 6) }, () => {
    const quantity = random.int(1, 7);
    const unitPrice = amount(random, decimals, 300 * scale);
    const gross = Decimal.parse(unitPrice).mul(quantity);
    const discount = random.bool(0.3) ? gross.mul(random.pick(['0.1', '0.15', '0.333', '0.5', '1'])).round(decimals + 1, 'half-away-from-zero').toString() : undefined;
    return { name: random.pick(NAMES), quantity, unitPrice, discount, rateIds: rateSubset(random, rates), sku: random.bool(0.5) ? `SKU-${random.int(1, 999)}` : '' };
  });
  const charges = (count: number, allowNegative: boolean): ChargeSpec[] =>
    Array.from({ length: count }, () => {
      const value = amount(random, decimals, 40 * scale);
      const negative = allowNegative && random.bool(0.3) && !Decimal.parse(value).isZero();
      return { name: random.pick(['Standard', 'Express 🚀', 'Gift wrap', 'Loyalty discount']), total: negative ? `-${value}` : value, rateIds: rateSubset(random, rates) };
    });
  return {
    id,
    currency,
    inclusive,
    rates,
    lines,
    shipping: charges(random.int(0, 2), false).map((charge) => ({ ...charge, total: Decimal.parse(charge.total).roundHalfAwayFromZero(decimals).toString() })),
    fees: charges(random.int(0, 2), true).map((charge) => ({ ...charge, total: Decimal.parse(charge.total).roundHalfAwayFromZero(decimals).toString() })),
    coupons: lines.some((line) => line.discount) ? [{ code: 'SAVE', discount: '0' }] : [],
  };
}

/** Shifts the total by up to one minor unit: WooCommerce's own rounding between lines and order. */
function jitter(random: SeededRandom, total: string, decimals: number): string | undefined {
  if (!random.bool(0.3)) return undefined;
  return Decimal.parse(total).add(Decimal.of(BigInt(random.pick([-1, 1])), decimals)).toFixed(decimals);
}

test(`${ORDERS} generated orders: invoice total = order total exactly, differences only from rounding`, () => {
  let withAdjustment = 0;
  for (let index = 0; index < ORDERS; index++) {
    const seed = 0x5eed + index;
    const random = new SeededRandom(seed);
    const spec = randomOrder(random, 10_000 + index);
    const decimals = currencyDecimals(spec.currency ?? 'USD');
    let order = buildTestOrder(spec);
    const totalOverride = jitter(random, order.total, decimals);
    if (totalOverride) order = buildTestOrder({ ...spec, totalOverride });
    if (!order.line_items.length && !order.shipping_lines.length) continue;

    const context = testContext(order, { pricePrecision: decimals });
    const plan = buildInvoice(order, context);
    const where = `seed ${seed} (${order.currency}, ${order.prices_include_tax ? 'inclusive' : 'exclusive'})`;

    const total = Decimal.parse(order.total);
    assert.ok(Decimal.parse(plan.predictedZohoTotal).add(plan.adjustment).eq(total), `${where}: predicted + adjustment`);
    assert.equal(independentZohoTotal(plan.payload, percentagesOf(order, context), decimals), total.normalize().toString(), `${where}: independent total`);
    assert.deepEqual(plan.warnings, [], `${where}: ${plan.warnings.join(' | ')}`);
    assert.ok(Decimal.parse(plan.adjustment).decimalPlaces() <= decimals, `${where}: adjustment ${plan.adjustment} fits the precision`);
    for (const line of plan.payload.line_items) {
      assert.ok(Decimal.from(line.rate).decimalPlaces() <= decimals, `${where}: rate ${line.rate}`);
      assert.ok(line.discount === undefined || Decimal.from(line.discount).decimalPlaces() <= decimals, `${where}: discount ${line.discount}`);
      assert.ok(line.discount === undefined || Decimal.from(line.discount).lte(Decimal.from(line.rate).mul(line.quantity)), `${where}: discount within the line`);
      assert.ok(line.name.length > 0 && line.name.length <= 100, `${where}: name length ${line.name.length}`);
    }
    const adjustment = Decimal.parse(plan.adjustment);
    const nothingToExplain =
      Decimal.parse(plan.reconciliation.roundingDifference).isZero() && plan.reconciliation.carried.every((entry) => Decimal.parse(entry.amount).isZero());
    if (nothingToExplain) {
      assert.ok(adjustment.isZero(), where);
      assert.equal(plan.payload.adjustment_description, '', where);
    } else {
      withAdjustment++;
      assert.ok(plan.reconciliation.reasons.length > 0, `${where}: a non-zero adjustment is explained`);
      assert.notEqual(plan.payload.adjustment_description, '', where);
    }
  }
  // The generator must actually exercise the adjustment path, not only the happy one.
  assert.ok(withAdjustment > ORDERS / 10, `only ${withAdjustment} orders needed an adjustment`);
});

test('the generator is deterministic per seed', () => {
  assert.deepEqual(randomOrder(new SeededRandom(42), 1), randomOrder(new SeededRandom(42), 1));
});

test('large quantities at 3-decimal unit prices: Zoho taxes each line as WooCommerce does, within a cent', () => {
  const quantities = [1, 2, 3, 6, 12, 25, 100, 250, 1000];
  for (let index = 0; index < 400; index++) {
    const seed = 0xb16 + index;
    const random = new SeededRandom(seed);
    const order = buildTestOrder({
      id: 20_000 + index,
      inclusive: random.bool(0.3),
      rates: [{ id: 1, percent: '20', label: 'VAT' }],
      lines: Array.from({ length: random.int(1, 4) }, (_, line) => ({
        name: `Part ${line + 1}`,
        quantity: random.pick(quantities),
        unitPrice: Decimal.of(BigInt(random.int(1, 5000)), 3).toString(),
        rateIds: [1],
      })),
    });
    const context = testContext(order);
    const plan = buildInvoice(order, context);
    const percentages = percentagesOf(order, context);
    const prediction = predictZohoInvoice(plan.payload, { pricePrecision: 2, taxPercentage: (taxId) => percentages.get(taxId) });
    order.line_items.forEach((line, position) => {
      const gap = prediction.lines[position].tax.sub(line.total_tax).abs();
      assert.ok(gap.lte('0.01'), `seed ${seed}, line ${position + 1} (${line.quantity} × ${line.subtotal}): Zoho tax ${prediction.lines[position].tax}, WooCommerce ${line.total_tax}`);
    });
    assert.deepEqual(plan.warnings, [], `seed ${seed}`);
  }
});
