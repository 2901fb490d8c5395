import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import type { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { openShop } from './shop';
import { everyEventNoted, OrderStoryBase, Stack } from './stack';

interface OrderStory extends OrderStoryBase {
  invoice: { id: string; number: string | null; status: string | null } | null;
  creditNotes: Array<{ refundId: number; state: string; appliedAmount: string | null; reason: string | null }>;
}

/**
 * settings.invoiceStatus `sent`: a draft invoice posts nothing to Zoho's books, so a store that
 * wants its sales to count without sending each invoice by hand has them marked as sent once
 * written (POST /invoices/{id}/status/sent; nothing is emailed). Once per invoice, retried when it
 * fails, and not at all for orders whose payment Connector books (the payment takes the invoice
 * out of draft).
 */
describe('invoices marked as sent (settings.invoiceStatus)', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  let mug: number;

  before(async () => {
    stack = await Stack.start();
    ({ store, orgId, connectionId, productId: mug } = await openShop(stack, { books: 'Sent Ltd', product: { name: 'Mug', sku: 'MUG-SENT', price: '12.99' }, settings: { invoiceStatus: 'sent' } }));
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  const story = async (orderId: number) => (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json as OrderStory;
  const invoiceFor = (order: WooOrder) => stack.zoho.invoices(orgId).find((invoice) => invoice.reference_number === order.number);
  /** The invoice calls Zoho got since `mark`, ids as `:id`. */
  const invoiceCalls = (mark: number) =>
    stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`).filter((call) => call.includes('/invoices'));

  /** A bank-transfer order on hold: invoiced when placed, not paid. */
  async function unpaidOrder(name: string): Promise<WooOrder> {
    const order = store.createOrder({
      customer: { billing: { first_name: name, last_name: 'Sent', email: `${name.toLowerCase()}.sent@example.com`, country: 'DE' } },
      lineItems: [{ productId: mug, quantity: 2 }],
      status: 'on-hold',
      paymentMethod: 'bacs',
    });
    await store.flushDeliveries();
    return order;
  }

  /**
   * An order invoiced while the connection made drafts, then refunded (its credit note left open on
   * the customer); the connection is back to `sent` when this returns.
   */
  async function refundedDraft(name: string, amount: string): Promise<WooOrder> {
    const settings = (body: Record<string, unknown>) => stack.api('PATCH', `/api/connections/${connectionId}/settings`, body);
    assert.equal((await settings({ invoiceStatus: null })).status, 200);
    try {
      const order = await unpaidOrder(name);
      await stack.settledOrder(connectionId, order.id, ['synced']);
      await sleep(1_100);
      store.refundOrder(order.id, { amount });
      await store.flushDeliveries();
      await eventually(async () => (await story(order.id)).creditNotes.find((credit) => credit.state === 'credited'), 30_000, 100);
      return order;
    } finally {
      assert.equal((await settings({ invoiceStatus: 'sent' })).status, 200);
    }
  }

  /** An order whose invoice Zoho would not mark as sent: its story once its event is a dead letter. */
  async function refusedMark(name: string): Promise<{ order: WooOrder; failed: OrderStory }> {
    stack.zoho.faults.next(1_000, { status: 400, code: 1002, message: 'Invoice cannot be marked as sent', match: { method: 'POST', pathPrefix: '/invoices/', pathSuffix: '/status/sent' } });
    try {
      const order = await unpaidOrder(name);
      const failed = await eventually(async () => {
        const current = await story(order.id);
        return current.deadLetters.length > 0 ? current : undefined;
      }, 30_000, 100);
      return { order, failed };
    } finally {
      stack.zoho.faults.clear();
    }
  }

  /** The order once its invoice is sent and its events' notes are written (`until`: notes a step writes after the first). */
  async function sentInvoice(orderId: number, until: (story: OrderStory) => boolean = () => true): Promise<OrderStory> {
    return eventually(async () => {
      const current = await story(orderId);
      return current.invoice?.status === 'sent' && everyEventNoted(current) && until(current) ? current : undefined;
    }, 30_000, 100);
  }

  test('a new invoice is marked as sent once written, in one more call; a later status change costs none', async () => {
    const mark = stack.zoho.mark();
    const order = await unpaidOrder('Sina');
    const record = await sentInvoice(order.id);
    assert.equal(record.state, 'synced');
    assert.equal(invoiceFor(order)!.status, 'sent', 'Zoho holds it as sent: it counts in the books');
    assert.deepEqual(invoiceCalls(mark), ['POST /books/v3/invoices', 'POST /books/v3/invoices/:id/status/sent']);
    // The story's note of the mark is written just after the record says sent.
    await eventually(async () => ((await story(order.id)).audit.some((entry) => entry.action === 'mark-invoice-sent' && entry.outcome === 'ok') ? true : undefined), 10_000, 100);

    await sleep(1_100);
    const later = stack.zoho.mark();
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['synced'], { until: (r) => r.orderStatus === 'processing' });
    assert.deepEqual(invoiceCalls(later), [], 'a sent invoice is not marked again');
  });

  test('a refund of an order whose invoice was marked as sent is applied to it at once', async () => {
    const order = await unpaidOrder('Rolf');
    await sentInvoice(order.id);
    await sleep(1_100);
    store.refundOrder(order.id, { amount: '5.00' });
    await store.flushDeliveries();
    const credited = await eventually(async () => {
      const current = await story(order.id);
      return current.creditNotes.find((credit) => credit.state === 'credited');
    }, 30_000, 100);
    assert.equal(credited.appliedAmount, '5.00', 'no open credit left waiting for the owner to send the invoice');
    assert.equal(credited.reason, null);
  });

  test("after a switch from drafts to sent, a draft's next change marks it and applies the credit its refund left open", async () => {
    const order = await refundedDraft('Dora', '4.00');
    const open = (await story(order.id)).creditNotes[0];
    assert.equal(open.appliedAmount, '0.00', 'a draft takes no credit');
    assert.match(open.reason ?? '', /invoice is draft in Zoho, which takes no credits/);

    const mark = stack.zoho.mark();
    const dry = await stack.replay(connectionId, { fromSeq: Math.min(...(await story(order.id)).streamSeqs), resource: 'order', dryRun: true });
    assert.deepEqual(
      dry.planned.filter((p: { resourceId: string }) => p.resourceId === String(order.id)).map((p: { action: string }) => p.action),
      ['mark-invoice-sent', 'apply-credit'],
      'a dry run lists the mark and the credit it would apply',
    );
    await sleep(1_100);
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    const appliedNoted = (current: OrderStory) => current.audit.some((entry) => entry.action === 'apply-credit' && entry.outcome === 'ok');
    const sent = await sentInvoice(order.id, (current) => current.creditNotes[0]?.appliedAmount === '4.00' && appliedNoted(current));
    const [credited] = sent.creditNotes;
    assert.equal(credited.appliedAmount, '4.00', 'the credit is applied as the invoice is marked');
    assert.equal(credited.reason, null);
    assert.ok(appliedNoted(sent), 'the story says so');
    const calls = stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(calls.filter((call) => call.startsWith('POST')), ['POST /books/v3/invoices/:id/status/sent', 'POST /books/v3/creditnotes/:id/invoices']);
    assert.equal(Decimal.from(String(invoiceFor(order)!.balance)).compare(Decimal.from(order.total).sub('4.00')), 0, 'the invoice shows the credit');
  });

  test('a left-open credit Zoho will not apply stays open with the reason; the invoice is sent and the order not failed for it', async () => {
    const order = await refundedDraft('Olga', '3.00');
    stack.zoho.faults.next(1_000, { status: 400, code: 1002, message: 'The credit note cannot be applied', match: { method: 'POST', pathPrefix: '/creditnotes/', pathSuffix: '/invoices' } });
    try {
      await sleep(1_100);
      store.updateOrder(order.id, { status: 'processing' });
      await store.flushDeliveries();
      const record = await sentInvoice(order.id);
      const credit = await eventually(async () => {
        const current = (await story(order.id)).creditNotes[0];
        return /applying it to the sent invoice failed/.test(current.reason ?? '') ? current : undefined;
      }, 30_000, 100);
      assert.equal(credit.appliedAmount, '0.00');
      assert.match(credit.reason ?? '', /The credit note cannot be applied.*apply it in Zoho/);
      assert.equal(record.state, 'synced');
      await sleep(500);
      assert.deepEqual((await story(order.id)).deadLetters, [], 'the order is not failed for a credit it could leave open');
    } finally {
      stack.zoho.faults.clear();
    }
  });

  test('marking refused by Zoho leaves the invoice synced with the reason and a dead letter; a retry marks it without writing the invoice again', async () => {
    const { order, failed } = await refusedMark('Fritz');
    assert.equal(failed.state, 'synced', 'the invoice is written and linked');
    assert.equal(failed.invoice?.status, 'draft');
    assert.match(failed.reason ?? '', /^invoice not marked as sent: .*Invoice cannot be marked as sent/);
    assert.equal(invoiceFor(order)!.status, 'draft');

    const mark = stack.zoho.mark();
    const dry = await stack.replay(connectionId, { fromSeq: Math.min(...failed.streamSeqs), resource: 'order', dryRun: true });
    assert.deepEqual(
      dry.planned.filter((p: { resourceId: string }) => p.resourceId === String(order.id)).map((p: { action: string; message: string }) => [p.action, p.message]),
      [['mark-invoice-sent', `would mark invoice ${failed.invoice!.number} as sent (settings.invoiceStatus)`]],
      'a dry run lists the mark, and no invoice write',
    );
    assert.deepEqual(stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET'), [], 'a dry run writes nothing');
    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`)).status, 202);
    const retried = await sentInvoice(order.id);
    assert.deepEqual(invoiceCalls(mark), ['POST /books/v3/invoices/:id/status/sent'], 'the invoice needs no write, only the mark');
    assert.equal(invoiceFor(order)!.status, 'sent');
    await eventually(async () => ((await story(order.id)).reason === null ? true : undefined), 30_000, 100);
    assert.equal(stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === order.number).length, 1);
    assert.equal(retried.state, 'synced');
  });

  test('a live replay does what its dry run lists: a draft whose mark failed is marked by it, and its invoice is not written again', async () => {
    const { order, failed } = await refusedMark('Rita');
    assert.equal(failed.invoice?.status, 'draft');

    const mark = stack.zoho.mark();
    const replayed = await stack.replay(connectionId, { fromSeq: Math.min(...failed.streamSeqs), resource: 'order' });
    assert.equal(replayed.status, 'done');
    const sent = await sentInvoice(order.id);
    assert.equal(sent.reason, null, 'the failure is cleared');
    assert.deepEqual(sent.deadLetters.map((letter) => letter.status), ['resolved'], 'and its dead letter resolved');
    assert.equal(invoiceFor(order)!.status, 'sent');
    assert.deepEqual(invoiceCalls(mark), ['POST /books/v3/invoices/:id/status/sent'], 'only the mark');
  });

  test('a paid order whose payment is booked is not marked: recording the payment takes the invoice out of draft', async () => {
    const { store: shop, orgId: payOrg, productId: cup, connectionId: paying } = await openShop(stack, {
      books: 'Sent and Paid Ltd',
      product: { name: 'Cup', sku: 'CUP-SENT', price: '4.50' },
      settings: { invoiceStatus: 'sent', paymentsSince: '2000-01-01T00:00:00' },
    });
    try {
      const mark = stack.zoho.mark();
      const order = shop.createOrder({
        customer: { billing: { first_name: 'Paul', last_name: 'Paid', email: 'paul.paid@example.com', country: 'DE' } },
        lineItems: [{ productId: cup, quantity: 1 }],
        paymentMethod: 'stripe',
        transactionId: 'ch_sent_paid',
      });
      await shop.flushDeliveries();
      await eventually(async () => {
        const current = (await stack.api('GET', `/api/connections/${paying}/orders/${order.id}`)).json as OrderStory & { payment: { state: string } | null };
        return current.payment?.state === 'recorded' ? current : undefined;
      }, 30_000, 100);
      const calls = stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`).filter((call) => /invoices|customerpayments/.test(call));
      assert.deepEqual(calls, ['POST /books/v3/invoices', 'POST /books/v3/customerpayments']);
      assert.equal(stack.zoho.invoices(payOrg).find((invoice) => invoice.reference_number === order.number)!.status, 'paid');
    } finally {
      await shop.stop();
    }
  });
});
