import { after, before, describe, test } from 'node:test';
import { sleep } from '@connector/common';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { everyEventNoted, OrderStoryBase, Stack } from './stack';

interface CreditView {
  refundId: number;
  state: string;
  reason: string | null;
  creditNote: { id: string; number: string | null } | null;
  refundTotal: string | null;
  zohoTotal: string | null;
  reconciled: boolean;
  appliedAmount: string | null;
}

/**
 * Refunds end to end: a refund made in the (fake) store fires order.updated, invoice-sync reads the
 * refund from the store's REST API and books it in (fake) Zoho Books as a credit note against the
 * order's invoice, exact to the cent, once per refund whatever is delivered again or lost.
 */
describe('refunds become credit notes, exact to the cent', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  let customerId: number;
  const products: Record<string, number> = {};

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({
      name: 'Refunds Ltd',
      currencyCode: 'EUR',
      taxes: [
        { name: 'VAT 19', percentage: 19 },
        { name: 'Reduced 7', percentage: 7 },
      ],
    }).organization_id;
    store = await FakeWooStore.start({
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
      taxRates: [
        { id: 1, rate: '19.0000', label: 'VAT', shipping: true },
        { id: 2, rate: '7.0000', label: 'Reduced', class: 'reduced-rate', shipping: false },
      ],
    });
    products.mug = store.createProduct({ name: 'Mug', sku: 'MUG-R', regularPrice: '12.99' }).id;
    products.book = store.createProduct({ name: 'Book', sku: 'BOOK-R', regularPrice: '9.95', taxClass: 'reduced-rate' }).id;
    products.trap = store.createProduct({ name: 'Trap', sku: 'TRAP-R', regularPrice: '3.33' }).id;
    customerId = store.createCustomer({
      email: 'refund.me@example.com',
      firstName: 'Rita',
      lastName: 'Refund',
      billing: { first_name: 'Rita', last_name: 'Refund', address_1: '1 Main St', city: 'Berlin', postcode: '10115', country: 'DE' },
    }).id;
    connectionId = await stack.connect(store, orgId);
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  async function invoiceOf(order: WooOrder) {
    const record = await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.state !== 'synced' || r.modifiedGmt === order.date_modified_gmt });
    assert.equal(record.state, 'synced', `order ${order.id}: ${record.reason}`);
    const invoice = stack.zoho.invoices(orgId).find((i) => i.reference_number === order.number)!;
    assert.equal(Decimal.from(String(invoice.total)).compare(order.total), 0);
    return invoice;
  }

  async function story(orderId: number) {
    return (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json as OrderStoryBase & { creditNotes: CreditView[] };
  }

  /** Waits until the order's record lists this refund in `state`. */
  async function creditOf(orderId: number, refundId: number, state = 'credited'): Promise<CreditView> {
    try {
      return await eventually(async () => {
        const current = await story(orderId);
        return everyEventNoted(current) ? current.creditNotes.find((c) => c.refundId === refundId && c.state === state) : undefined;
      }, 30_000, 100);
    } catch (error) {
      const { creditNotes, audit } = await story(orderId);
      throw new Error(`refund ${refundId} of order ${orderId} never ${state}: ${JSON.stringify({ creditNotes, audit: audit.map((e) => `${e.action}: ${e.message}`) })}`, { cause: error });
    }
  }

  function creditNotesFor(order: WooOrder, refundId: number) {
    return stack.zoho.creditNotes(orgId).filter((note) => note.reference_number === `${order.number}-R${refundId}`);
  }

  function latestRefundId(order: WooOrder): number {
    return store.getOrder(order.id).refunds[0].id;
  }

  /** An order of one product line, invoiced. */
  async function invoicedOrder(productId: number, quantity: number) {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId, quantity }] });
    await store.flushDeliveries();
    return { order, invoice: await invoiceOf(order) };
  }

  /** Refunds units of the order's first line; the refund's id once it is credited. */
  async function refundFirstLine(order: WooOrder, quantity: number): Promise<number> {
    store.refundOrder(order.id, { lineItems: [{ lineItemId: order.line_items[0].id, quantity }] });
    await store.flushDeliveries();
    const refundId = latestRefundId(order);
    await creditOf(order.id, refundId);
    return refundId;
  }

  const replay = (body: Record<string, unknown>) => stack.replay(connectionId, body);

  test('an itemized refund: one credit note with the invoice\'s items and taxes, exact to the refund; a draft invoice leaves the credit open', async () => {
    const order = store.createOrder({
      customer: customerId,
      lineItems: [{ productId: products.mug, quantity: 2 }, { productId: products.book, quantity: 1 }],
      shippingLines: [{ methodTitle: 'Flat rate', cost: '4.90', taxable: true }],
    });
    await store.flushDeliveries();
    const invoice = await invoiceOf(order);
    store.refundOrder(order.id, {
      reason: 'Mug arrived broken',
      lineItems: [{ lineItemId: order.line_items[0].id, quantity: 1 }],
      shippingLines: [{ shippingLineId: order.shipping_lines[0].id }],
    });
    await store.flushDeliveries();
    const refundId = latestRefundId(order);
    const refund = store.getOrder(order.id).refunds[0];
    const credit = await creditOf(order.id, refundId);

    const notes = creditNotesFor(order, refundId);
    assert.equal(notes.length, 1);
    const note = notes[0];
    const amount = Decimal.from(refund.total).abs();
    assert.equal(Decimal.from(String(note.total)).compare(amount), 0, `credit note total ${note.total} = refund ${amount}`);
    assert.equal(credit.reconciled, true);
    assert.equal(Decimal.from(credit.refundTotal!).compare(amount), 0);
    assert.equal(note.customer_id, invoice.customer_id);
    assert.equal(note.invoice_id, invoice.invoice_id, 'made against the order\'s invoice');
    const invoiceLines = stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!.line_items!;
    const [mugLine, shippingLine] = note.line_items!;
    assert.equal(mugLine.item_id, invoiceLines[0].item_id, 'the mug is credited on the mug item');
    assert.equal(mugLine.tax_id, invoiceLines[0].tax_id);
    assert.equal(mugLine.quantity, 1);
    assert.equal(shippingLine.item_id, invoiceLines.at(-1)!.item_id, 'shipping on the shipping item');
    assert.match(String(note.notes), /Reason: Mug arrived broken/);
    assert.equal(credit.appliedAmount, '0.00');
    assert.match(credit.reason ?? '', /draft/);
    assert.equal(stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!.status, 'draft', 'the invoice is left as it was');
  });

  test('once the owner has sent the invoice, a refund by amount is applied to it and lowers its balance', async () => {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: products.trap, quantity: 3 }, { productId: products.book, quantity: 2 }] });
    await store.flushDeliveries();
    const invoice = await invoiceOf(order);
    stack.zoho.markInvoiceSent(orgId, invoice.invoice_id);
    await sleep(1_100);
    const mark = stack.zoho.mark();
    store.refundOrder(order.id, { amount: '5.00', reason: 'goodwill' });
    await store.flushDeliveries();
    const refundId = latestRefundId(order);
    const credit = await creditOf(order.id, refundId);
    assert.deepEqual(
      stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`),
      ['GET /books/v3/invoices/:id', 'POST /books/v3/creditnotes', 'POST /books/v3/creditnotes/:id/invoices'],
      'a refund costs its balance check, the credit note and its application: the invoice itself is not rewritten',
    );
    const [note] = creditNotesFor(order, refundId);
    assert.equal(Number(note.total), 5);
    assert.deepEqual(note.line_items!.map((line) => [line.name, line.rate, line.tax_id || null]), [['Refund: goodwill', 5, null]], 'an amount-only refund is one untaxed line');
    assert.equal(stack.zoho.items(orgId).find((item) => item.item_id === note.line_items![0].item_id)?.name, 'Refunds');
    assert.equal(credit.appliedAmount, '5.00');
    const after = stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!;
    assert.equal(Decimal.from(String(after.balance)).compare(Decimal.from(order.total).sub('5.00')), 0, `balance ${after.balance}`);
    assert.equal(after.status, 'partially_paid');
  });

  test("a credit a draft left open is applied on the order's next change once the owner has sent the invoice in Zoho; while it is a draft, a change costs one read", async () => {
    const { order, invoice } = await invoicedOrder(products.book, 2);
    await sleep(1_100);
    store.refundOrder(order.id, { amount: '3.00', reason: 'late delivery' });
    await store.flushDeliveries();
    const refundId = latestRefundId(order);
    const open = await creditOf(order.id, refundId);
    assert.equal(open.appliedAmount, '0.00');
    assert.match(open.reason ?? '', /invoice is draft in Zoho, which takes no credits: .*the order's next change, or the reconciliation sweep's check, applies it/);
    const fromSeq = Math.min(...(await story(order.id)).streamSeqs);
    const plannedFor = async () => (await replay({ fromSeq, resource: 'order', dryRun: true })).planned.filter((p: { resourceId: string }) => p.resourceId === String(order.id));
    assert.deepEqual(await plannedFor(), [], 'a dry run reads the draft, as the live run would, and finds nothing to apply');

    // Still a draft: the next change reads the invoice and applies nothing.
    await sleep(1_100);
    let mark = stack.zoho.mark();
    store.updateOrder(order.id, { metaData: [{ key: '_packed_by', value: 'Sam' }] });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.modifiedGmt === store.getOrder(order.id).date_modified_gmt });
    const calls = () => stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(calls(), ['GET /books/v3/invoices/:id']);
    assert.equal((await creditOf(order.id, refundId)).appliedAmount, '0.00');

    // The owner sends it in Zoho: a dry run lists the credit, and the order's next change applies it.
    stack.zoho.markInvoiceSent(orgId, invoice.invoice_id);
    const planned = await plannedFor();
    assert.deepEqual(planned.map((p: { action: string }) => p.action), ['apply-credit']);
    assert.match(planned[0].message, /would apply up to 3(\.00)? of credit note .* sent in Zoho since its refund/);
    await sleep(1_100);
    mark = stack.zoho.mark();
    store.updateOrder(order.id, { status: 'completed' });
    await store.flushDeliveries();
    const applied = await eventually(async () => {
      const current = await story(order.id);
      const credit = current.creditNotes.find((c) => c.refundId === refundId);
      // The credit's row is saved as the step lands, its note when the event's handling ends.
      const noted = current.audit.some((entry) => entry.action === 'apply-credit' && entry.outcome === 'ok');
      return credit?.appliedAmount === '3.00' && noted && everyEventNoted(current) ? { credit, current } : undefined;
    }, 30_000, 100);
    assert.equal(applied.credit.reason, null);
    assert.deepEqual(calls(), ['GET /books/v3/invoices/:id', 'POST /books/v3/creditnotes/:id/invoices']);
    const after = stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!;
    assert.equal(Decimal.from(String(after.balance)).compare(Decimal.from(order.total).sub('3.00')), 0, `balance ${after.balance}`);

    // Nothing waits any more: the next change costs no call.
    await sleep(1_100);
    mark = stack.zoho.mark();
    store.updateOrder(order.id, { metaData: [{ key: '_packed_by', value: 'Kim' }] });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.modifiedGmt === store.getOrder(order.id).date_modified_gmt });
    assert.deepEqual(calls(), []);
  });

  test('an order that does not change again: a live replay of its events applies the credit once the owner has sent the invoice', async () => {
    const { order, invoice } = await invoicedOrder(products.book, 1);
    await sleep(1_100);
    store.refundOrder(order.id, { amount: '2.50' });
    await store.flushDeliveries();
    const refundId = latestRefundId(order);
    assert.equal((await creditOf(order.id, refundId)).appliedAmount, '0.00');
    stack.zoho.markInvoiceSent(orgId, invoice.invoice_id);
    const mark = stack.zoho.mark();
    const replayed = await replay({ fromSeq: Math.min(...(await story(order.id)).streamSeqs), resource: 'order' });
    assert.equal(replayed.status, 'done');
    const credit = await eventually(async () => {
      const found = (await story(order.id)).creditNotes.find((c) => c.refundId === refundId);
      return found?.appliedAmount === '2.50' ? found : undefined;
    }, 30_000, 100);
    assert.equal(credit.reason, null);
    const writes = stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(writes, ['POST /books/v3/creditnotes/:id/invoices'], 'the credit applied once, nothing else written');
  });

  test("an order that does not change again: the reconciliation sweep checks its draft invoice and applies the credit once the owner has sent it", async () => {
    const { order, invoice } = await invoicedOrder(products.mug, 1);
    await sleep(1_100);
    store.refundOrder(order.id, { amount: '1.50' });
    await store.flushDeliveries();
    const refundId = latestRefundId(order);
    const open = await creditOf(order.id, refundId);
    assert.equal(open.appliedAmount, '0.00');
    // This order's calls only: other tests' drafts may hold credits the sweep checks too.
    const ownIds = [invoice.invoice_id, open.creditNote!.id];
    const calls = (mark: number) => stack.zoho.callsSince(mark)
      .filter((call) => ownIds.some((id) => call.path.includes(id)))
      .map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);

    /** A sweep now (a manual one checks every waiting credit), and the order's story once its published snapshot is handled. */
    const sweep = async () => {
      const seqs = (await story(order.id)).streamSeqs.length;
      const swept = await stack.api('POST', `/api/connections/${connectionId}/reconcile`);
      assert.equal(swept.status, 200, JSON.stringify(swept.json));
      const current = await eventually(async () => {
        const found = await story(order.id);
        return found.streamSeqs.length > seqs && everyEventNoted(found) ? found : undefined;
      }, 30_000, 100);
      return { credits: swept.json.credits, current };
    };

    // Still a draft: the sweep publishes the order, invoice-sync reads the invoice, nothing is applied.
    let mark = stack.zoho.mark();
    const first = await sweep();
    assert.ok(first.credits.awaiting >= 1);
    assert.equal(first.credits.published, first.credits.awaiting, 'a manual sweep checks every waiting credit');
    assert.deepEqual(calls(mark), ['GET /books/v3/invoices/:id']);
    assert.equal(first.current.creditNotes.find((c) => c.refundId === refundId)!.appliedAmount, '0.00');
    const published = first.current.audit.find((entry) => entry.action === 'reconcile' && entry.service === 'token-service');
    assert.match(published?.message ?? '', /credit note .* waits for invoice .* to be sent in Zoho/);

    // Sent by the owner in Zoho: the next sweep applies the credit, once.
    stack.zoho.markInvoiceSent(orgId, invoice.invoice_id);
    mark = stack.zoho.mark();
    await sweep();
    const credit = await eventually(async () => {
      const found = (await story(order.id)).creditNotes.find((c) => c.refundId === refundId);
      return found?.appliedAmount === '1.50' ? found : undefined;
    }, 30_000, 100);
    assert.equal(credit.reason, null);
    assert.deepEqual(calls(mark), ['GET /books/v3/invoices/:id', 'POST /books/v3/creditnotes/:id/invoices']);
    const after = stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!;
    assert.equal(Decimal.from(String(after.balance)).compare(Decimal.from(order.total).sub('1.50')), 0, `balance ${after.balance}`);

    // Nothing of it waits any more: a sweep leaves it alone and costs it no Zoho call.
    mark = stack.zoho.mark();
    const seqs = (await story(order.id)).streamSeqs.length;
    const again = await stack.api('POST', `/api/connections/${connectionId}/reconcile`);
    assert.equal(again.json.credits.awaiting, first.credits.awaiting - 1);
    await sleep(500);
    assert.equal((await story(order.id)).streamSeqs.length, seqs);
    assert.deepEqual(calls(mark), []);
  });

  test('a full refund: the order is refunded, its invoice kept, and the credit notes add up to the order total', async () => {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 3 }], shippingLines: [{ methodTitle: 'Flat rate', cost: '4.90', taxable: true }] });
    await store.flushDeliveries();
    const invoice = await invoiceOf(order);
    stack.zoho.markInvoiceSent(orgId, invoice.invoice_id);
    store.refundOrder(order.id, { lineItems: [{ lineItemId: order.line_items[0].id, quantity: 1 }] });
    await store.flushDeliveries();
    const first = latestRefundId(order);
    await creditOf(order.id, first);
    store.refundOrder(order.id, { lineItems: [{ lineItemId: order.line_items[0].id, quantity: 2 }], shippingLines: [{ shippingLineId: order.shipping_lines[0].id }] });
    await store.flushDeliveries();
    assert.equal(store.getOrder(order.id).status, 'refunded');
    const second = latestRefundId(order);
    await creditOf(order.id, second);
    const notes = [...creditNotesFor(order, first), ...creditNotesFor(order, second)];
    assert.equal(notes.length, 2);
    assert.equal(Decimal.sum(notes.map((note) => String(note.total))).compare(order.total), 0, 'credit notes total the order');
    const after = stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!;
    assert.equal(after.status, 'paid', 'fully credited, not voided');
    assert.equal(Number(after.balance), 0);
    const record = await stack.settledOrder(connectionId, order.id);
    assert.equal(record.state, 'synced');
  });

  test('redelivery, retry and replay create no second credit note', async () => {
    const { order } = await invoicedOrder(products.book, 4);
    // Snapshots of one second with different content are each applied in turn, also on a replay
    // (equal dates cannot say which is newer); a store's refund comes seconds after its order.
    await sleep(1_100);
    const refundId = await refundFirstLine(order, 1);
    const snapshot = JSON.stringify(store.getOrder(order.id));
    const mark = stack.zoho.mark();
    const skips = async () => (await story(order.id)).audit.filter((entry) => entry.action === 'skip').length;
    const before = await skips();
    // The same bytes again (the gateway's message id may dedupe them), then the event itself republished.
    for (let i = 0; i < 3; i++) assert.equal((await stack.postSigned(connectionId, 'order.updated', snapshot)).status, 200);
    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`)).status, 202);
    await eventually(async () => (await skips()) > before, 30_000, 100);
    const fromSeq = Math.min(...(await story(order.id)).streamSeqs);
    const dry = await replay({ fromSeq, resource: 'order', dryRun: true });
    assert.deepEqual(dry.planned, [], 'a dry run of the order\'s events finds nothing to write');
    const real = await replay({ fromSeq, resource: 'order' });
    assert.equal(real.status, 'done');
    assert.equal(creditNotesFor(order, refundId).length, 1);
    assert.deepEqual(stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET'), [], 'no Zoho write');
  });

  test('a refund deleted in the store voids its credit note and gives the invoice its balance back', async () => {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 1 }] });
    await store.flushDeliveries();
    const invoice = await invoiceOf(order);
    stack.zoho.markInvoiceSent(orgId, invoice.invoice_id);
    // Deleting a refund leaves date_modified as the refund set it: were that the order's creation
    // second, the order after the deletion would be the very bytes delivered at its creation, which
    // the gateway stores once (deliveryMessageId). A store's refund comes later than that.
    await sleep(1_100);
    store.refundOrder(order.id, { amount: '2.00' });
    await store.flushDeliveries();
    const refundId = latestRefundId(order);
    await creditOf(order.id, refundId);
    store.deleteRefund(order.id, refundId);
    await store.flushDeliveries();
    const voided = await creditOf(order.id, refundId, 'voided');
    assert.match(voided.reason ?? '', /deleted in the store/);
    assert.equal(creditNotesFor(order, refundId)[0].status, 'void');
    const after = stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!;
    assert.equal(Decimal.from(String(after.balance)).compare(order.total), 0);
  });

  test('cancelling a refunded order voids its invoice and its credit notes; reinstated, its refunds are credited anew', async () => {
    const { order } = await invoicedOrder(products.mug, 2);
    const refundId = await refundFirstLine(order, 1);
    store.updateOrder(order.id, { status: 'cancelled' });
    await store.flushDeliveries();
    await creditOf(order.id, refundId, 'voided');
    assert.equal(creditNotesFor(order, refundId)[0].status, 'void');
    assert.equal(stack.zoho.invoices(orgId).find((i) => i.reference_number === order.number)!.status, 'void');

    // Reinstated: the invoice is reopened and the refund credited anew; the voided note stays void.
    await sleep(1_100);
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    const again = await creditOf(order.id, refundId, 'credited');
    assert.match(again.reason ?? '', /invoice is draft in Zoho, which takes no credits/);
    const notes = creditNotesFor(order, refundId);
    assert.deepEqual(notes.map((note) => note.status).sort(), ['open', 'void']);
    assert.equal(stack.zoho.invoices(orgId).find((i) => i.reference_number === order.number)!.status, 'draft');
  });

  test('a credit note Zoho refuses is failed with the reason (the invoice stays synced); a dry run lists it; a retry after the fix books it once', async () => {
    const { order } = await invoicedOrder(products.mug, 2);
    await sleep(1_100);
    stack.zoho.faults.next(1_000, { status: 400, code: 4, message: 'Invalid value passed for line_items', match: { method: 'POST', pathPrefix: '/creditnotes' } });
    try {
      store.refundOrder(order.id, { lineItems: [{ lineItemId: order.line_items[0].id, quantity: 1 }] });
      await store.flushDeliveries();
      const failed = await creditOf(order.id, latestRefundId(order), 'failed');
      assert.match(failed.reason ?? '', /Invalid value passed for line_items/);
    } finally {
      stack.zoho.faults.clear();
    }
    const refundId = latestRefundId(order);
    assert.equal(creditNotesFor(order, refundId).length, 0);
    // The refund's row says failed first; the record's reason and the dead letter follow as the event settles.
    const record = await eventually(async () => {
      const current = await story(order.id);
      return current.deadLetters.length > 0 ? current : undefined;
    }, 30_000, 100);
    assert.equal(record.state, 'synced', 'the invoice is what it says');
    assert.match(record.reason ?? '', /^refunds not credited: .*Invalid value passed for line_items/);
    assert.equal(record.deadLetters.length, 1, 'the event waits as a dead letter');
    assert.ok(record.audit.some((entry) => entry.action === 'credit-refund' && entry.outcome === 'failed'));
    const fromSeq = Math.min(...(await story(order.id)).streamSeqs);
    const dry = await replay({ fromSeq, resource: 'order', dryRun: true });
    assert.deepEqual(dry.planned.map((p: { action: string; resourceId: string }) => [p.action, p.resourceId]), [['create-credit-note', String(order.id)]]);
    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`)).status, 202);
    const credit = await creditOf(order.id, refundId);
    assert.equal(credit.reconciled, true);
    assert.equal(creditNotesFor(order, refundId).length, 1);
    const after = await stack.settledOrder(connectionId, order.id);
    assert.equal(after.state, 'synced');
    assert.equal(after.reason, null, 'the failure is cleared once the refund is credited');
  });

  test('a credit note whose create response is lost is found again, not made twice', async () => {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: products.book, quantity: 2 }] });
    await store.flushDeliveries();
    await invoiceOf(order);
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/creditnotes' }, 1);
    store.refundOrder(order.id, { lineItems: [{ lineItemId: order.line_items[0].id, quantity: 1 }] });
    await store.flushDeliveries();
    const refundId = latestRefundId(order);
    const credit = await creditOf(order.id, refundId);
    assert.equal(creditNotesFor(order, refundId).length, 1);
    assert.equal(credit.creditNote?.id, creditNotesFor(order, refundId)[0].creditnote_id);
    assert.ok((await story(order.id)).audit.some((entry) => entry.action === 'recover-credit-note'), 'the retry adopted the credit note');
  });

  test('refunds made before settings.refundsSince are left to the books as they are, with the reason; later ones are credited', async () => {
    const { order } = await invoicedOrder(products.book, 3);
    const setSince = (since: string | null) =>
      stack.db.dataSource.query(
        since === null ? `UPDATE connections SET settings = settings - 'refundsSince' WHERE id = $1` : `UPDATE connections SET settings = settings || jsonb_build_object('refundsSince', $2::text) WHERE id = $1`,
        since === null ? [connectionId] : [connectionId, since],
      );
    // As a connection that synced orders before refunds were booked: its older refunds may be in Zoho by hand.
    await setSince('2999-01-01T00:00:00');
    try {
      await sleep(1_100);
      store.refundOrder(order.id, { lineItems: [{ lineItemId: order.line_items[0].id, quantity: 1 }] });
      await store.flushDeliveries();
      const old = await creditOf(order.id, latestRefundId(order), 'skipped');
      assert.match(old.reason ?? '', /made before refunds were booked \(settings\.refundsSince 2999-01-01T00:00:00\): not credited/);
      assert.equal(creditNotesFor(order, old.refundId).length, 0);
    } finally {
      await setSince(null);
    }
    await sleep(1_100);
    const newer = await refundFirstLine(order, 1);
    assert.equal(creditNotesFor(order, newer).length, 1);
    const { creditNotes } = await story(order.id);
    assert.deepEqual(creditNotes.map((c) => c.state), ['skipped', 'credited'], 'the older refund stays as it was');
  });

  test("invoice-sync's /metrics counts the credit notes by outcome", async () => {
    for (const [outcome, atLeast] of [['created', 6], ['recovered', 1], ['voided', 2], ['failed', 1]] as const) {
      const counted = await stack.counter('invoice-sync', 'connector_credit_notes_total', { outcome });
      assert.ok(counted >= atLeast, `${outcome}: ${counted}`);
    }
  });
});
