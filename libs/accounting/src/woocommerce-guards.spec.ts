import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCustomerShapeProblem, describeOrderShapeProblem, isWooCustomer, isWooErrorBody, isWooOrder } from '@connector/contracts';
import { fixtures } from './test-support/fixtures';
import { buildTestOrder } from './test-support/order-builder';

// The WooCommerce guards live in @connector/contracts; they are tested here, next to the fixtures.

test('the documented orders, customer and error bodies pass their guards', () => {
  assert.ok(isWooOrder(fixtures.order()));
  assert.ok(isWooOrder(fixtures.orderCompleted()));
  assert.ok(isWooOrder(fixtures.orderWithRefunds()));
  for (const order of fixtures.ordersList()) assert.equal(describeOrderShapeProblem(order), undefined);
  assert.ok(isWooCustomer(fixtures.customer()));
  assert.ok(isWooErrorBody(fixtures.errorNoRoute()));
  assert.ok(isWooErrorBody(fixtures.errorWoo()));
  assert.ok(isWooOrder(buildTestOrder({ lines: [{ name: 'Mug', quantity: 1, unitPrice: '9.00' }], fees: [{ name: 'Fee', total: '-1.00' }] })));
});

test('an order of the wrong shape is rejected with the first problem named', () => {
  const order = fixtures.order() as unknown as Record<string, unknown>;
  assert.match(describeOrderShapeProblem(null) ?? '', /must be a JSON object, got null/);
  assert.match(describeOrderShapeProblem([]) ?? '', /got an array/);
  assert.match(describeOrderShapeProblem({ ...order, total: 29.35 }) ?? '', /^total must be a decimal string .*got number 29\.35/);
  assert.match(describeOrderShapeProblem({ ...order, id: '727' }) ?? '', /^id must be a positive integer, got string "727"/);
  assert.match(describeOrderShapeProblem({ ...order, line_items: undefined }) ?? '', /^line_items is missing/);

  const badLine = fixtures.order();
  (badLine.line_items[1] as unknown as Record<string, unknown>).total = 12;
  assert.match(describeOrderShapeProblem(badLine) ?? '', /^line_items\[1\]\.total must be a decimal string/);

  const badTax = fixtures.order();
  (badTax.line_items[0].taxes[0] as unknown as Record<string, unknown>).total = 'lots';
  assert.match(describeOrderShapeProblem(badTax) ?? '', /^line_items\[0\]\.taxes\[0\]\.total must be an amount string/);

  const badRate = fixtures.order();
  (badRate.tax_lines[0] as unknown as Record<string, unknown>).rate_id = 0;
  assert.match(describeOrderShapeProblem(badRate) ?? '', /^tax_lines\[0\]\.rate_id must be a positive integer/);

  const badRefund = fixtures.orderWithRefunds() as unknown as { refunds: Array<Record<string, unknown>> };
  badRefund.refunds[1]!.total = 'abc';
  assert.match(describeOrderShapeProblem(badRefund) ?? '', /^refunds\[1\]\.total must be a decimal string/);
  assert.equal(describeOrderShapeProblem({ ...order, refunds: undefined }), undefined, 'a payload without the refunds summary is an order');

  assert.match(describeOrderShapeProblem(fixtures.errorWoo()) ?? '', /error body \(woocommerce_rest_term_invalid\)/);
  assert.match(describeOrderShapeProblem(fixtures.customer()) ?? '', /^number is missing/);
});

test('bad values are shown short, never echoed in full', () => {
  const order = { ...(fixtures.order() as unknown as Record<string, unknown>), currency: '' };
  assert.match(describeOrderShapeProblem(order) ?? '', /^currency must be a non-empty string/);
  const hostile = { ...(fixtures.order() as unknown as Record<string, unknown>), status: 'x'.repeat(10_000) };
  assert.equal(describeOrderShapeProblem(hostile), undefined);
  const longTotal = { ...(fixtures.order() as unknown as Record<string, unknown>), total: 'y'.repeat(10_000) };
  assert.ok((describeOrderShapeProblem(longTotal) ?? '').length < 150);
});

test('customer and error-body guards', () => {
  assert.match(describeCustomerShapeProblem({ ...fixtures.customer(), email: null }) ?? '', /^email must be a string/);
  assert.ok(!isWooCustomer(fixtures.order()));
  assert.ok(!isWooErrorBody({ code: '', message: 'x' }));
  assert.ok(!isWooErrorBody({ code: 'x', message: 'y', data: { status: '404' } }));
  assert.ok(isWooErrorBody({ code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } }));
  assert.ok(!isWooErrorBody(fixtures.order()));
});
