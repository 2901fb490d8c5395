import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WooOrder } from '@connector/contracts';
import type { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { openShop } from './shop';
import { OrderStoryBase, Stack } from './stack';

/** The retry window, at test scale: 3 deliveries (spent in under a second) and 8 s from the first failure. */
const WINDOW_MS = 8_000;

/**
 * An outage of Zoho longer than an event's MAX_DELIVER deliveries last is waited out for the
 * retry window (RETRY_WINDOW_MS, a day by default): the order is invoiced when Zoho is back, with
 * nothing given up on. Only an outage longer than the window makes a dead letter, which says how
 * long the event was tried.
 */
describe('retrying for a span of time, not a number of deliveries', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let productId: number;
  let connectionId: string;

  interface Story extends OrderStoryBase {
    invoice: { id: string } | null;
  }

  before(async () => {
    // No wait for a create that may still land (a 503'd create is one): the window alone is tested here.
    stack = await Stack.start({ MAX_DELIVER: '3', RETRY_WINDOW_MS: String(WINDOW_MS), ZOHO_CREATE_IN_FLIGHT_MS: '0', RECONCILE_INTERVAL_SECONDS: '0' });
    ({ store, orgId, productId, connectionId } = await openShop(stack, { books: 'Patient Ltd', product: { name: 'Kettle', sku: 'KETTLE', price: '30.00' } }));
  });

  after(async () => {
    stack?.zoho.faults.clear();
    await store?.stop();
    await stack?.stop();
  });

  const story = async (orderId: number): Promise<Story> => (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json;
  const invoicesOf = (order: WooOrder) => stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === order.number);
  const retryNotes = (record: Story) => record.audit.filter((entry) => entry.service === 'invoice-sync' && entry.outcome === 'retrying');
  const openLetters = async () => (await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}&status=open`)).json as Array<{ reason: string; streamSeq: string }>;
  const retryHistories = async () => Number((await stack.db.dataSource.query(`SELECT count(*) AS n FROM event_retries`))[0].n);

  /** A paid order of one kettle whose invoice Zoho refuses with 503 until the faults are cleared. */
  async function orderDuringOutage(email: string): Promise<WooOrder> {
    stack.zoho.faults.next(10_000, { status: 503, match: { method: 'POST', pathPrefix: '/invoices' } });
    const order = store.createOrder({ customer: { billing: { first_name: 'Pat', last_name: 'Ience', email } }, lineItems: [{ productId, quantity: 1 }], status: 'processing' });
    await store.flushDeliveries();
    return order;
  }

  test('an outage that outlasts MAX_DELIVER but not the window: invoiced once when Zoho is back, nothing given up on', async () => {
    const order = await orderDuringOutage('patient@example.com');
    // Well past MAX_DELIVER, still retrying, nothing failed or dead-lettered.
    const retrying: Story = await eventually(async () => {
      const record = await story(order.id);
      return retryNotes(record).length >= 5 ? record : undefined;
    }, 20_000, 100);
    assert.notEqual(retrying.state, 'failed');
    assert.deepEqual(await openLetters(), []);
    assert.ok((await retryHistories()) >= 1, 'the retries are noted in event_retries');

    stack.zoho.faults.clear();
    const synced: Story = await stack.settledOrder(connectionId, order.id, ['synced'], { timeoutMs: 20_000 });
    assert.equal(invoicesOf(order).length, 1);
    assert.equal(synced.invoice?.id, invoicesOf(order)[0].invoice_id);
    assert.deepEqual(await openLetters(), []);
    // A history lives only while its event is retried.
    await eventually(async () => ((await retryHistories()) === 0 ? true : undefined), 10_000, 100);
  });

  test('an outage longer than the window: a dead letter saying how long the event was tried; Retry books it once and settles the letters of all its events', async () => {
    const order = await orderDuringOutage('impatient@example.com');
    // A later change of the order during the outage: a second event, with a newer snapshot.
    store.updateOrder(order.id, { status: 'completed' });
    await store.flushDeliveries();
    const started = Date.now();
    const failed: Story = await stack.settledOrder(connectionId, order.id, ['failed'], { timeoutMs: WINDOW_MS + 20_000 });
    assert.ok(Date.now() - started >= WINDOW_MS - 1_000, `given up after ${Date.now() - started} ms, not before the window closed`);
    assert.ok(retryNotes(failed).length > 3, 'retried past MAX_DELIVER');
    // Each of its events was given up on (at least the two snapshots; a paid checkout's twin may be one more).
    const letters = await eventually(async () => {
      const open = await openLetters();
      return open.length >= 2 ? open : undefined;
    }, 10_000, 100);
    for (const letter of letters) assert.match(letter.reason, /^gave up after \d+ deliveries over \d+ s: /);
    // The letter is written, then the history deleted: a moment apart.
    await eventually(async () => ((await retryHistories()) === 0 ? true : undefined), 10_000, 100);

    stack.zoho.faults.clear();
    const retried = await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`);
    assert.equal(retried.status, 202, JSON.stringify(retried.json));
    await stack.settledOrder(connectionId, order.id, ['synced']);
    assert.equal(invoicesOf(order).length, 1);
    // One copy (the newest snapshot) stands for all its events: no older one's letter is left open.
    await eventually(async () => {
      const resolved = (await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}&status=resolved`)).json as Array<{ streamSeq: string }>;
      const settled = letters.every((letter) => resolved.some((r) => r.streamSeq === letter.streamSeq));
      return settled && (await openLetters()).length === 0 ? true : undefined;
    }, 10_000, 100);
  });
});
