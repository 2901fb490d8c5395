import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@connector/common';
import { eventually } from '@connector/testing';
import { Stack } from '../stack';
import { expectBalancedLedger, summary } from './ledger';
import { FAULT_ENV, openShop, placeOrders, Shop } from './shop';

/**
 * Zoho answers 429 while orders flow. A 429 stops every instance from calling the organization
 * for a while (no burst of retries eating more quota); then everything books, once.
 */
describe('Zoho 429s under load', () => {
  let stack: Stack;
  let shop: Shop;

  before(async () => {
    stack = await Stack.start(FAULT_ENV, { instances: { 'invoice-sync': 2 } });
    shop = await openShop(stack);
  });

  after(async () => {
    await shop?.store.stop();
    await stack?.stop();
  });

  const callsOfOrg = (from: number, to = Infinity) =>
    stack.zoho.calls.filter((c) => c.organizationId === shop.orgId && c.at >= from && c.at < to && c.status !== 429);

  test('429 concurrency limit (code 1070) without Retry-After: a short pause, then everything books', async (t) => {
    stack.zoho.faults.latency({ min: 5, max: 50 });
    const mark = stack.zoho.mark();
    const placing = placeOrders(shop, 24, { intervalMs: 60, batch: '1070' });
    await sleep(400);
    stack.zoho.faults.next(6, { status: 429, code: 1070 });
    await placing;
    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: 60_000 });
    stack.zoho.faults.clear();
    const rejected = stack.zoho.callsSince(mark).filter((c) => c.status === 429).length;
    assert.ok(rejected >= 1, 'the 429s were hit');
    t.diagnostic(`${rejected} answers 429/1070; ${summary(report)}`);
  });

  test('429 per-minute limit (code 44) without Retry-After: nobody calls the organization until the minute is over, then everything books', async (t) => {
    stack.zoho.faults.latency({ min: 5, max: 50 });
    const mark = stack.zoho.mark();
    const placing = placeOrders(shop, 16, { intervalMs: 100, batch: '44' });
    await sleep(500);
    stack.zoho.faults.next(1, { status: 429 });
    const limited = await eventually(() => stack.zoho.callsSince(mark).find((c) => c.status === 429), 20_000, 20);
    const limitedAt = limited.at + limited.durationMs;
    await placing;
    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: 100_000 });
    const bookedAfterMs = Date.now() - limitedAt;
    stack.zoho.faults.clear();
    // Calls already past the limiter when the 429 came may still land; after that, silence.
    const during = callsOfOrg(limitedAt + 1_000, limitedAt + 45_000);
    assert.equal(during.length, 0, `calls during the block: ${during.map((c) => `${c.method} ${c.resourcePath} +${c.at - limitedAt} ms`).join(', ')}`);
    assert.ok(bookedAfterMs < 90_000, `everything booked ${Math.round(bookedAfterMs / 1000)} s after the 429`);
    t.diagnostic(`booked ${Math.round(bookedAfterMs / 1000)} s after the 429; ${summary(report)}`);
  });
});
