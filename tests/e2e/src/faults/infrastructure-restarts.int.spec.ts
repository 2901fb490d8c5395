import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep } from '@connector/common';
import { eventually } from '@connector/testing';
import { Stack } from '../stack';
import { expectBalancedLedger, summary } from './ledger';
import { expectAcknowledgedStored, FAULT_ENV, openShop, placeOrders, recoverMissedDeliveries, Shop } from './shop';

/**
 * How long the books may take to balance after a crash. An ack or nak in flight when NATS dies can
 * be lost, and the server then redelivers that event only once its ack wait (ACK_WAIT_MS, 60 s)
 * has passed; a paid checkout's order.updated twin settled while the order.created was in hand
 * (see InFlightOrders) no longer stands in for it, so that one event can take ack wait plus a
 * retry. Longer than that, and an unbalanced ledger means something was lost, not late.
 */
const RECOVERY_MS = 150_000;

/**
 * NATS and PostgreSQL go away under load (a crash, and a restart) and come back: the services
 * reconnect on their own, nothing the gateway acknowledged is lost, nothing is created twice.
 * The stack runs on a nats-server and a PostgreSQL of its own, so nothing else is disturbed.
 */
describe('NATS and PostgreSQL restarted while orders flow', () => {
  let stack: Stack;
  let shop: Shop;

  before(async () => {
    stack = await Stack.start(FAULT_ENV, { privateNats: true, privatePostgres: true, instances: { 'invoice-sync': 2 } });
    shop = await openShop(stack);
  });

  after(async () => {
    await shop?.store.stop();
    await stack?.stop();
  });

  /** Waits until every service reports ready again (NATS and PostgreSQL reachable). */
  async function allReady(): Promise<void> {
    await eventually(async () => (await stack.notReady()).length === 0, 60_000, 250);
  }

  /**
   * Deliveries the gateway refused during the outage (never a 200 for something not stored), and
   * how they were recovered (see recoverMissedDeliveries).
   */
  async function recoverRefused(mark: number): Promise<string> {
    await shop.store.flushDeliveries();
    const refused = shop.store.deliveries.slice(mark).filter((d) => !d.success);
    const statuses = [...new Set(refused.map((d) => d.status))];
    const acknowledged = await expectAcknowledgedStored(shop, mark);
    const recovery = await recoverMissedDeliveries(shop, mark);
    return `${acknowledged} acknowledged deliveries all in the stream; ${refused.length} refused during the outage (${statuses.join(', ') || 'none'}), ${recovery.missed} recovered via ${recovery.via}`;
  }

  test('NATS SIGKILLed and restarted (JetStream state on disk survives)', async (t) => {
    stack.zoho.faults.latency({ min: 10, max: 100 });
    const mark = shop.store.deliveries.length;
    const placing = placeOrders(shop, 40, { intervalMs: 100, batch: 'nats' });
    await sleep(1_500);
    await stack.nats!.kill();
    await sleep(2_500);
    await stack.nats!.restart();
    await placing;
    stack.zoho.faults.latency(0);
    await allReady();
    const recovered = await recoverRefused(mark);
    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: RECOVERY_MS, minOrders: 25 });
    t.diagnostic(`${recovered}; ${summary(report)}`);
    assert.deepEqual(stack.crashes(), []);
  });

  test('PostgreSQL crashed (immediate stop, crash recovery) and started again', async (t) => {
    stack.zoho.faults.latency({ min: 10, max: 100 });
    const mark = shop.store.deliveries.length;
    const placing = placeOrders(shop, 40, { intervalMs: 100, batch: 'pgkill' });
    await sleep(1_500);
    await stack.postgres!.kill();
    await sleep(2_500);
    await stack.postgres!.start();
    await placing;
    stack.zoho.faults.latency(0);
    await allReady();
    const recovered = await recoverRefused(mark);
    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: RECOVERY_MS });
    t.diagnostic(`${recovered}; ${summary(report)}`);
    assert.deepEqual(stack.crashes(), []);
  });

  test('PostgreSQL restarted (fast shutdown ends every session) while orders flow', async (t) => {
    stack.zoho.faults.latency({ min: 10, max: 100 });
    const mark = shop.store.deliveries.length;
    const placing = placeOrders(shop, 40, { intervalMs: 100, batch: 'pgrestart' });
    await sleep(1_500);
    await stack.postgres!.restart();
    await placing;
    stack.zoho.faults.latency(0);
    await allReady();
    const recovered = await recoverRefused(mark);
    const report = await expectBalancedLedger(shop.ledgerInput(), { timeoutMs: RECOVERY_MS });
    t.diagnostic(`${recovered}; ${summary(report)}`);
    assert.deepEqual(stack.crashes(), []);
  });
});
