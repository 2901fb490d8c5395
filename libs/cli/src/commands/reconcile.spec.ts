import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { FakeAdminApi } from '../test-support/fake-admin-api';
import { ACME, sweep } from '../test-support/fixtures';

describe('reconcile', () => {
  const { api, cli } = FakeAdminApi.forSuite();
  beforeEach(() => {
    api.requests.length = 0;
    api.state.sweeps = {};
    api.sweepsRunning.clear();
  });

  it('sweeps now and prints every part, refunds included, one line each', async () => {
    const run = await cli(['reconcile', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.calls(), [`POST /api/connections/${ACME}/reconcile`]);
    assert.equal(run.stdout, [
      'Sweep:      manual, 2026-11-29 10:00:00 to 2026-11-29 10:00:04 UTC',
      'Orders:     40 changed, 2 published (1 already in the audit stream), 37 in step (checkpoint 2026-11-29 09:59:55)',
      'Customers:  12 changed, 0 published, 12 in step (checkpoint 2026-11-29 10:00:00)',
      'Credits:    credits of 3 orders waiting for a sent invoice, 3 checked, 1 no longer in the store (left to the owner)',
      'Refunds:    1,200 recent orders examined, 1 whose refunds differ from the credit notes booked: 1 published',
      'Webhooks:   repaired: webhook 32 for order.updated is disabled',
      '',
    ].join('\n'));
    assert.equal(run.stderr, '');
  });

  it('--json prints the answer as the API gave it', async () => {
    const run = await cli(['reconcile', ACME, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), sweep(ACME));
  });

  it('a refund pass that was not due, nothing awaiting and webhooks left alone say so', async () => {
    api.state.sweeps[ACME] = sweep(ACME, {
      trigger: 'schedule',
      credits: { awaiting: 0, published: 0, gone: 0 },
      refunds: { ran: false, examined: 0, published: 0, duplicates: 0 },
      webhooks: { deliveryUrl: 'http://127.0.0.1:3000/x', healthy: false, repaired: false, problems: [{ topic: 'order.created', kind: 'paused', message: 'webhook 31 for order.created is paused' }] },
    });
    const run = await cli(['reconcile', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Credits: +none waiting for a sent invoice$/m);
    assert.match(run.stdout, /^Refunds: +not due \(scheduled sweeps check them once a day\)$/m);
    assert.match(run.stdout, new RegExp(`^Webhooks: +not healthy: webhook 31 for order.created is paused \\(connector webhooks ${ACME} registers them\\)$`, 'm'));
  });

  it('refund pass counts: orders already in the audit stream are counted as differing, none differing is said so', async () => {
    api.state.sweeps[ACME] = sweep(ACME, { refunds: { ran: true, examined: 130, published: 1, duplicates: 2 } });
    assert.match((await cli(['reconcile', ACME])).stdout, /^Refunds: +130 recent orders examined, 3 whose refunds differ from the credit notes booked: 1 published \(2 already in the audit stream\)$/m);
    api.state.sweeps[ACME] = sweep(ACME, { refunds: { ran: true, examined: 130, published: 0, duplicates: 0 } });
    assert.match((await cli(['reconcile', ACME])).stdout, /^Refunds: +130 recent orders examined, none whose refunds differ from the credit notes booked$/m);
  });

  it('a token-service from before the refund pass: no refunds line, the rest as usual', async () => {
    const { refunds: _absent, ...older } = sweep(ACME);
    api.state.sweeps[ACME] = older;
    const run = await cli(['reconcile', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /Refunds/);
    assert.match(run.stdout, /^Orders: +40 changed/m);
  });

  it('a store failing part-way (502) still shows what did work, the failed part in words, and exits 1', async () => {
    api.state.sweeps[ACME] = sweep(ACME, {
      ok: false,
      customers: { examined: 0, published: 0, duplicates: 0, inStep: 0, checkpoint: '2026-11-29T09:55:00.000Z', error: 'WooCommerce 503: Service Unavailable' },
      refunds: { ran: true, examined: 300, published: 0, duplicates: 0, error: 'WooCommerce 503: Service Unavailable' },
    });
    const run = await cli(['reconcile', ACME]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^Orders: +40 changed, 2 published/m);
    assert.match(run.stdout, /^Customers: +failed: WooCommerce 503: Service Unavailable$/m);
    assert.match(run.stdout, /^Refunds: +failed: WooCommerce 503: Service Unavailable$/m);
    assert.equal(run.stderr, 'connector: the sweep did not finish every part (see "failed" above); the next sweep tries again\n');

    const json = await cli(['reconcile', ACME, '--json']);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).refunds.error, 'WooCommerce 503: Service Unavailable');
  });

  it('a sweep running on another instance (409) is an error in the server\'s words', async () => {
    api.sweepsRunning.add(ACME);
    const run = await cli(['reconcile', ACME]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`^connector: A sweep of connection ${ACME} is running on another instance; try again in a minute \\(POST /api/connections/${ACME}/reconcile answered 409\\)$`, 'm'));
  });

  it('an unknown connection is a 404 in words', async () => {
    const run = await cli(['reconcile', '00000000-0000-4000-8000-000000000000']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Connection 00000000-0000-4000-8000-000000000000 does not exist/);
  });
});
