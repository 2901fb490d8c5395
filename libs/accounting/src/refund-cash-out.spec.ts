import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError } from '@connector/common';
import { Decimal } from './money/decimal';
import { buildCashRefund, type CashOutContext } from './refund-cash-out';
import { fixtures } from './test-support/fixtures';

const context = (overrides: Partial<CashOutContext> = {}): CashOutContext => ({
  amount: Decimal.parse('10.00'),
  accountId: 'acc-1',
  paymentMode: 'creditcard',
  storeTimeZone: 'UTC',
  ...overrides,
});

describe('buildCashRefund', () => {
  test('the fixture refund (10.00 of order 723): what is open on its credit note goes back, the same way the payment came in', () => {
    const payload = buildCashRefund(fixtures.orderWithRefunds(), fixtures.orderRefund(), context());
    assert.deepEqual(payload, {
      date: '2017-03-21',
      amount: 10,
      from_account_id: 'acc-1',
      refund_mode: 'creditcard',
      reference_number: '723-R726',
      description: 'WooCommerce refund 726 of order #723',
    });
  });

  test('in a foreign currency the money goes back at the rate of the refund day; in the base currency with none', () => {
    assert.equal(buildCashRefund(fixtures.orderWithRefunds(), fixtures.orderRefund(), context({ exchangeRate: 0.8567 })).exchange_rate, 0.8567);
    assert.equal('exchange_rate' in buildCashRefund(fixtures.orderWithRefunds(), fixtures.orderRefund(), context()), false);
  });

  test("the refund's day in the store time zone, its reason, an exact amount, and others for a mode Zoho does not have", () => {
    const refund = { ...fixtures.orderRefund(), date_created_gmt: '2026-03-01T23:30:00', reason: 'Damaged in transit' };
    const payload = buildCashRefund(fixtures.orderWithRefunds(), refund, context({ storeTimeZone: 'Asia/Kolkata', amount: Decimal.parse('0.30'), paymentMode: 'stripe' }));
    assert.equal(payload.date, '2026-03-02');
    assert.equal(payload.amount, 0.3);
    assert.equal(payload.refund_mode, 'others');
    assert.equal(payload.description, 'WooCommerce refund 726 of order #723: Damaged in transit');
  });

  test('nothing open or no refund date: a permanent error naming the refund', () => {
    assert.throws(() => buildCashRefund(fixtures.orderWithRefunds(), fixtures.orderRefund(), context({ amount: Decimal.ZERO })), (e: unknown) => e instanceof PermanentError && /refund 726 has nothing left/.test((e as Error).message));
    const undated = { ...fixtures.orderRefund(), date_created_gmt: '' };
    assert.throws(() => buildCashRefund(fixtures.orderWithRefunds(), undated, context()), /refund 726 has no date_created_gmt/);
  });
});
