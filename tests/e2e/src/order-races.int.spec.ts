import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WooOrder } from '@connector/contracts';
import type { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { openShop } from './shop';
import { OrderStoryBase, Stack } from './stack';

/**
 * An order's life when its events race each other or Zoho: a create whose answer was lost is
 * found again however the record ended (failed after its retries), a cancellation that arrives
 * while an older reinstatement is retried is not undone by that retry, two snapshots of one
 * second are settled by what the store holds now (in any order, and on a replay from the
 * start) with no extra Zoho write, a stale snapshot leaves a failed order failed, and a delivery
 * that is no valid order shows on the order it names.
 */
describe('order events racing each other and Zoho', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let productId: number;
  let connectionId: string;

  interface Story extends OrderStoryBase {
    invoice: { id: string; status: string | null } | null;
  }

  before(async () => {
    // Enough deliveries that a retried event is still retrying while a newer one is handled
    // (the shortest back-off to the last delivery is over 4 s, the newer event takes well under one).
    stack = await Stack.start({ MAX_DELIVER: '8', RECONCILE_INTERVAL_SECONDS: '0' });
    ({ store, orgId, productId, connectionId } = await openShop(stack, { books: 'Races Ltd', product: { name: 'Mug', sku: 'MUG', price: '10.00' } }));
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  const story = async (orderId: number): Promise<Story> => (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json;
  const invoicesOf = (order: WooOrder) => stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === order.number);
  const writesSince = (mark: number) => stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path}`);
  const seqOutcomes = (record: Story, seq: number) => record.audit.filter((entry) => entry.service === 'invoice-sync' && Number(entry.streamSeq) === seq);

  /** A new order of one mug, pending (not invoiced), its first event handled. */
  async function pendingOrder(email: string): Promise<WooOrder> {
    const order = store.createOrder({ customer: { billing: { first_name: 'Ada', last_name: 'Race', email } }, lineItems: [{ productId, quantity: 1 }], status: 'pending' });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['skipped']);
    return store.getOrder(order.id);
  }

  /** The order's snapshot with another status, modified `seconds` after `base` (a delivery signed as the store would). */
  const snapshotAt = (base: WooOrder, status: string, seconds: number) => {
    const modified = plusSeconds(base.date_modified_gmt!, seconds);
    return JSON.stringify({ ...base, status, date_modified_gmt: modified, date_modified: modified });
  };

  /** Posts a delivery and waits until the order's record lists it and its outcome is noted; its sequence. */
  async function deliver(orderId: number, body: string, states: string[], until: (record: Story) => boolean = () => true): Promise<{ seq: number; record: Story }> {
    const before = new Set((await story(orderId)).streamSeqs.map(Number));
    const posted = await stack.postSigned(connectionId, 'order.updated', body);
    assert.equal(posted.status, 200);
    let seq = 0;
    const record = await stack.settledOrder(connectionId, orderId, states, {
      until: (r: Story) => {
        seq = r.streamSeqs.map(Number).find((s) => !before.has(s)) ?? 0;
        return seq > 0 && until(r);
      },
    });
    return { seq, record };
  }

  test('a create whose answer was lost is adopted after its retries ran out: one invoice', async () => {
    const order = await pendingOrder('lost@example.com');
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/invoices' }, 1);
    // Zoho stays degraded: every retry's search by reference number fails, until MAX_DELIVER.
    stack.zoho.faults.next(100, { status: 503, match: { method: 'GET', pathPrefix: '/invoices' } });
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    const failed: Story = await stack.settledOrder(connectionId, order.id, ['failed'], { timeoutMs: 60_000 });
    stack.zoho.faults.clear();
    assert.equal(failed.invoice, null);
    assert.equal(invoicesOf(order).length, 1, 'the lost create made the invoice');

    store.updateOrder(order.id, { status: 'completed' });
    await store.flushDeliveries();
    const synced: Story = await stack.settledOrder(connectionId, order.id, ['synced']);
    const invoices = invoicesOf(order);
    assert.equal(invoices.length, 1, `exactly one invoice for ${order.number}: ${invoices.map((i) => i.invoice_id)}`);
    assert.equal(synced.invoice?.id, invoices[0].invoice_id, 'the lost one is adopted');
  });

  test('a stale snapshot arriving after a newer one failed leaves the order failed, with its reason', async () => {
    const order = await pendingOrder('stale-after-failure@example.com');
    stack.zoho.faults.next(1, { status: 400, code: 4, match: { method: 'POST', pathPrefix: '/invoices' } });
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    const failed: Story = await stack.settledOrder(connectionId, order.id, ['failed']);

    const { seq: staleSeq, record: afterStale } = await deliver(order.id, snapshotAt(order, 'pending', -60), ['failed', 'skipped']);
    assert.equal(afterStale.state, 'failed');
    assert.equal(afterStale.reason, failed.reason);
    assert.match(seqOutcomes(afterStale, staleSeq).map((entry) => entry.message).join(), /stale snapshot/);
    const failedList = await stack.api('GET', `/api/connections/${connectionId}/orders?state=failed`);
    assert.ok(failedList.json.some((o: { orderId: number }) => Number(o.orderId) === order.id), 'still listed under Failed');
    assert.deepEqual(invoicesOf(order), []);

    // Retry on the order runs its newest snapshot again, not the stale one delivered last, and
    // books it once; its dead letter is resolved by that copy.
    const letters = await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}&status=open`);
    const letter = letters.json.find((l: { streamSeq: string }) => failed.streamSeqs.map(Number).includes(Number(l.streamSeq)));
    const retried = await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`);
    assert.equal(retried.status, 202);
    assert.equal(retried.json.originalSeq, Number(letter.streamSeq), 'the failed (newest) snapshot, not the stale one');
    await stack.settledOrder(connectionId, order.id, ['synced']);
    assert.equal(invoicesOf(order).length, 1);
    // Resolved as the copy is acknowledged, just after the record says synced.
    await eventually(async () => {
      const resolved = await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}&status=resolved`);
      return resolved.json.some((l: { id: string }) => l.id === letter.id) || undefined;
    });
  });

  for (const [failing, match] of [
    ['reopening it (status/draft)', { method: 'POST', pathSuffix: '/status/draft' }],
    ['writing it after it was reopened (PUT)', { method: 'PUT', pathPrefix: '/invoices' }],
  ] as const) {
    test(`a cancellation handled while a reinstatement is retried stays, when Zoho failed ${failing}`, async () => {
      const order = await pendingOrder(`reinstate-${match.method.toLowerCase()}@example.com`);
      await deliver(order.id, snapshotAt(order, 'processing', 60), ['synced']);
      await deliver(order.id, snapshotAt(order, 'cancelled', 120), ['voided']);

      stack.zoho.faults.next(100, { status: 503, match });
      const { seq: reinstatement } = await deliver(order.id, snapshotAt(order, 'processing', 180), ['voided'], (r) => /^retrying: /.test(r.reason ?? ''));
      const { seq: cancellation } = await deliver(order.id, snapshotAt(order, 'cancelled', 240), ['voided']);
      stack.zoho.faults.clear();
      const settled: Story = await stack.settledOrder(connectionId, order.id, ['voided', 'synced', 'failed'], {
        until: (r: Story) => seqOutcomes(r, reinstatement).some((entry) => entry.outcome !== 'retrying'),
      });

      const retried = seqOutcomes(settled, reinstatement);
      assert.ok(retried.some((entry) => entry.outcome === 'retrying'), 'the reinstatement was retried');
      assert.ok(retried.every((entry) => entry.outcome !== 'failed'), `it did not run out of deliveries before the cancellation: ${JSON.stringify(retried)}`);
      assert.ok(seqOutcomes(settled, cancellation).length > 0);
      assert.equal(settled.state, 'voided', `story: ${JSON.stringify(settled.audit.map((a) => `${a.streamSeq} ${a.action} ${a.outcome}: ${a.message}`))}`);
      assert.match(retried.at(-1)!.message, /stale snapshot/);
      assert.deepEqual(invoicesOf(order).map((invoice) => invoice.status), ['void']);
    });
  }

  test('two snapshots of one second in the wrong order: the store says which counts, with no extra Zoho write', async () => {
    const unpaid = await pendingOrder('tie-new@example.com');
    const paid = await pendingOrder('tie-invoiced@example.com');
    // The store's own deliveries wait: the test hands over the two snapshots of each second itself.
    store.pauseDeliveries();
    let mark: number;
    try {
      // No invoice yet: cancelled@T judged first, then processing@T (paid a moment before it).
      const at = new Date(`${plusSeconds(unpaid.date_modified_gmt!, 60)}Z`);
      const processing = JSON.stringify(store.updateOrder(unpaid.id, { status: 'processing', dateModified: at }));
      const cancelled = JSON.stringify(store.updateOrder(unpaid.id, { status: 'cancelled', dateModified: at }));
      await deliver(unpaid.id, cancelled, ['skipped']);
      mark = stack.zoho.mark();
      const { seq: late, record: afterLate } = await deliver(unpaid.id, processing, ['skipped', 'synced']);
      assert.equal(afterLate.state, 'skipped');
      assert.match(seqOutcomes(afterLate, late).map((entry) => entry.message).join(), /stale snapshot: .*store's current order .*status cancelled/);
      assert.deepEqual(invoicesOf(unpaid), [], 'no invoice for a cancelled order');
      assert.deepEqual(writesSince(mark), []);

      // An invoice for processing@T1; at T2 a note and the cancellation in one second. The
      // cancellation arrives first and voids the invoice; the note's snapshot, late, changes nothing.
      const t1 = new Date(`${plusSeconds(paid.date_modified_gmt!, 60)}Z`);
      const t2 = new Date(`${plusSeconds(paid.date_modified_gmt!, 120)}Z`);
      const paidProcessing = JSON.stringify(store.updateOrder(paid.id, { status: 'processing', dateModified: t1 }));
      const noted = JSON.stringify(store.updateOrder(paid.id, { customerNote: 'leave it at the door', dateModified: t2 }));
      const paidCancelled = JSON.stringify(store.updateOrder(paid.id, { status: 'cancelled', dateModified: t2 }));
      await deliver(paid.id, paidProcessing, ['synced']);
      await deliver(paid.id, paidCancelled, ['voided']);
      mark = stack.zoho.mark();
      const { seq: lateNote, record: afterNote } = await deliver(paid.id, noted, ['voided', 'synced']);
      assert.equal(afterNote.state, 'voided');
      assert.match(seqOutcomes(afterNote, lateNote).map((entry) => entry.message).join(), /stale snapshot: .*status processing.*status cancelled/);
      assert.deepEqual(invoicesOf(paid).map((invoice) => invoice.status), ['void']);
    } finally {
      // The store's own deliveries (its current snapshots) arrive now: already applied.
      store.resumeDeliveries();
    }
    await store.flushDeliveries();
    for (const order of [unpaid, paid]) await stack.settledOrder(connectionId, order.id, ['skipped', 'voided']);
    assert.deepEqual(writesSince(mark), [], 'no Zoho write');
    assert.equal((await story(unpaid.id)).state, 'skipped');
    assert.equal((await story(paid.id)).state, 'voided');
  });

  test('a replay from sequence 1, dry and real, writes nothing to Zoho: same-second snapshots are judged as the live run did', async () => {
    const statusesBefore = stack.zoho.invoices(orgId).map((invoice) => `${invoice.invoice_id}:${invoice.status}`);
    const mark = stack.zoho.mark();
    const dry = await stack.replay(connectionId, { fromSeq: 1, resource: 'order', dryRun: true });
    assert.equal(dry.status, 'done');
    assert.deepEqual(dry.planned.map((p: { action: string; message: string }) => `${p.action}: ${p.message}`), [], 'the dry run plans no write');
    const real = await stack.replay(connectionId, { fromSeq: 1, resource: 'order' });
    assert.equal(real.status, 'done');
    assert.deepEqual(writesSince(mark), [], 'no POST or PUT reached Zoho');
    assert.deepEqual(stack.zoho.invoices(orgId).map((invoice) => `${invoice.invoice_id}:${invoice.status}`), statusesBefore);
  });

  test('a delivery that is no valid order is failed on the order it names, with its reason in the story', async () => {
    // An order Connector has never seen: before, nothing but a dead letter said it existed.
    const { currency: _currency, ...withoutCurrency } = store.getOrder((await pendingOrder('invalid@example.com')).id);
    const order = { ...withoutCurrency, id: 990_001, number: '990001' };
    const posted = await stack.postSigned(connectionId, 'order.updated', JSON.stringify(order));
    assert.equal(posted.status, 200);
    const failed: Story = await stack.settledOrder(connectionId, order.id, ['failed']);
    assert.match(failed.reason ?? '', /not a WooCommerce order: .*currency/);
    const failure = failed.audit.find((entry) => entry.service === 'invoice-sync' && entry.outcome === 'failed');
    assert.match(failure?.message ?? '', /currency/);
    const letters = await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}`);
    assert.ok(letters.json.some((letter: { reason: string }) => /currency/.test(letter.reason)), 'and a dead letter, replayable');
    assert.deepEqual(stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === order.number), []);
  });

  test('a delivery that is no valid order, for an order already invoiced, leaves the order as it is: its story and a dead letter say why', async () => {
    const order = await pendingOrder('invoiced-then-invalid@example.com');
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    const synced: Story = await stack.settledOrder(connectionId, order.id, ['synced']);
    const { currency: _currency, ...withoutCurrency } = store.getOrder(order.id);
    const { seq, record } = await deliver(order.id, JSON.stringify({ ...withoutCurrency, date_modified_gmt: plusSeconds(withoutCurrency.date_modified_gmt!, 30) }), ['synced', 'failed'],
      (r) => r.audit.some((entry) => entry.service === 'invoice-sync' && entry.outcome === 'failed'));
    assert.equal(record.state, 'synced', 'the invoice is what it was');
    assert.equal(record.invoice?.id, synced.invoice?.id);
    assert.match(seqOutcomes(record, seq).map((entry) => entry.message).join(), /not a WooCommerce order: .*currency/);
  });

  test("a newer snapshot in step resolves the dead letter an older one left; an older one never resolves a newer one's", async () => {
    const order = await pendingOrder('older-letter@example.com');
    // Zoho refuses the first invoice for good: the order fails, its event is a dead letter.
    stack.zoho.faults.next(1, { status: 400, code: 4, match: { method: 'POST', pathPrefix: '/invoices' } });
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    const failed: Story = await stack.settledOrder(connectionId, order.id, ['failed']);
    const openLetter = async (seqs: number[]) => (await story(order.id)).deadLetters
      .filter((letter) => seqs.includes(Number(letter.streamSeq)) && letter.status === 'open');
    const failedSeqs = failed.streamSeqs.map(Number);
    await eventually(async () => ((await openLetter(failedSeqs)).length > 0 ? true : undefined));

    // An older snapshot, delivered late, is stale: the letter of the newer one stays open.
    const { record: afterStale } = await deliver(order.id, snapshotAt(order, 'processing', -60), ['failed', 'skipped']);
    assert.equal(afterStale.state, 'failed');
    assert.ok((await openLetter(failedSeqs)).length > 0, 'a stale snapshot settles nothing');

    // The owner changes the order; the newer snapshot books it, and the older event's letter is moot.
    store.updateOrder(order.id, { status: 'completed' });
    await store.flushDeliveries();
    const synced: Story = await stack.settledOrder(connectionId, order.id, ['synced'],
      { until: (r: Story) => r.audit.some((entry) => entry.action === 'settle-dead-letters') });
    assert.equal(invoicesOf(order).length, 1);
    assert.deepEqual(await openLetter(failedSeqs), [], 'the older event has no open letter left');
    const note = synced.audit.find((entry) => entry.action === 'settle-dead-letters');
    assert.match(note?.message ?? '', /resolved: their snapshots are no newer than this one, now in step/);
  });
});

/** A WooCommerce GMT date (`YYYY-MM-DDTHH:MM:SS`) moved by some seconds. */
function plusSeconds(gmt: string, seconds: number): string {
  return new Date(Date.parse(`${gmt}Z`) + seconds * 1000).toISOString().slice(0, 19);
}
