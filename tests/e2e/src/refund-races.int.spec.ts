import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import type { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { openShop } from './shop';
import { everyEventNoted, OrderStoryBase, Stack } from './stack';

interface Story extends OrderStoryBase {
  invoice: { id: string; status: string | null } | null;
  payment: { state: string; reason: string | null; paymentId: string | null; appliedAmount: string | null } | null;
  creditNotes: Array<{ refundId: number; state: string; reason: string | null; creditNote: { id: string } | null; cashRefund: { id: string; amount: string | null } | null }>;
}

/**
 * Refunds and payments when Zoho fails half way or the owner acts in Zoho: a void that fails after
 * the money was taken back is retried to the end, a credit note with the owner's refund on it is
 * kept rather than failing every event, a credit note made before a later failure is voided with
 * its refund, a credit left open on a draft goes back to the customer once the payment is booked,
 * and a payment whose answer was lost does not stick an edit that lowers the order's total.
 */
describe('refunds and payments racing Zoho and the owner', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let productId: number;
  let connectionId: string;
  const account = '460000000000358';

  before(async () => {
    stack = await Stack.start();
    ({ store, orgId, productId, connectionId } = await openShop(stack, {
      books: 'Refund Races Ltd',
      product: { name: 'Mug', sku: 'MUG-RR', price: '10.00' },
      settings: { paymentsSince: '2000-01-01T00:00:00' },
    }));
  });

  after(async () => {
    stack?.zoho.faults.clear();
    await store?.stop();
    await stack?.stop();
  });

  const story = async (orderId: number): Promise<Story> => (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json;
  const creditNotesFor = (order: WooOrder, refundId: number) => stack.zoho.creditNotes(orgId).filter((note) => note.reference_number === `${order.number}-R${refundId}`);
  const paymentsFor = (order: WooOrder) => stack.zoho.payments(orgId).filter((payment) => payment.reference_number === `${order.number}-P`);
  const invoiceFor = (order: WooOrder) => stack.zoho.invoices(orgId).find((invoice) => invoice.reference_number === order.number)!;
  const callsSince = (mark: number) => stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
  const setSetting = (key: string, value: string | null) =>
    stack.db.dataSource.query(
      value === null ? `UPDATE connections SET settings = settings - $2::text WHERE id = $1` : `UPDATE connections SET settings = settings || jsonb_build_object($2::text, $3::text) WHERE id = $1`,
      value === null ? [connectionId, key] : [connectionId, key, value],
    );

  /** Waits until the story satisfies `until`, every event noted; says what it saw when it never does. */
  async function storyWhen(orderId: number, until: (current: Story) => boolean, what: string): Promise<Story> {
    try {
      return await eventually(async () => {
        const current = await story(orderId);
        return until(current) && everyEventNoted(current) ? current : undefined;
      }, 30_000, 100);
    } catch (error) {
      const { creditNotes, payment, audit } = await story(orderId);
      throw new Error(`order ${orderId}: never ${what}: ${JSON.stringify({ creditNotes, payment, audit: audit.map((e) => `${e.action}/${e.outcome}: ${e.message}`) })}`, { cause: error });
    }
  }

  const creditIn = async (orderId: number, refundId: number, state: string) =>
    (await storyWhen(orderId, (current) => current.creditNotes.some((c) => c.refundId === refundId && c.state === state), `refund ${refundId} ${state}`)).creditNotes.find((c) => c.refundId === refundId)!;

  async function paidOrder(quantity: number, status?: string): Promise<WooOrder> {
    const order = store.createOrder({
      customer: { billing: { first_name: 'Rae', last_name: 'Race', email: `refund-races-${Date.now()}@example.com` } },
      lineItems: [{ productId, quantity }],
      ...(status ? { status, paymentMethod: 'bacs', paymentMethodTitle: 'Direct bank transfer' } : { paymentMethod: 'stripe', paymentMethodTitle: 'Credit Card (Stripe)', transactionId: `ch_${Date.now()}` }),
    });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['synced']);
    return order;
  }

  /** Refunds an amount of the order in the store (seconds after its last change: snapshots of one second are told apart by content only); the refund's id. */
  async function refund(order: WooOrder, amount: string): Promise<number> {
    await sleep(1_100);
    store.refundOrder(order.id, { amount });
    await store.flushDeliveries();
    return store.getOrder(order.id).refunds[0].id;
  }

  /** A change of the order's meta data, handled; the Zoho calls' mark from before it. */
  async function changed(order: WooOrder, note: string): Promise<number> {
    await sleep(1_100);
    const seqs = (await story(order.id)).streamSeqs.length;
    const mark = stack.zoho.mark();
    store.updateOrder(order.id, { metaData: [{ key: '_note', value: note }] });
    await store.flushDeliveries();
    await storyWhen(order.id, (current) => current.streamSeqs.length > seqs, `handled the change "${note}"`);
    return mark;
  }

  /** A call to Zoho Books as the owner would make it in Books (with her own token); its status. */
  async function asOwner(method: string, path: string, body?: unknown): Promise<number> {
    const client = stack.zoho.registerClient();
    const params = new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: stack.zoho.issueRefreshToken(client.clientId, [orgId]) });
    const token = (await (await fetch(`${stack.zoho.accountsUrl}/oauth/v2/token?${params}`, { method: 'POST' })).json()) as { access_token: string };
    const answer = await fetch(`${stack.zoho.booksBaseUrl}${path}?organization_id=${orgId}`, {
      method,
      headers: { authorization: `Zoho-oauthtoken ${token.access_token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    await answer.text();
    return answer.status;
  }

  test('a void failing after the cash refund was taken back is retried to the end, and the order\'s next refund is credited', async () => {
    await setSetting('paymentAccountId', account);
    try {
      const order = await paidOrder(2);
      const refundId = await refund(order, '5.00');
      const credited = await creditIn(order.id, refundId, 'credited');
      assert.equal(credited.cashRefund?.amount, '5.00');
      const [note] = creditNotesFor(order, refundId);

      // Zoho takes the cash refund's deletion, then fails the void once: the retry voids, and deletes nothing again.
      stack.zoho.faults.next(1, { status: 503, match: { method: 'POST', pathSuffix: '/status/void' } });
      const mark = stack.zoho.mark();
      store.deleteRefund(order.id, refundId);
      await store.flushDeliveries();
      const voided = await creditIn(order.id, refundId, 'voided');
      assert.equal(voided.cashRefund, null);
      const deletes = callsSince(mark).filter((call) => call.startsWith('DELETE'));
      assert.deepEqual(deletes, ['DELETE /books/v3/creditnotes/:id/refunds/:id'], 'the cash refund is deleted once');
      assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === note.creditnote_id)!.status, 'void');
      assert.deepEqual(stack.zoho.creditNoteRefunds(orgId, note.creditnote_id), []);

      const next = await refund(order, '3.00');
      assert.equal((await creditIn(order.id, next, 'credited')).cashRefund?.amount, '3.00', 'the order\'s refunds are not blocked');
    } finally {
      stack.zoho.faults.clear();
      await setSetting('paymentAccountId', null);
    }
  });

  test('a credit note the owner refunded in Zoho is kept, with the reason, when its order is cancelled: the event is not failed, and not asked again', async () => {
    const order = await paidOrder(2);
    const refundId = await refund(order, '4.00');
    const credited = await creditIn(order.id, refundId, 'credited');
    assert.match(credited.reason ?? '', /record it with Refund on the credit note in Zoho/);
    // The owner's Refund on the credit note in Zoho, as the README asks without settings.paymentAccountId.
    assert.equal(await asOwner('POST', `/creditnotes/${credited.creditNote!.id}/refunds`, { date: new Date().toISOString().slice(0, 10), amount: 4, from_account_id: '460000000000999', refund_mode: 'banktransfer' }), 201);

    await sleep(1_100);
    store.updateOrder(order.id, { status: 'cancelled' });
    await store.flushDeliveries();
    // The credit note's row says kept as the step lands; its note is written when the event's handling ends.
    const kept = await storyWhen(order.id, (current) => /is kept/.test(current.creditNotes.find((c) => c.refundId === refundId)?.reason ?? '')
      && current.audit.some((e) => e.action === 'void-credit-note' && e.outcome === 'skipped'), 'kept its credit note');
    const credit = kept.creditNotes.find((c) => c.refundId === refundId)!;
    assert.equal(credit.state, 'credited');
    assert.match(credit.reason ?? '', /^invoice \S+ is void \(order cancelled\), but credit note \S+ is kept: refunds are recorded on it in Zoho/);
    assert.equal(invoiceFor(order).status, 'void');
    assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === credited.creditNote!.id)!.status, 'closed', 'the money went back: the note stays');
    assert.deepEqual(kept.deadLetters, []);
    assert.ok(kept.audit.some((e) => e.action === 'void-credit-note' && e.outcome === 'skipped'));

    // The order's next change does not try the void again.
    const mark = await changed(order, 'after');
    assert.deepEqual(callsSince(mark).filter((call) => call.includes('/creditnotes')), []);
  });

  test('a credit note made before the cash refund failed is recorded, and voided when its refund is deleted', async () => {
    await setSetting('paymentAccountId', account);
    try {
      const order = await paidOrder(2);
      stack.zoho.faults.next(1, { status: 400, code: 4, message: 'from_account_id is not a bank or cash account', match: { method: 'POST', pathSuffix: '/refunds' } });
      const refundId = await refund(order, '6.00');
      const failed = await creditIn(order.id, refundId, 'failed');
      assert.match(failed.reason ?? '', /not a bank or cash account/);
      const [note] = creditNotesFor(order, refundId);
      assert.equal(failed.creditNote?.id, note.creditnote_id, 'the credit note made is on the record');

      store.deleteRefund(order.id, refundId);
      await store.flushDeliveries();
      const voided = await creditIn(order.id, refundId, 'voided');
      assert.match(voided.reason ?? '', /refund deleted in the store: credit note \S+ voided/);
      assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === note.creditnote_id)!.status, 'void');
      assert.equal(creditNotesFor(order, refundId).length, 1);
    } finally {
      stack.zoho.faults.clear();
      await setSetting('paymentAccountId', null);
    }
  });

  test('a credit note whose answer was lost, then its claim failed, is found by reference and voided when its refund is deleted', async () => {
    const order = await paidOrder(1);
    // The create lands but its answer is lost; the retry's search is refused: the claim fails holding no credit note.
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/creditnotes' }, 1);
    stack.zoho.faults.next(1, { status: 400, code: 4, message: 'Invalid value passed for reference_number', match: { method: 'GET', pathPrefix: '/creditnotes' } });
    try {
      const refundId = await refund(order, '2.00');
      const failed = await creditIn(order.id, refundId, 'failed');
      assert.equal(failed.creditNote, null);
      assert.equal(creditNotesFor(order, refundId).length, 1, 'the lost create made the credit note');

      store.deleteRefund(order.id, refundId);
      await store.flushDeliveries();
      const voided = await creditIn(order.id, refundId, 'voided');
      const [note] = creditNotesFor(order, refundId);
      assert.equal(voided.creditNote?.id, note.creditnote_id);
      assert.equal(note.status, 'void');
    } finally {
      stack.zoho.faults.clear();
    }
  });

  test('a credit left open on a draft goes back to the customer once the order\'s payment is booked', async () => {
    await setSetting('paymentAccountId', account);
    try {
      const order = await paidOrder(3, 'on-hold');
      assert.equal((await story(order.id)).payment, null);
      const refundId = await refund(order, '7.00');
      const open = await creditIn(order.id, refundId, 'credited');
      assert.match(open.reason ?? '', /invoice is draft in Zoho/);

      await sleep(1_100);
      store.updateOrder(order.id, { status: 'processing' });
      await store.flushDeliveries();
      const paid = await storyWhen(order.id, (current) => !!current.creditNotes.find((c) => c.refundId === refundId)?.cashRefund, 'gave the credit back');
      const credit = paid.creditNotes.find((c) => c.refundId === refundId)!;
      assert.equal(paid.payment?.state, 'recorded');
      assert.equal(credit.cashRefund?.amount, '7.00');
      assert.match(credit.reason ?? '', /payment is booked: 7(\.00)? refunded to the customer/);
      const [note] = creditNotesFor(order, refundId);
      assert.equal(note.status, 'closed', 'nothing stays owed to the customer');
      assert.equal(stack.zoho.creditNoteRefunds(orgId, note.creditnote_id).length, 1);
      assert.ok(paid.audit.some((e) => e.action === 'give-back-credit' && e.outcome === 'ok'));

      // Nothing is left to give back: the next change writes nothing.
      const mark = await changed(order, 'later');
      assert.deepEqual(callsSince(mark).filter((call) => !call.startsWith('GET')), []);
      assert.equal(stack.zoho.creditNoteRefunds(orgId, note.creditnote_id).length, 1);
    } finally {
      await setSetting('paymentAccountId', null);
    }
  });

  test('a payment whose answer was lost, then its claim failed, is adopted before an edit lowers the order\'s total', async () => {
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/customerpayments' }, 1);
    stack.zoho.faults.next(1, { status: 400, code: 4, message: 'Invalid value passed for reference_number', match: { method: 'GET', pathPrefix: '/customerpayments' } });
    let order: WooOrder;
    try {
      order = await paidOrder(3);
      await storyWhen(order.id, (current) => current.payment?.state === 'failed', 'failed its payment');
    } finally {
      stack.zoho.faults.clear();
    }
    assert.equal(paymentsFor(order).length, 1, 'the lost create made the payment');

    await sleep(1_100);
    const lowered = store.updateOrder(order.id, { lineItems: [{ productId, quantity: 1 }] });
    await store.flushDeliveries();
    const record = await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.orderTotal === lowered.total });
    assert.equal(record.state, 'synced', record.reason ?? '');
    const after = await storyWhen(order.id, (current) => current.payment?.appliedAmount === lowered.total, 'applied the payment anew');
    assert.equal(after.payment?.paymentId, paymentsFor(order)[0].payment_id);
    assert.equal(paymentsFor(order).length, 1);
    assert.equal(Decimal.from(String(invoiceFor(order).total)).compare(lowered.total), 0);
    assert.ok(after.audit.some((e) => e.action === 'recover-payment' && e.outcome === 'ok'));
    const reapplied = after.audit.find((e) => e.action === 'reapply-payment');
    assert.match(reapplied?.message ?? '', new RegExp(`${lowered.total} of ${order.total} applied to invoice \\S+, was ${order.total} `), 'says what was applied before');
  });

  test('a refund on an invoice the owner voided in Zoho is skipped with the reason, at the cost of one read', async () => {
    const order = store.createOrder({ customer: { billing: { first_name: 'Vi', last_name: 'Void', email: 'voided-in-zoho@example.com' } }, lineItems: [{ productId, quantity: 1 }], status: 'on-hold' });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['synced']);
    assert.equal(await asOwner('POST', `/invoices/${invoiceFor(order).invoice_id}/status/void`), 200);
    const mark = stack.zoho.mark();
    const refundId = await refund(order, '1.00');
    const skipped = await storyWhen(order.id, (current) => current.audit.some((e) => e.action === 'skip' && e.message.includes(`refund ${refundId} not credited`)), 'skipped the refund');
    assert.match(skipped.audit.find((e) => e.message.includes(`refund ${refundId} not credited`))!.message, /is void in Zoho \(voided there\)/);
    assert.deepEqual(callsSince(mark), ['GET /books/v3/invoices/:id']);
    assert.deepEqual(creditNotesFor(order, refundId), []);
  });
});
