import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sleep } from '@connector/common';
import { eventually } from '@connector/testing';
import { signedHeaders, Stack } from '../stack';
import { expectBalancedLedger, ledger } from './ledger';
import { FAULT_ENV, openShop, placeOrders, Shop } from './shop';

/**
 * Regressions: fault scenarios that failed before their fixes (each test names the bug it
 * guards: stale snapshot after a cancellation, lost create during a cancellation, 429 block
 * length, gateway while PostgreSQL is down, a second dead token during a refresh).
 */
describe('regressions found by the fault suite', () => {
  let stack: Stack;
  let shop: Shop;

  before(async () => {
    stack = await Stack.start(FAULT_ENV, { privatePostgres: true });
    shop = await openShop(stack);
  });

  after(async () => {
    await shop?.store.stop();
    await stack?.stop();
  });

  /** An order placed, then cancelled, with both snapshots kept aside (nothing delivered yet). */
  function placedThenCancelled() {
    shop.store.pauseDeliveries();
    const order = shop.store.createOrder({ customer: shop.customers[0], lineItems: [{ productId: shop.products[0]!, quantity: 1 }] });
    const processing = JSON.stringify(shop.store.getOrder(order.id));
    const cancelledOrder = shop.store.updateOrder(order.id, { status: 'cancelled', dateModified: Date.now() + 5_000 });
    return { order: cancelledOrder, processing, cancelled: JSON.stringify(cancelledOrder) };
  }

  async function auditOf(orderId: number) {
    return (await stack.api('GET', `/api/connections/${shop.connectionId}/orders/${orderId}`)).json;
  }

  test('BUG 1: the cancellation arrives first, the older "processing" snapshot late: no invoice may appear', async () => {
    // invoice-sync records no modification time when it skips ("cancelled and has no invoice to
    // void"), so the older snapshot is not recognised as stale and creates a live invoice for a
    // cancelled order.
    const { order, processing, cancelled } = placedThenCancelled();
    assert.equal((await stack.postSigned(shop.connectionId, 'order.updated', cancelled)).status, 200);
    await stack.settledOrder(shop.connectionId, order.id, ['skipped']);
    assert.equal((await stack.postSigned(shop.connectionId, 'order.created', processing)).status, 200);
    await eventually(async () => (await auditOf(order.id)).audit.length >= 2, 15_000, 100);
    await sleep(500);
    const invoices = stack.zoho.invoices(shop.orgId).filter((i: any) => i.reference_number === order.number && i.status !== 'void');
    assert.deepEqual(invoices.map((i: any) => i.invoice_id), [], `a cancelled order has no live invoice (record: ${JSON.stringify((await auditOf(order.id)).state)})`);
    shop.store.resumeDeliveries();
  });

  test('BUG 2: the cancellation is handled while a create whose answer was lost awaits recovery: the invoice Zoho made is voided, not orphaned or doubled', async () => {
    // The cancelled snapshot finds the record `creating` without an invoice id, skips, and
    // overwrites the claim with `skipped`: the invoice Zoho committed is never searched for again.
    const { order, processing, cancelled } = placedThenCancelled();
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/invoices' }, 1);
    // The recovery search (GET /invoices?reference_number=…) keeps failing for now.
    stack.zoho.faults.next(10_000, { status: 503, match: { method: 'GET', pathPrefix: '/invoices' } });
    const first: any = await (await stack.postSigned(shop.connectionId, 'order.created', processing)).json();
    await eventually(() => stack.zoho.invoices(shop.orgId).some((i: any) => i.reference_number === order.number), 15_000, 50);
    const second: any = await (await stack.postSigned(shop.connectionId, 'order.updated', cancelled)).json();
    await eventually(async () => (await auditOf(order.id)).audit.some((e: any) => Number(e.streamSeq) === second.sequence), 15_000, 100);
    stack.zoho.faults.clear();
    shop.store.resumeDeliveries();
    await sleep(4_000);
    const mine = stack.zoho.invoices(shop.orgId).filter((i: any) => i.reference_number === order.number);
    const record = await auditOf(order.id);
    assert.equal(mine.length, 1, `one invoice for order ${order.id}, not ${mine.length} (events ${first.sequence}, ${second.sequence}; record ${record.state})`);
    assert.equal(mine[0].status, 'void', `the cancelled order's invoice is void, not ${mine[0].status} (record ${record.state}: ${record.reason})`);
  });

  test('BUGS 1+2 under load: orders cancelled while 5xx bursts delay their first invoice', async () => {
    // The same races, as they happen in traffic: 30 orders, every 4th cancelled 3 orders later,
    // Zoho failing bursts of calls meanwhile; no reconciliation sweep to repair afterwards.
    shop.store.resumeDeliveries();
    stack.zoho.faults.latency({ min: 5, max: 50 });
    const placing = placeOrders(shop, 30, { intervalMs: 60, batch: 'cancel-5xx', cancelEvery: 4 });
    await sleep(300);
    stack.zoho.faults.next(12, { status: 500 });
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/invoices' }, 4);
    await sleep(700);
    stack.zoho.faults.next(12, { status: 503 });
    await placing;
    try {
      await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: 60_000 });
    } finally {
      stack.zoho.faults.clear();
    }
  });

  test('BUG 5: a service still holding an older access token when the current one expires too: the order waits and books, it is not given up on', async () => {
    // ZohoBooksClient retries a refused token once: invalidate(old) is ignored by the token-service
    // because it already holds a newer token, the retry gets that newer token, Zoho refuses it as
    // well (it expired meanwhile), and the second refusal is a PermanentError: dead letter.
    shop.store.resumeDeliveries();
    const email = (tag: string) => ({ billing: { first_name: 'Token', last_name: tag, email: `token-${tag}-${shop.tag}@example.com`, country: 'DE' } });
    // Every service has a token: customer-sync creates a contact, invoice-sync an invoice.
    const warm = shop.store.createOrder({ customer: email('warm'), lineItems: [{ productId: shop.products[0]!, quantity: 1 }] });
    await shop.store.flushDeliveries();
    await stack.settledOrder(shop.connectionId, warm.id, ['synced']);
    // First expiry: only invoice-sync calls Zoho (known customer, known product) and refreshes.
    stack.zoho.expireAccessTokens();
    const known = shop.store.createOrder({ customer: email('warm'), lineItems: [{ productId: shop.products[0]!, quantity: 1 }] });
    await shop.store.flushDeliveries();
    await stack.settledOrder(shop.connectionId, known.id, ['synced']);
    // Second expiry: customer-sync still holds the first token when it next calls Zoho.
    stack.zoho.expireAccessTokens();
    const fresh = shop.store.createOrder({ customer: email('fresh'), lineItems: [{ productId: shop.products[1]!, quantity: 1 }] });
    await shop.store.flushDeliveries();
    const record = await stack.settledOrder(shop.connectionId, fresh.id, ['synced', 'failed'], { timeoutMs: 30_000 });
    const letters = (await stack.api('GET', `/api/dead-letters?connectionId=${shop.connectionId}`)).json as any[];
    assert.deepEqual(letters.map((l) => `${l.consumer}: ${l.reason}`), [], 'nothing is given up on');
    assert.equal(record.state, 'synced', record.reason);
  });

  test('BUG 3: a 429 with Retry-After: 2 holds the organization for about 2 s, not a minute', async () => {
    // ZohoClientFactory blocks the organization for 60 s on any 429 code 44 (blockFor(code)),
    // ignoring the Retry-After header that the client itself honours for the retry delay.
    const limitedShop = await openShop(stack);
    try {
      stack.zoho.faults.latency({ min: 5, max: 30 });
      const mark = stack.zoho.mark();
      const placing = placeOrders(limitedShop, 10, { intervalMs: 80, batch: 'retry-after', cancelEvery: 0 });
      await sleep(300);
      stack.zoho.faults.next(1, { status: 429, retryAfterSeconds: 2 });
      const limited = await eventually(() => stack.zoho.callsSince(mark).find((c) => c.status === 429), 20_000, 20);
      await placing;
      await expectBalancedLedger(limitedShop.ledgerInput(), { timeoutMs: 25_000 });
      const seconds = (Date.now() - (limited.at + limited.durationMs)) / 1000;
      assert.ok(seconds < 20, `booked ${seconds} s after a 429 asking to retry after 2 s`);
    } finally {
      stack.zoho.faults.clear();
      await limitedShop.store.stop();
    }
  });

  test('BUG 4: while PostgreSQL is down the gateway answers 503 with a message, not a bare 500', async () => {
    // DeliveryIntake.accept awaits WebhookSecretCache.secretFor outside any try/catch: a database
    // error escapes to Nest, which answers 500 {"statusCode":500,"message":"Internal server error"}.
    const body = JSON.stringify({ id: 1 });
    await stack.postgres!.kill();
    try {
      const res = await stack.postRaw(randomUUID(), body, signedHeaders('order.updated', 'irrelevant'));
      const json: any = await res.json();
      assert.equal(res.status, 503, JSON.stringify(json));
      assert.ok(typeof json.message === 'string' && json.error, JSON.stringify(json));
    } finally {
      await stack.postgres!.start();
    }
    await eventually(async () => (await stack.notReady()).length === 0, 60_000, 250);
    const report = await ledger(shop.ledgerInput({ ignoreOrders: () => true }));
    assert.ok(report);
  });
});
