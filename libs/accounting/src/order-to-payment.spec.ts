import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { buildPayment, paidAtGmt, paymentReference, reappliedPayment, zohoPaymentMode, type PaymentContext } from './order-to-payment';
import { fixtures } from './test-support/fixtures';

function context(order: WooOrder, overrides: Partial<PaymentContext> = {}): PaymentContext {
  return { customerId: 'c-1', invoiceId: 'inv-1', invoiceBalance: order.total, storeTimeZone: 'UTC', ...overrides };
}

describe('buildPayment', () => {
  test('the docs order (29.35, bank transfer): the whole total applied to its invoice, on the day it was paid', () => {
    const order = fixtures.order();
    const plan = buildPayment(order, context(order));
    assert.equal(plan.amount, '29.35');
    assert.equal(plan.applied, '29.35');
    assert.deepEqual(plan.payload, {
      customer_id: 'c-1',
      payment_mode: 'banktransfer',
      amount: 29.35,
      date: '2017-03-22',
      reference_number: '727-P',
      description: 'WooCommerce order #727 paid by Direct Bank Transfer',
      invoices: [{ invoice_id: 'inv-1', amount_applied: 29.35 }],
    });
  });

  test('an order in a foreign currency carries the rate of its payment date; a base-currency one carries none', () => {
    const order = fixtures.order();
    assert.equal(buildPayment(order, context(order, { exchangeRate: 1.1734 })).payload.exchange_rate, 1.1734);
    assert.equal('exchange_rate' in buildPayment(order, context(order)).payload, false);
  });

  test('the payment date is the paid instant in the store time zone, not the site-local date', () => {
    const order = { ...fixtures.order(), date_paid: '2026-03-01T01:30:00', date_paid_gmt: '2026-02-28T23:30:00' };
    assert.equal(buildPayment(order, context(order, { storeTimeZone: 'Europe/Berlin' })).payload.date, '2026-03-01');
    assert.equal(buildPayment(order, context(order, { storeTimeZone: 'America/New_York' })).payload.date, '2026-02-28');
  });

  test('applied up to the invoice balance; the rest is the customer credit, and nothing applied to a settled invoice', () => {
    const order = { ...fixtures.order(), total: '100.10' };
    const partly = buildPayment(order, context(order, { invoiceBalance: '80.05' }));
    assert.equal(partly.amount, '100.10');
    assert.equal(partly.applied, '80.05');
    assert.deepEqual(partly.payload.invoices, [{ invoice_id: 'inv-1', amount_applied: 80.05 }]);
    const settled = buildPayment(order, context(order, { invoiceBalance: '0.00' }));
    assert.equal(settled.applied, '0.00');
    assert.deepEqual(settled.payload.invoices, []);
    assert.equal(settled.payload.amount, 100.1);
  });

  test('amounts stay exact where floats would not (0.1 + 0.2, JPY, KWD)', () => {
    const cents = { ...fixtures.order(), total: '0.30' };
    assert.equal(buildPayment(cents, context(cents, { invoiceBalance: '0.3' })).payload.invoices[0]!.amount_applied, 0.3);
    const yen = { ...fixtures.order(), currency: 'JPY', total: '12345' };
    assert.equal(buildPayment(yen, context(yen)).amount, '12345');
    const dinar = { ...fixtures.order(), currency: 'KWD', total: '10.125' };
    const plan = buildPayment(dinar, context(dinar, { invoiceBalance: '10.125' }));
    assert.equal(plan.applied, '10.125');
    assert.equal(plan.payload.amount, 10.125);
  });

  test('the transaction id, the deposit account and the connection mapping of modes', () => {
    const order = { ...fixtures.order(), payment_method: 'stripe', payment_method_title: 'Credit Card (Stripe)', transaction_id: 'ch_3Nabc' };
    const plan = buildPayment(order, context(order, { accountId: 'acc-9' }));
    assert.equal(plan.payload.payment_mode, 'creditcard');
    assert.equal(plan.payload.account_id, 'acc-9');
    assert.equal(plan.payload.description, 'WooCommerce order #727 paid by Credit Card (Stripe), transaction ch_3Nabc');
    assert.equal(buildPayment(order, context(order, { modes: { stripe: 'autotransaction' } })).payload.payment_mode, 'autotransaction');
  });

  test('an order not paid is refused with a reason (a permanent error, never a guess)', () => {
    const unpaid = { ...fixtures.order(), date_paid: null, date_paid_gmt: null };
    assert.throws(() => buildPayment(unpaid, context(unpaid)), (error: unknown) => error instanceof PermanentError && /not paid/.test((error as Error).message));
  });
});

describe('reappliedPayment', () => {
  test('an invoice whose total fell to 19.35: it takes 19.35 of the 29.35 paid, the rest is credit', () => {
    const plan = reappliedPayment({ amount: 29.35, invoices: [{ invoice_id: 'inv-1', amount_applied: 29.35 }] }, 'inv-1', '19.35');
    assert.deepEqual(plan, { applied: '19.35', invoices: [{ invoice_id: 'inv-1', amount_applied: 19.35 }] });
  });

  test('more room than money (the total rose, a void invoice reinstated): the whole amount and no more', () => {
    assert.deepEqual(reappliedPayment({ amount: '29.35', invoices: [] }, 'inv-1', '40.00'), { applied: '29.35', invoices: [{ invoice_id: 'inv-1', amount_applied: 29.35 }] });
  });

  test("another invoice the owner applied it to keeps its share; this one takes what is left; none left: it is dropped", () => {
    const payment = { amount: '29.35', invoices: [{ invoice_id: 'inv-1', amount_applied: '10.00' }, { invoice_id: 'inv-9', amount_applied: '19.35' }] };
    assert.deepEqual(reappliedPayment(payment, 'inv-1', '25.00').invoices, [{ invoice_id: 'inv-9', amount_applied: 19.35 }, { invoice_id: 'inv-1', amount_applied: 10 }]);
    const taken = { amount: '29.35', invoices: [{ invoice_id: 'inv-9', amount_applied: '29.35' }] };
    assert.deepEqual(reappliedPayment(taken, 'inv-1', '25.00'), { applied: '0.00', invoices: [{ invoice_id: 'inv-9', amount_applied: 29.35 }] });
  });

  test('exact where floats are not: 0.1 + 0.2 of 0.30', () => {
    assert.equal(reappliedPayment({ amount: '0.30', invoices: [{ invoice_id: 'inv-9', amount_applied: 0.1 }] }, 'inv-1', '0.2').applied, '0.20');
  });
});

describe('paidAtGmt', () => {
  test('paid: date_paid_gmt and a positive total; free and unpaid orders are not', () => {
    assert.equal(paidAtGmt(fixtures.order()), '2017-03-22T19:28:08');
    assert.equal(paidAtGmt({ ...fixtures.order(), date_paid_gmt: null }), null);
    assert.equal(paidAtGmt({ ...fixtures.order(), date_paid_gmt: '' }), null);
    assert.equal(paidAtGmt({ ...fixtures.order(), total: '0.00' }), null);
  });
});

describe('zohoPaymentMode', () => {
  test("WooCommerce's gateways and card processors; unknown methods are others; a mapping wins only with a Zoho mode", () => {
    assert.equal(zohoPaymentMode('bacs'), 'banktransfer');
    assert.equal(zohoPaymentMode('cheque'), 'check');
    assert.equal(zohoPaymentMode('cod'), 'cash');
    assert.equal(zohoPaymentMode('woocommerce_payments'), 'creditcard');
    assert.equal(zohoPaymentMode('stripe_sepa'), 'creditcard');
    assert.equal(zohoPaymentMode('ppcp-gateway'), 'others');
    assert.equal(zohoPaymentMode(''), 'others');
    assert.equal(zohoPaymentMode('ppcp-gateway', { 'ppcp-gateway': 'bankremittance' }), 'bankremittance');
    assert.equal(zohoPaymentMode('bacs', { bacs: 'wire' }), 'banktransfer');
  });
});

describe('paymentReference', () => {
  test('order number and -P (the id when the order has no number)', () => {
    assert.equal(paymentReference(fixtures.order()), '727-P');
    assert.equal(paymentReference({ ...fixtures.order(), number: 'WC-2026-0042' }), 'WC-2026-0042-P');
    assert.equal(paymentReference({ ...fixtures.order(), number: '' }), '727-P');
  });
});
