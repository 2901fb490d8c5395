import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeAdminApi } from '../test-support/fake-admin-api';
import { ACME, order } from '../test-support/fixtures';

describe('orders', () => {
  const { api, cli } = FakeAdminApi.forSuite();

  it('lists the order records with both totals, aligned', async () => {
    const run = await cli(['orders', ACME]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^ORDER +NUMBER +STATE +INVOICE +ORDER TOTAL +ZOHO TOTAL +RECONCILED +UPDATED \(UTC\) +REASON$/);
    assert.match(lines[1], /^ 1041 +1041 +synced +INV-001041 +119\.00 EUR +119\.00 EUR +yes +2026-01-04 10:00:05 +-$/);
    assert.match(lines[2], /failed .* no +2026-01-04 10:00:05 +Zoho rejected the invoice/);
    assert.equal(new Set(lines.map((line) => line.indexOf('2026') === -1 ? line.indexOf('UPDATED') : line.indexOf('2026'))).size, 1);
  });

  it('passes --state, --not-reconciled and --limit as query parameters', async () => {
    api.requests.length = 0;
    const failed = await cli(['orders', ACME, '--state', 'failed', '--limit', '5']);
    assert.equal(failed.code, 0);
    assert.deepEqual(api.requests[0].query, { state: 'failed', limit: '5' });
    assert.match(failed.stdout, /1042/);
    assert.doesNotMatch(failed.stdout, /1041/);

    const drift = await cli(['orders', ACME, '--not-reconciled', '--json']);
    assert.deepEqual(api.requests[1].query, { notReconciled: 'true' });
    assert.deepEqual(JSON.parse(drift.stdout).map((o: { orderId: number }) => o.orderId), [1043]);
  });

  it('an empty result says so', async () => {
    const run = await cli(['orders', ACME, '--state', 'voided']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, 'No orders match.\n');
  });

  it('shows one failed order with its reason and timeline, and exits 1', async () => {
    const run = await cli(['orders', ACME, '1042']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^Order: +#1042 \(id 1042\), store status processing$/m);
    assert.match(run.stdout, /^State: +failed$/m);
    assert.match(run.stdout, /^Reason: +Zoho rejected the invoice: tax "VAT 19%" does not exist$/m);
    assert.match(run.stdout, /^Events: +#42, #57$/m);
    assert.match(run.stdout, /Timeline \(UTC\)\n  2026-01-04 10:00:00 +#42 +invoice-sync +received +ok +order\.created\n  2026-01-04 10:00:02 +#42 +invoice-sync +create-invoice +failed +tax "VAT 19%" does not exist\n/);
    assert.match(run.stdout, /Dead letters\n  ID .*\n  9b2f4c1e-.* +#57 +order\.updated/);
    assert.match(run.stdout, new RegExp(`connector orders retry ${ACME} 1042`));
  });

  it('shows invoice, both totals, the adjustment, the payment and the credit notes of a synced order, and exits 0', async () => {
    const run = await cli(['orders', ACME, '1043']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Invoice: +INV-001043 \(460000000001043\), sent$/m);
    assert.match(run.stdout, /^Order total: +119\.00 EUR$/m);
    assert.match(run.stdout, /^Zoho total: +118\.99 EUR$/m);
    assert.match(run.stdout, /^Reconciled: +no$/m);
    assert.match(run.stdout, /^Adjustment: +0\.01 EUR \(rounding\)$/m);
    assert.match(run.stdout, /Payment\n  STATE .*\n  recorded +460000000003001 +creditcard +2026-01-04 +119\.00 EUR +119\.00 EUR +118\.99 EUR/);
    assert.match(run.stdout, /Refunds \(credit notes\)\n  REFUND .*\n  #1050 +credited +CN-00001 +11\.90 EUR +11\.90 EUR +0\.00 EUR +11\.90 EUR +invoice is draft in Zoho/);
    assert.match(run.stdout, /\(nothing recorded yet\)/);
    assert.doesNotMatch(run.stdout, /Exchange rate|RATE/, 'documents in the base currency have no rate to show');
  });

  it("shows the exchange rate of each document of an order in a foreign currency", async () => {
    api.state.orders[ACME].push(order(1044, { currency: 'USD', exchangeRate: '0.9214', orderTotal: '50.00', zohoTotal: '50.00' }));
    api.state.payments['1044'] = { ...api.state.payments['1043'], invoiceId: '460000000001044', orderTotal: '50.00', zohoAmount: '50.00', appliedAmount: '50.00', exchangeRate: '0.9214' };
    api.state.creditNotes['1044'] = [{ ...api.state.creditNotes['1043'][0], refundId: 1051, refundTotal: '5.00', zohoTotal: '5.00', cashRefund: null, exchangeRate: '0.9301' }];
    try {
      const run = await cli(['orders', ACME, '1044']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^Exchange rate: +0\.9214$/m);
      assert.match(run.stdout, /Payment\n  STATE .* APPLIED +RATE +NOTE\n  recorded .* 50\.00 USD +0\.9214 +-\n/);
      assert.match(run.stdout, /Refunds \(credit notes\)\n  REFUND .* GIVEN BACK +RATE +NOTE\n  #1051 +credited +CN-00001 +5\.00 USD +5\.00 USD +0\.00 USD +- +0\.9301 +invoice is draft/);
    } finally {
      api.state.orders[ACME].pop();
      delete api.state.payments['1044'];
      delete api.state.creditNotes['1044'];
    }
  });

  it('--json shows the record with its audit trail', async () => {
    const run = await cli(['orders', ACME, '1042', '--json']);
    assert.equal(run.code, 1);
    const order = JSON.parse(run.stdout);
    assert.equal(order.state, 'failed');
    assert.equal(order.audit.length, 2);
    assert.equal(order.deadLetters[0].streamSeq, '57');
  });

  it("an unknown order prints the server's message and exits 1", async () => {
    const run = await cli(['orders', ACME, '9999']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^connector: Order 9999 has no sync record \(GET \/api\/connections\/.*\/orders\/9999 answered 404\)$/m);
  });

  it('list filters together with an order id are a usage error', async () => {
    const run = await cli(['orders', ACME, '1042', '--state', 'failed']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /filter the list; leave them out when showing one order/);
  });

  it('retry republishes the latest event of the order', async () => {
    api.requests.length = 0;
    const run = await cli(['orders', 'retry', ACME, '1042']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.calls(), [`POST /api/connections/${ACME}/orders/1042/retry`]);
    assert.match(run.stdout, /^Order 1042: event #57 sent through the pipeline again as #\d+\.$/m);

    const json = await cli(['orders', 'retry', ACME, '1042', '--json']);
    assert.equal(JSON.parse(json.stdout).originalSeq, 57);
  });

  it('retry needs both ids', async () => {
    const run = await cli(['orders', 'retry', ACME]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /missing <orderId>\nUsage: connector orders retry <connectionId> <orderId> \[options\]/);
  });
});
