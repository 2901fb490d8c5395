import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeAdminApi } from '../test-support/fake-admin-api';
import { ACME, order } from '../test-support/fixtures';

const DELETED_AT = '2026-01-06T08:30:00.000Z';

/** An order whose invoice invoice-sync found deleted in Zoho: failed, the invoice still named. */
function deletedInvoiceOrder(orderId: number) {
  return Object.assign(
    order(orderId, {
      state: 'failed',
      reason: `invoice INV-00${orderId} was deleted in Zoho; Connector does not book the order again on its own.`,
      streamSeqs: [orderId - 1000, orderId - 900],
      attempts: 2,
    }),
    { invoiceDeletedAt: DELETED_AT },
  );
}

describe('orders', () => {
  const { api, cli } = FakeAdminApi.forSuite();

  /** Runs `body` with extra orders on the fake, removed afterwards (with any payment or credits given to them). */
  async function withOrders(orders: ReturnType<typeof order>[], body: () => Promise<void>) {
    api.state.orders[ACME].push(...orders);
    try {
      await body();
    } finally {
      api.state.orders[ACME].splice(-orders.length, orders.length);
      for (const { orderId } of orders) {
        delete api.state.payments[orderId];
        delete api.state.creditNotes[orderId];
      }
    }
  }

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
    assert.match(run.stdout, /^The order's open dead letters are resolved when it succeeds\.$/m);
    assert.match((await cli(['orders', 'retry', '--help'])).stdout, /settles the open dead letters of all the\norder's events/);

    const json = await cli(['orders', 'retry', ACME, '1042', '--json']);
    assert.equal(JSON.parse(json.stdout).originalSeq, 57);
  });

  it('retry needs both ids', async () => {
    const run = await cli(['orders', 'retry', ACME]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /missing <orderId>\nUsage: connector orders retry <connectionId> <orderId> \[options\]/);
  });

  it('shows an order whose invoice was deleted in Zoho with the time, and the rebook hint instead of retry', async () => {
    await withOrders([deletedInvoiceOrder(1045)], async () => {
      const run = await cli(['orders', ACME, '1045']);
      assert.equal(run.code, 1, 'the order is failed');
      assert.match(run.stdout, /^Invoice: +INV-001045 \(460000000001045\), deleted in Zoho 2026-01-06 08:30:00$/m);
      assert.match(run.stdout, /\n\nThe invoice was deleted in Zoho on 2026-01-06 08:30:00 UTC; Connector does not book the order again on its own\.\n/);
      assert.match(run.stdout, new RegExp(`^To book it as a new invoice: connector orders rebook ${ACME} 1045$`, 'm'));
      assert.doesNotMatch(run.stdout, /connector orders retry/, 'a retry would only fail again');
      assert.ok(run.stdout.endsWith(`connector orders rebook ${ACME} 1045\n`), 'the hint comes last');

      const list = await cli(['orders', ACME, '--state', 'failed']);
      assert.match(list.stdout, /^ 1045 +1045 +failed +INV-001045 \(deleted\) /m);

      const json = await cli(['orders', ACME, '1045', '--json']);
      assert.equal(JSON.parse(json.stdout).invoiceDeletedAt, DELETED_AT);
    });
  });

  it('a failed order whose invoice was not deleted keeps the retry hint and no rebook hint', async () => {
    const run = await cli(['orders', ACME, '1042']);
    assert.match(run.stdout, new RegExp(`\\n\\nFix the cause, then: connector orders retry ${ACME} 1042\\n$`));
    assert.doesNotMatch(run.stdout, /rebook|deleted in Zoho/);
  });

  it('rebook asks for a new invoice and republishes the latest event of the order', async () => {
    await withOrders([deletedInvoiceOrder(1045)], async () => {
      api.requests.length = 0;
      const run = await cli(['orders', 'rebook', ACME, '1045']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(api.calls(), [`POST /api/connections/${ACME}/orders/1045/rebook`]);
      assert.equal(api.requests[0].body, undefined, 'nothing but the ids is sent');
      assert.match(run.stdout, /^Order 1045: deleted invoice forgotten; event #145 sent through the pipeline again as #\d+ to book a new invoice\.$/m);
      assert.match(run.stdout, new RegExp(`^Follow it with: connector orders ${ACME} 1045$`, 'm'));
      assert.equal(run.stderr, '');

      // The record no longer names the deleted invoice, so the hint is gone.
      const shown = await cli(['orders', ACME, '1045']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /^State: +pending$/m);
      assert.match(shown.stdout, /^Invoice: +-$/m);
      assert.doesNotMatch(shown.stdout, /To book it as a new invoice|connector orders (rebook|retry)/);
    });
  });

  it('rebook --json prints the 202 body as it came', async () => {
    await withOrders([deletedInvoiceOrder(1045)], async () => {
      const run = await cli(['orders', 'rebook', ACME, '1045', '--json']);
      assert.equal(run.code, 0, run.stderr);
      const body = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(body).sort(), ['originalSeq', 'seq']);
      assert.equal(body.originalSeq, 145);
    });
  });

  it("rebook of an order whose invoice was not deleted prints the server's 409 message and exits 1", async () => {
    const run = await cli(['orders', 'rebook', ACME, '1041']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`^connector: Order 1041: rebook is only for an order whose invoice was deleted in Zoho, and its invoice INV-001041 was not found deleted; use retry instead \\(POST /api/connections/${ACME}/orders/1041/rebook answered 409\\)$`, 'm'));

    const json = await cli(['orders', 'rebook', ACME, '1042', '--json']);
    assert.equal(json.code, 1, 'a failed order without a deleted invoice is refused too');
    assert.equal(json.stdout, '');
    const { error } = JSON.parse(json.stderr);
    assert.equal(error.statusCode, 409);
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /only for an order whose invoice was deleted in Zoho/);
  });

  it('rebook of an order with a payment or credit notes on record is refused with the reason', async () => {
    await withOrders([deletedInvoiceOrder(1046), deletedInvoiceOrder(1047)], async () => {
      api.state.payments['1046'] = { ...api.state.payments['1043'], invoiceId: '460000000001046' };
      api.state.creditNotes['1047'] = [{ ...api.state.creditNotes['1043'][0], invoiceId: '460000000001047' }];

      const paid = await cli(['orders', 'rebook', ACME, '1046']);
      assert.equal(paid.code, 1);
      assert.match(paid.stderr, /^connector: Order 1046: Connector booked payment 460000000003001 with the deleted invoice INV-001046, .*count that money twice.* answered 409\)$/m);

      const credited = await cli(['orders', 'rebook', ACME, '1047']);
      assert.equal(credited.code, 1);
      assert.match(credited.stderr, /^connector: Order 1047: Connector booked credit note CN-00001 with the deleted invoice INV-001047, .* answered 409\)$/m);
    });
  });

  it('rebook of an unknown order or connection is a 404 with the server message', async () => {
    const order = await cli(['orders', 'rebook', ACME, '9999']);
    assert.equal(order.code, 1);
    assert.match(order.stderr, /^connector: Order 9999 has no sync record \(POST .*\/orders\/9999\/rebook answered 404\)$/m);

    const connection = await cli(['orders', 'rebook', '00000000-0000-4000-8000-000000000000', '1045']);
    assert.equal(connection.code, 1);
    assert.match(connection.stderr, /^connector: Connection 00000000-0000-4000-8000-000000000000 does not exist /m);
  });

  it('rebook against a token-service without the endpoint says to update it', async () => {
    api.rebookAvailable = false;
    try {
      const run = await cli(['orders', 'rebook', ACME, '1042']);
      assert.equal(run.code, 1);
      assert.match(run.stderr, new RegExp(`^connector: this admin API does not offer rebooking yet \\(POST /api/connections/${ACME}/orders/1042/rebook answered 404\\); update token-service$`, 'm'));
    } finally {
      api.rebookAvailable = true;
    }
  });

  it('rebook needs both ids, and its help says when it applies', async () => {
    const run = await cli(['orders', 'rebook', ACME]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /missing <orderId>\nUsage: connector orders rebook <connectionId> <orderId> \[options\]/);

    const help = await cli(['orders', 'rebook', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Book an order whose invoice was deleted in Zoho as a new invoice\.$/m);
    assert.match(help.stdout, /payment or credit notes on record/);
    assert.match(help.stdout, /^  connector orders rebook 6f1c… 1042$/m);

    const all = await cli(['--help']);
    assert.match(all.stdout, /^  orders rebook <connectionId> <orderId> +Book an order whose invoice was deleted in Zoho as a new invoice$/m);
    assert.match((await cli(['orders', '--help'])).stdout, /^See also: connector orders retry, connector orders rebook$/m);
  });
});
