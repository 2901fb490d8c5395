import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { everyEventNoted, OrderStoryBase, Stack } from './stack';

interface PaymentView {
  state: string;
  reason: string | null;
  paymentId: string | null;
  mode: string | null;
  date: string | null;
  orderTotal: string | null;
  zohoAmount: string | null;
  reconciled: boolean;
  appliedAmount: string | null;
}

interface OrderStory extends OrderStoryBase {
  invoice: { id: string; status: string | null } | null;
  payment: PaymentView | null;
  creditNotes: Array<{ refundId: number; state: string; reason: string | null; cashRefund: { id: string; amount: string | null } | null }>;
}

/**
 * Payments end to end: with settings.paymentsSince, a paid WooCommerce order's money is booked in
 * (fake) Zoho Books as one customer payment of the order's total, applied to its invoice, which
 * becomes paid; once per order, whatever is delivered again, replayed or lost on the way.
 */
describe('paid orders become Zoho customer payments, exact to the cent', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  let customerId: number;
  let mug: number;

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({ name: 'Payments Ltd', currencyCode: 'EUR', taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
    store = await FakeWooStore.start({ currency: 'EUR', timeZone: 'Europe/Berlin', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
    mug = store.createProduct({ name: 'Mug', sku: 'MUG-P', regularPrice: '12.99' }).id;
    customerId = store.createCustomer({
      email: 'pay.me@example.com',
      firstName: 'Paula',
      lastName: 'Payer',
      billing: { first_name: 'Paula', last_name: 'Payer', address_1: '1 Main St', city: 'Berlin', postcode: '10115', country: 'DE' },
    }).id;
    connectionId = await stack.connect(store, orgId, { paymentsSince: '2000-01-01T00:00:00', paymentModes: { 'ppcp-gateway': 'autotransaction' } });
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  const story = async (orderId: number) => (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json as OrderStory;

  /** Waits until the order's payment is in `state`. */
  async function paymentOf(orderId: number, state = 'recorded'): Promise<PaymentView> {
    try {
      return await eventually(async () => {
        const current = await story(orderId);
        return current.payment?.state === state && everyEventNoted(current) ? current.payment : undefined;
      }, 30_000, 100);
    } catch (error) {
      const { payment, audit } = await story(orderId);
      throw new Error(`order ${orderId}'s payment never ${state}: ${JSON.stringify({ payment, audit: audit.map((e) => `${e.action}: ${e.message}`) })}`, { cause: error });
    }
  }

  const paymentsFor = (order: WooOrder) => stack.zoho.payments(orgId).filter((payment) => payment.reference_number === `${order.number}-P`);
  const invoiceFor = (order: WooOrder) => stack.zoho.invoices(orgId).find((invoice) => invoice.reference_number === order.number);

  async function paidOrder(input: { quantity?: number; paymentMethod?: string; paymentMethodTitle?: string; transactionId?: string } = {}) {
    const order = store.createOrder({
      customer: customerId,
      lineItems: [{ productId: mug, quantity: input.quantity ?? 1 }],
      paymentMethod: input.paymentMethod ?? 'stripe',
      paymentMethodTitle: input.paymentMethodTitle ?? 'Credit Card (Stripe)',
      transactionId: input.transactionId ?? `ch_${Date.now()}`,
    });
    await store.flushDeliveries();
    return order;
  }

  test('a card payment: the order total applied to its invoice, which is paid; mode, date, reference and transaction as Zoho shows them', async () => {
    const mark = stack.zoho.mark();
    const order = await paidOrder({ quantity: 3, transactionId: 'ch_3PaidByCard' });
    const payment = await paymentOf(order.id);
    assert.equal(payment.orderTotal, order.total);
    assert.equal(payment.zohoAmount, order.total);
    assert.equal(payment.appliedAmount, order.total);
    assert.equal(payment.reconciled, true);
    assert.equal(payment.mode, 'creditcard');
    assert.equal(payment.date, order.date_paid!.slice(0, 10), 'the day it was paid, in the store time zone');
    const [zoho] = paymentsFor(order);
    assert.equal(paymentsFor(order).length, 1);
    assert.equal(Decimal.from(String(zoho.amount)).compare(order.total), 0);
    assert.match(zoho.description, /WooCommerce order #\d+ paid by Credit Card \(Stripe\), transaction ch_3PaidByCard/);
    const invoice = invoiceFor(order)!;
    assert.equal(invoice.status, 'paid');
    assert.equal(Decimal.from(String(invoice.balance)).isZero(), true);
    assert.equal((await story(order.id)).invoice?.status, 'paid');
    // The invoice's own answer gives the balance: creating it and recording its payment, no read between.
    const calls = stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(calls.filter((call) => /\/(invoices|customerpayments)/.test(call)), ['POST /books/v3/invoices', 'POST /books/v3/customerpayments'], calls.join(', '));
  });

  test('a bank transfer on hold books nothing until the owner marks it paid; then one payment, mode from the connection or WooCommerce', async () => {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: mug, quantity: 2 }], status: 'on-hold', paymentMethod: 'bacs', paymentMethodTitle: 'Direct bank transfer' });
    await store.flushDeliveries();
    const record = await stack.settledOrder(connectionId, order.id);
    assert.equal(record.state, 'synced');
    assert.equal((await story(order.id)).payment, null, 'not paid yet: no payment');
    assert.equal(invoiceFor(order)!.status, 'draft');
    await sleep(1_100);
    store.updateOrder(order.id, { status: 'processing' });
    await store.flushDeliveries();
    const payment = await paymentOf(order.id);
    assert.equal(payment.mode, 'banktransfer');
    assert.equal(invoiceFor(order)!.status, 'paid');
    assert.equal(paymentsFor(order).length, 1);

    const paypal = await paidOrder({ paymentMethod: 'ppcp-gateway', paymentMethodTitle: 'PayPal' });
    assert.equal((await paymentOf(paypal.id)).mode, 'autotransaction', "the connection's paymentModes");
  });

  test('redelivery, retry, completion and replay record no second payment', async () => {
    const order = await paidOrder({ quantity: 2 });
    await paymentOf(order.id);
    const snapshot = JSON.stringify(store.getOrder(order.id));
    await sleep(1_100);
    store.updateOrder(order.id, { status: 'completed' });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.orderStatus === 'completed' });
    const mark = stack.zoho.mark();
    assert.equal((await stack.postSigned(connectionId, 'order.updated', snapshot)).status, 200);
    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`)).status, 202);
    const fromSeq = Math.min(...(await story(order.id)).streamSeqs);
    const dry = await stack.replay(connectionId, { fromSeq, resource: 'order', dryRun: true });
    assert.deepEqual(dry.planned.filter((p: { action: string }) => p.action === 'record-payment'), [], 'a dry run finds no payment to record');
    const real = await stack.replay(connectionId, { fromSeq, resource: 'order' });
    assert.equal(real.status, 'done');
    await sleep(500);
    assert.equal(paymentsFor(order).length, 1);
    assert.deepEqual(stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET'), [], 'no Zoho write');
  });

  test('a paid order edited to a lower total: the payment is applied to the new total first, the rest is the customer\'s credit; edited back up, it is applied whole again', async () => {
    const order = await paidOrder({ quantity: 3 });
    const booked = await paymentOf(order.id);
    const [zohoPayment] = paymentsFor(order);
    const credit = () => Decimal.from(String(stack.zoho.contacts(orgId).find((c) => c.contact_id === zohoPayment.customer_id)!.unused_credits_receivable_amount));
    const creditBefore = credit();

    // Zoho refuses an invoice total below the payment applied to it: without the payment moving
    // first, this edit would fail the order.
    await sleep(1_100);
    const mark = stack.zoho.mark();
    const lowered = store.updateOrder(order.id, { lineItems: [{ productId: mug, quantity: 1 }] });
    await store.flushDeliveries();
    const record = await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.orderTotal === lowered.total });
    assert.equal(record.state, 'synced', record.reason ?? '');
    const rest = Decimal.from(order.total).sub(lowered.total);
    const after = (await story(order.id)).payment!;
    assert.deepEqual([after.state, after.zohoAmount, after.appliedAmount], ['recorded', booked.zohoAmount, lowered.total], 'the money that came in stays as booked');
    assert.match(after.reason ?? '', new RegExp(`only ${lowered.total} of ${order.total} applied: the order's total fell to ${lowered.total} after it was paid; ${rest.toString()} is the customer's credit`));
    const [moved] = paymentsFor(order);
    assert.equal(paymentsFor(order).length, 1, 'the same payment, applied anew');
    assert.equal(Decimal.from(String(moved.amount)).compare(order.total), 0);
    assert.equal(Decimal.from(String(moved.invoices[0]!.amount_applied)).compare(lowered.total), 0);
    const invoice = invoiceFor(order)!;
    assert.deepEqual([Decimal.from(String(invoice.total)).toString(), invoice.status, Decimal.from(String(invoice.balance)).isZero()], [lowered.total, 'paid', true]);
    assert.equal(credit().sub(creditBefore).compare(rest), 0, "what the invoice no longer takes is the customer's credit");
    const calls = stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(
      calls.filter((call) => /\/(invoices|customerpayments)/.test(call)),
      ['GET /books/v3/customerpayments/:id', 'PUT /books/v3/customerpayments/:id', 'PUT /books/v3/invoices/:id'],
      calls.join(', '),
    );
    const { audit } = await story(order.id);
    assert.ok(audit.some((entry) => entry.action === 'reapply-payment' && entry.outcome === 'ok'), JSON.stringify(audit.map((e) => e.action)));

    // Back up to more than was paid: the whole payment is applied again, the rest owed.
    await sleep(1_100);
    const raised = store.updateOrder(order.id, { lineItems: [{ productId: mug, quantity: 4 }] });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.orderTotal === raised.total });
    const whole = await eventually(async () => {
      const current = await story(order.id);
      return current.payment?.appliedAmount === order.total && everyEventNoted(current) ? current : undefined;
    }, 30_000, 100);
    assert.equal(whole.payment!.reason, null);
    assert.equal(whole.invoice?.status, 'partially_paid');
    const owed = invoiceFor(order)!;
    assert.equal(Decimal.from(String(owed.balance)).compare(Decimal.from(raised.total).sub(order.total)), 0, 'the customer owes what the edit added');
    assert.equal(credit().compare(creditBefore), 0, 'the credit is used up');
    assert.equal(paymentsFor(order).length, 1);
  });

  test('a re-application Zoho refuses fails the order with its reason, the invoice left as it was; a dry run lists both writes and the replay makes them', async () => {
    const order = await paidOrder({ quantity: 2 });
    await paymentOf(order.id);
    await sleep(1_100);
    stack.zoho.faults.next(1_000, { status: 400, code: 4, message: 'Invalid value passed for account_id', match: { method: 'PUT', pathPrefix: '/customerpayments/' } });
    let lowered: WooOrder;
    let failed: OrderStory;
    try {
      lowered = store.updateOrder(order.id, { lineItems: [{ productId: mug, quantity: 1 }] });
      await store.flushDeliveries();
      failed = await eventually(async () => {
        const current = await story(order.id);
        return current.deadLetters.length > 0 && everyEventNoted(current) ? current : undefined;
      }, 30_000, 100);
    } finally {
      stack.zoho.faults.clear();
    }
    assert.equal(failed.state, 'failed');
    assert.match(failed.reason ?? '', /PUT \S*customerpayments\/\d+ failed: Invalid value passed for account_id/);
    assert.equal(Decimal.from(String(invoiceFor(order)!.total)).compare(order.total), 0, 'the invoice is left as it was, paid');
    assert.equal(failed.payment?.appliedAmount, order.total);

    const fromSeq = Math.max(...failed.streamSeqs);
    const dry = await stack.replay(connectionId, { fromSeq, resource: 'order', dryRun: true });
    assert.deepEqual(dry.planned.map((p: { action: string }) => p.action), ['update-invoice', 'reapply-payment']);
    const mark = stack.zoho.mark();
    assert.equal((await stack.replay(connectionId, { fromSeq, resource: 'order' })).status, 'done');
    const fixed = await eventually(async () => {
      const current = await story(order.id);
      return current.state === 'synced' && current.payment?.appliedAmount === lowered.total && everyEventNoted(current) ? current : undefined;
    }, 30_000, 100);
    assert.deepEqual(fixed.deadLetters.map((letter) => letter.status), ['resolved']);
    const writes = stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(writes, ['PUT /books/v3/customerpayments/:id', 'PUT /books/v3/invoices/:id']);
    assert.equal(paymentsFor(order).length, 1);
  });

  test('a payment whose create response is lost is found again by its reference, not made twice', async () => {
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/customerpayments' }, 1);
    const order = await paidOrder();
    await paymentOf(order.id);
    assert.equal(paymentsFor(order).length, 1);
    assert.equal((await story(order.id)).payment?.paymentId, paymentsFor(order)[0].payment_id);
    assert.ok((await story(order.id)).audit.some((entry) => entry.action === 'recover-payment'), 'the retry adopted the payment');
  });

  test('a payment Zoho refuses is failed with the reason (the invoice stays synced); a dry run lists it; a retry after the fix records it once', async () => {
    stack.zoho.faults.next(1_000, { status: 400, code: 4, message: 'Invalid value passed for account_id', match: { method: 'POST', pathPrefix: '/customerpayments' } });
    let order: WooOrder;
    try {
      order = await paidOrder();
      const failed = await paymentOf(order.id, 'failed');
      assert.match(failed.reason ?? '', /Invalid value passed for account_id/);
    } finally {
      stack.zoho.faults.clear();
    }
    assert.equal(paymentsFor(order).length, 0);
    // The payment's row says failed first; the record's reason and the dead letter follow as the event settles.
    const record = await eventually(async () => {
      const current = await story(order.id);
      return current.deadLetters.length > 0 ? current : undefined;
    }, 30_000, 100);
    assert.equal(record.state, 'synced', 'the invoice is what it says');
    assert.match(record.reason ?? '', /^payment not recorded: .*Invalid value passed for account_id/);
    assert.equal(record.deadLetters.length, 1, 'the event waits as a dead letter');
    assert.ok(record.audit.some((entry) => entry.action === 'record-payment' && entry.outcome === 'failed'));
    const dry = await stack.replay(connectionId, { fromSeq: Math.min(...record.streamSeqs), resource: 'order', dryRun: true });
    assert.deepEqual(dry.planned.map((p: { action: string; resourceId: string }) => [p.action, p.resourceId]), [['record-payment', String(order.id)]]);
    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`)).status, 202);
    await paymentOf(order.id);
    assert.equal(paymentsFor(order).length, 1);
    const after = await eventually(async () => {
      const current = await story(order.id);
      return current.reason === null ? current : undefined;
    }, 30_000, 100);
    assert.equal(after.state, 'synced', 'the failure is cleared once the payment is recorded');
  });

  test('a live replay does what its dry run lists: a refused payment is recorded by it, once', async () => {
    stack.zoho.faults.next(1_000, { status: 400, code: 4, message: 'Invalid value passed for account_id', match: { method: 'POST', pathPrefix: '/customerpayments' } });
    let order: WooOrder;
    try {
      order = await paidOrder();
      await paymentOf(order.id, 'failed');
    } finally {
      stack.zoho.faults.clear();
    }
    const record = await eventually(async () => {
      const current = await story(order.id);
      return current.deadLetters.length > 0 ? current : undefined;
    }, 30_000, 100);
    const mark = stack.zoho.mark();
    const replayed = await stack.replay(connectionId, { fromSeq: Math.min(...record.streamSeqs), resource: 'order' });
    assert.equal(replayed.status, 'done');
    await paymentOf(order.id);
    assert.equal(paymentsFor(order).length, 1);
    const settled = await story(order.id);
    assert.equal(settled.reason, null, 'the failure is cleared');
    assert.deepEqual(settled.deadLetters.map((letter) => letter.status), ['resolved'], 'and its dead letter resolved');
    const writes = stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(writes, ['POST /books/v3/customerpayments'], 'the payment, and nothing else written');
  });

  test('payments switched on later: a live replay books the payments of orders paid since settings.paymentsSince, as its dry run lists', async () => {
    await setSetting('paymentsSince', null);
    let order: WooOrder;
    let record: OrderStory;
    try {
      order = await paidOrder({ quantity: 2 });
      record = await stack.settledOrder(connectionId, order.id, ['synced']);
    } finally {
      await setSetting('paymentsSince', '2000-01-01T00:00:00');
    }
    assert.equal((await story(order.id)).payment, null, 'booked before payments were on: no payment');
    const fromSeq = Math.min(...record.streamSeqs);
    const dry = await stack.replay(connectionId, { fromSeq, resource: 'order', dryRun: true });
    assert.deepEqual(dry.planned.map((p: { action: string; resourceId: string }) => [p.action, p.resourceId]), [['record-payment', String(order.id)]]);
    const mark = stack.zoho.mark();
    assert.equal((await stack.replay(connectionId, { fromSeq, resource: 'order' })).status, 'done');
    const payment = await paymentOf(order.id);
    assert.equal(payment.orderTotal, order.total);
    assert.equal(paymentsFor(order).length, 1);
    assert.equal(invoiceFor(order)!.status, 'paid');
    assert.deepEqual(stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => call.method + ' ' + call.path.replace(/\d{6,}/g, ':id')), ['POST /books/v3/customerpayments']);
  });

  const setSetting = (key: string, value: string | null) =>
    stack.db.dataSource.query(
      value === null ? `UPDATE connections SET settings = settings - $2::text WHERE id = $1` : `UPDATE connections SET settings = settings || jsonb_build_object($2::text, $3::text) WHERE id = $1`,
      value === null ? [connectionId, key] : [connectionId, key, value],
    );

  /** Refunds an amount of the order in the store; its credit once `credited`. */
  async function refunded(order: WooOrder, amount: string) {
    await sleep(1_100); // a store's refund comes seconds after its order (snapshots of one second are told apart by content only)
    store.refundOrder(order.id, { amount });
    await store.flushDeliveries();
    const refundId = store.getOrder(order.id).refunds[0].id;
    const credit = await eventually(async () => (await story(order.id)).creditNotes.find((c) => c.refundId === refundId && c.state === 'credited'), 30_000, 100);
    const note = stack.zoho.creditNotes(orgId).find((n) => n.reference_number === `${order.number}-R${refundId}`)!;
    return { refundId, credit, note };
  }

  test('a refund of a paid order gives the money back from the deposit account: the credit note is refunded, not left open', async () => {
    await setSetting('paymentAccountId', '460000000000358');
    try {
      const order = await paidOrder({ quantity: 2 });
      await paymentOf(order.id);
      const mark = stack.zoho.mark();
      const { refundId, credit, note } = await refunded(order, '5.00');
      assert.equal(credit.cashRefund?.amount, '5.00');
      assert.match(credit.reason ?? '', /payment is booked: 5(\.00)? refunded to the customer \(creditcard, \d{4}-\d{2}-\d{2}\)/);
      const [cash] = stack.zoho.creditNoteRefunds(orgId, note.creditnote_id);
      assert.equal(credit.cashRefund?.id, cash.creditnote_refund_id);
      assert.deepEqual([cash.reference_number, cash.refund_mode], [`${order.number}-R${refundId}`, 'creditcard']);
      assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === note.creditnote_id)!.status, 'closed', 'nothing stays owed to the customer');
      assert.equal(invoiceFor(order)!.status, 'paid');
      const calls = stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
      assert.ok(calls.includes('POST /books/v3/creditnotes/:id/refunds'), calls.join(', '));

      // The refund deleted in the store: the money given back is taken back, then the credit note voided.
      store.deleteRefund(order.id, refundId);
      await store.flushDeliveries();
      const voided = await eventually(async () => (await story(order.id)).creditNotes.find((c) => c.refundId === refundId && c.state === 'voided'), 30_000, 100);
      assert.equal(voided.cashRefund, null);
      assert.deepEqual(stack.zoho.creditNoteRefunds(orgId, note.creditnote_id), []);
      assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === note.creditnote_id)!.status, 'void');
    } finally {
      await setSetting('paymentAccountId', null);
    }
  });

  test('cancelling a paid, partly refunded order voids its invoice but keeps the money given back; reinstated, the payment is applied again', async () => {
    await setSetting('paymentAccountId', '460000000000358');
    try {
      const order = await paidOrder({ quantity: 3 });
      await paymentOf(order.id);
      const { refundId, note } = await refunded(order, '4.00');
      await sleep(1_100);
      store.updateOrder(order.id, { status: 'cancelled' });
      await store.flushDeliveries();
      await eventually(async () => invoiceFor(order)?.status === 'void', 30_000, 100);
      await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.orderStatus === 'cancelled' });
      const credit = (await story(order.id)).creditNotes.find((c) => c.refundId === refundId)!;
      assert.equal(credit.state, 'credited');
      assert.equal(credit.cashRefund?.amount, '4.00');
      assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === note.creditnote_id)!.status, 'closed');
      assert.equal(stack.zoho.creditNoteRefunds(orgId, note.creditnote_id).length, 1);
      // The void took the payment off the invoice: the record says where the money is now.
      const { payment } = await story(order.id);
      assert.equal(payment?.appliedAmount, '0.00');
      assert.match(payment?.reason ?? '', new RegExp(`voided \\(order cancelled\\): the ${order.total} of this payment applied to it is the customer's credit in Zoho`));
      assert.equal(paymentsFor(order)[0].invoices.length, 0);

      // Reinstated: the same invoice reopened and the payment applied to it again; the refund stays given back.
      await sleep(1_100);
      const mark = stack.zoho.mark();
      store.updateOrder(order.id, { status: 'processing' });
      await store.flushDeliveries();
      const back = await eventually(async () => {
        const current = await story(order.id);
        return current.payment?.appliedAmount === order.total && everyEventNoted(current) ? current : undefined;
      }, 30_000, 100);
      assert.deepEqual([back.state, back.payment?.reason, back.invoice?.status], ['synced', null, 'paid']);
      assert.equal(invoiceFor(order)!.status, 'paid');
      assert.equal(paymentsFor(order).length, 1);
      const writes = stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
      assert.deepEqual(writes, ['POST /books/v3/invoices/:id/status/draft', 'PUT /books/v3/invoices/:id', 'PUT /books/v3/customerpayments/:id']);
      assert.equal(stack.zoho.creditNotes(orgId).find((n) => n.creditnote_id === note.creditnote_id)!.status, 'closed', 'the refund stays given back');
    } finally {
      await setSetting('paymentAccountId', null);
    }
  });

  test('a cash refund whose response is lost is found again on the credit note, not made twice', async () => {
    await setSetting('paymentAccountId', '460000000000358');
    try {
      const order = await paidOrder({ quantity: 2 });
      await paymentOf(order.id);
      stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/creditnotes/' }, 1);
      const { credit, note } = await refunded(order, '3.50');
      assert.equal(stack.zoho.creditNoteRefunds(orgId, note.creditnote_id).length, 1);
      assert.equal(credit.cashRefund?.amount, '3.50');
    } finally {
      stack.zoho.faults.clear();
      await setSetting('paymentAccountId', null);
    }
  });

  test('without a deposit account the credit of a paid order stays open, and the record says how to give the money back', async () => {
    const order = await paidOrder({ quantity: 2 });
    await paymentOf(order.id);
    const { credit, note } = await refunded(order, '5.00');
    assert.match(credit.reason ?? '', /payment is booked, so 5(\.00)? went back to the customer: record it with Refund on the credit note in Zoho \(settings\.paymentAccountId/);
    assert.equal(credit.cashRefund, null);
    assert.deepEqual(stack.zoho.creditNoteRefunds(orgId, note.creditnote_id), []);
    assert.equal(paymentsFor(order).length, 1);
    assert.equal(invoiceFor(order)!.status, 'paid');
  });

  test('orders paid before settings.paymentsSince are left to the books as they are, with the reason', async () => {
    await stack.db.dataSource.query(`UPDATE connections SET settings = settings || jsonb_build_object('paymentsSince', '2999-01-01T00:00:00'::text) WHERE id = $1`, [connectionId]);
    try {
      const order = await paidOrder();
      const skipped = await paymentOf(order.id, 'skipped');
      assert.match(skipped.reason ?? '', /before payments were booked \(settings\.paymentsSince 2999-01-01T00:00:00\): not recorded/);
      assert.equal(paymentsFor(order).length, 0);
      assert.equal(invoiceFor(order)!.status, 'draft');
    } finally {
      await stack.db.dataSource.query(`UPDATE connections SET settings = settings || jsonb_build_object('paymentsSince', '2000-01-01T00:00:00'::text) WHERE id = $1`, [connectionId]);
    }
  });

  test("invoice-sync's /metrics counts the payments by outcome", async () => {
    for (const [outcome, atLeast] of [['recorded', 6], ['recovered', 1], ['skipped', 1], ['failed', 1]] as const) {
      const counted = await stack.counter('invoice-sync', 'connector_payments_total', { outcome });
      assert.ok(counted >= atLeast, `${outcome}: ${counted}`);
    }
  });
});

/** Without settings.paymentsSince nothing changes: invoices stay drafts and the owner records payments. */
describe('payments are booked only when the connection asks', () => {
  test('a paid order on a connection without paymentsSince: a draft invoice, no payment', async () => {
    const stack = await Stack.start();
    const store = await FakeWooStore.start({});
    try {
      const orgId = stack.zoho.createOrganization({ name: 'No Payments Ltd', currencyCode: 'USD' }).organization_id;
      const product = store.createProduct({ name: 'Cap', sku: 'CAP-P', regularPrice: '10.00' }).id;
      const connectionId = await stack.connect(store, orgId);
      const order = store.createOrder({ lineItems: [{ productId: product, quantity: 1 }], paymentMethod: 'stripe' });
      await store.flushDeliveries();
      assert.equal((await stack.settledOrder(connectionId, order.id)).state, 'synced');
      assert.equal(stack.zoho.payments(orgId).length, 0);
      assert.equal(stack.zoho.invoices(orgId)[0].status, 'draft');
    } finally {
      await store.stop();
      await stack.stop();
    }
  });
});
