import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { Stack } from './stack';

/**
 * The product end to end: orders placed in a (fake) WooCommerce store travel as signed webhooks
 * through the gateway, the audit stream and the sync services into (fake) Zoho Books, and each
 * invoice's total equals its order's total exactly.
 */
describe('orders become invoices, exact to the cent', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  const products: Record<string, number> = {};
  let tshirtVariations: number[] = [];
  let customerId: number;

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({
      name: 'Exact Books Ltd',
      currencyCode: 'USD',
      taxes: [
        { name: 'VAT 20', percentage: 20 },
        { name: 'Reduced 5', percentage: 5 },
      ],
    }).organization_id;
    store = await FakeWooStore.start({
      currency: 'USD',
      timeZone: 'Europe/Berlin',
      taxRates: [
        { id: 1, rate: '20.0000', label: 'VAT', shipping: true },
        { id: 2, rate: '5.0000', label: 'Reduced', class: 'reduced-rate', shipping: false },
      ],
    });
    products.mug = store.createProduct({ name: 'Mug', sku: 'MUG-1', regularPrice: '12.99' }).id;
    products.book = store.createProduct({ name: 'Book', sku: 'BOOK-1', regularPrice: '9.95', taxClass: 'reduced-rate' }).id;
    products.noSku = store.createProduct({ name: 'Sticker (no SKU)', regularPrice: '0.99' }).id;
    products.trap = store.createProduct({ name: 'Rounding trap', sku: 'TRAP', regularPrice: '3.33' }).id;
    products.hostile = store.createProduct({ name: '<script>alert("x")</script> Ünïcødé 🎉 "quotes" & \'apos\'', sku: 'HOSTILE-1', regularPrice: '1.005' }).id;
    const tshirt = store.createVariableProduct({
      name: 'T-Shirt',
      attributes: [{ name: 'Size', options: ['M', 'L'] }],
      variations: [
        { sku: 'TS-M', regularPrice: '19.99', attributes: { Size: 'M' } },
        { sku: 'TS-L', regularPrice: '21.49', attributes: { Size: 'L' } },
      ],
    });
    products.tshirt = tshirt.parent.id;
    tshirtVariations = tshirt.variations.map((v) => v.id);
    customerId = store.createCustomer({
      email: 'Jane.Doe@Example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      billing: { first_name: 'Jane', last_name: 'Doe', company: 'Doe & Co', address_1: '1 Main St', city: 'Berlin', postcode: '10115', country: 'DE', phone: '+49 30 1234567' },
    }).id;
    connectionId = await stack.connect(store, orgId);
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  /** Waits for the invoice of this exact snapshot (the record has applied its modification time). */
  async function invoiceFor(order: WooOrder) {
    const record = await stack.settledOrder(connectionId, order.id, undefined, {
      until: (r) => r.state !== 'synced' || r.modifiedGmt === order.date_modified_gmt,
    });
    assert.equal(record.state, 'synced', `order ${order.id}: ${record.reason}`);
    const invoices = stack.zoho.invoices(orgId).filter((i) => i.reference_number === order.number);
    assert.equal(invoices.length, 1, `exactly one invoice for order ${order.number}`);
    const invoice = invoices[0];
    assert.equal(
      Decimal.from(String(invoice.total)).compare(order.total),
      0,
      `order ${order.id}: Zoho total ${invoice.total} must equal order total ${order.total}`,
    );
    assert.equal(Decimal.from(record.zohoTotal).compare(order.total), 0);
    assert.equal(record.reconciled, true);
    return { record, invoice };
  }

  const cases: Array<[string, () => Parameters<FakeWooStore['createOrder']>[0]]> = [
    ['a guest buying one mug', () => ({ customer: { billing: { first_name: 'Gus', last_name: 'Guest', email: 'gus@guest.example', country: 'DE' } }, lineItems: [{ productId: products.mug, quantity: 1 }] })],
    ['a registered customer with shipping tax', () => ({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 2 }], shippingLines: [{ methodTitle: 'Flat rate', cost: '4.90', taxable: true }] })],
    ['a variation and two tax rates on one order', () => ({ customer: customerId, lineItems: [{ productId: products.tshirt, variationId: tshirtVariations[1], quantity: 1 }, { productId: products.book, quantity: 3 }] })],
    ['a product with no SKU (item created on first encounter)', () => ({ customer: customerId, lineItems: [{ productId: products.noSku, quantity: 7 }] })],
    ['a percent coupon and a fixed coupon', () => ({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 3 }, { productId: products.book, quantity: 1 }], coupons: [{ code: 'TEN', type: 'percent', amount: 10 }, { code: 'FIVE', type: 'fixed_cart', amount: '5.00' }] })],
    ['fees: taxable, untaxed and a negative one', () => ({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 1 }], fees: [{ name: 'Gift wrap', amount: '2.50', taxable: true }, { name: 'Handling', amount: '1.00', taxable: false }, { name: 'Loyalty discount', amount: '-3.00', taxable: false }] })],
    ['rounding traps: 3 × 3.33 and seven lines of 1.005', () => ({ customer: customerId, lineItems: [{ productId: products.trap, quantity: 3 }, ...Array.from({ length: 7 }, () => ({ productId: products.hostile, quantity: 1 }))] })],
    ['unicode and hostile strings in names', () => ({ customer: { billing: { first_name: 'Zoë 🎉', last_name: "O'Brien <b>", email: 'zoe+test@example.com', company: '"; DROP TABLE contacts; --', country: 'IE' } }, lineItems: [{ productId: products.hostile, quantity: 2 }], customerNote: 'Leave at the door — merci! <img src=x onerror=alert(1)>' })],
  ];

  for (const [name, input] of cases) {
    test(name, async () => {
      const order = store.createOrder(input());
      await store.flushDeliveries();
      await invoiceFor(order);
    });
  }

  test('the same delivery ten times, and again after the fact, creates nothing twice', async () => {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 1 }] });
    await store.flushDeliveries();
    await invoiceFor(order);
    await Promise.all(Array.from({ length: 10 }, () => store.deliver('order.updated', order.id)));
    await stack.postSigned(connectionId, 'order.created', JSON.stringify(store.getOrder(order.id)));
    await new Promise((r) => setTimeout(r, 1_000));
    await invoiceFor(order);
  });

  test('an older snapshot arriving late never overwrites a newer one', async () => {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 1 }] });
    const older = JSON.stringify(store.getOrder(order.id));
    await store.flushDeliveries();
    await invoiceFor(order);
    const edited = store.updateOrder(order.id, { lineItems: [{ productId: products.mug, quantity: 4 }], dateModified: Date.now() + 60_000 });
    await store.flushDeliveries();
    const afterEdit = await invoiceFor(edited);
    assert.equal((await stack.postSigned(connectionId, 'order.updated', older)).status, 200);
    await new Promise((r) => setTimeout(r, 1_500));
    const { invoice } = await invoiceFor(edited);
    assert.equal(invoice.invoice_id, afterEdit.invoice.invoice_id);
    const story = await stack.api('GET', `/api/connections/${connectionId}/orders/${order.id}`);
    assert.ok(story.json.audit.some((entry: { message: string }) => /stale snapshot/.test(entry.message)), 'the stale snapshot is recorded as skipped');
  });

  test('an order completed (status only) costs no Zoho call: its invoice already shows it', async () => {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 1 }] });
    await store.flushDeliveries();
    const { invoice } = await invoiceFor(order);
    await sleep(1_100);
    const mark = stack.zoho.mark();
    const completed = store.updateOrder(order.id, { status: 'completed' });
    await store.flushDeliveries();
    const record = await stack.settledOrder(connectionId, order.id, undefined, { until: (r) => r.modifiedGmt === completed.date_modified_gmt });
    assert.equal(record.state, 'synced');
    assert.equal(record.orderStatus, 'completed');
    assert.deepEqual(stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path}`), [], 'no Zoho call');
    // A real change still reaches the invoice (a second later, so the wait below can tell them apart).
    await sleep(1_100);
    const edited = store.updateOrder(order.id, { lineItems: [{ productId: products.mug, quantity: 2 }] });
    await store.flushDeliveries();
    const { invoice: after } = await invoiceFor(edited);
    assert.equal(after.invoice_id, invoice.invoice_id);
  });

  /** An order invoiced, then cancelled: its invoice voided. */
  async function cancelledOrder(productId: number) {
    const order = store.createOrder({ customer: customerId, lineItems: [{ productId, quantity: 2 }] });
    await store.flushDeliveries();
    const { invoice } = await invoiceFor(order);
    await sleep(1_100);
    store.updateOrder(order.id, { status: 'cancelled' });
    await store.flushDeliveries();
    const record = await stack.settledOrder(connectionId, order.id, ['voided', 'failed']);
    assert.equal(record.state, 'voided');
    assert.equal(stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!.status, 'void');
    await sleep(1_100);
    return { order, invoice };
  }

  test('cancelling an order voids its invoice; reinstated, the same invoice is reopened as a draft and brought up to date', async () => {
    const { order, invoice } = await cancelledOrder(products.book);

    // The customer paid after all: the order is processing again, with one more book.
    const mark = stack.zoho.mark();
    const reinstated = store.updateOrder(order.id, { status: 'processing', lineItems: [{ productId: products.book, quantity: 3 }] });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['synced', 'failed'], { until: (r) => r.state === 'failed' || r.modifiedGmt === reinstated.date_modified_gmt });
    const { record: again, invoice: reopened } = await invoiceFor(reinstated);
    assert.equal(reopened.invoice_id, invoice.invoice_id, 'the same invoice, not a second one');
    assert.equal(reopened.status, 'draft');
    assert.equal(Decimal.from(String(reopened.total)).compare(reinstated.total), 0);
    assert.deepEqual([again.state, again.invoice?.status], ['synced', 'draft']);
    const calls = stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(calls, ['POST /books/v3/invoices/:id/status/draft', 'PUT /books/v3/invoices/:id']);
    assert.ok(again.audit.some((entry: { action: string; outcome: string }) => entry.action === 'reinstate-invoice' && entry.outcome === 'ok'));
  });

  test('a reinstatement Zoho refuses fails the order with the reason; a dry run lists it and a replay reopens the invoice once', async () => {
    const { order, invoice } = await cancelledOrder(products.mug);
    stack.zoho.faults.next(1_000, { status: 400, code: 1, message: 'The invoice cannot be marked as draft.', match: { method: 'POST', pathPrefix: `/invoices/${invoice.invoice_id}/status/draft` } });
    let failed;
    try {
      store.updateOrder(order.id, { status: 'completed' });
      await store.flushDeliveries();
      failed = await stack.settledOrder(connectionId, order.id, ['failed']);
    } finally {
      stack.zoho.faults.clear();
    }
    assert.match(failed.reason ?? '', /status\/draft failed: The invoice cannot be marked as draft/);
    assert.equal(stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!.status, 'void', 'left as it was');

    const fromSeq = Math.max(...failed.streamSeqs);
    const dry = await stack.replay(connectionId, { fromSeq, resource: 'order', dryRun: true });
    assert.deepEqual(dry.planned.map((p: { action: string }) => p.action), ['reinstate-invoice']);
    assert.equal((await stack.replay(connectionId, { fromSeq, resource: 'order' })).status, 'done');
    const again = await stack.settledOrder(connectionId, order.id, ['synced']);
    assert.equal(again.invoice?.id, invoice.invoice_id);
    assert.equal(stack.zoho.invoices(orgId).filter((i) => i.reference_number === order.number).length, 1);
    assert.equal(stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!.status, 'draft');
  });

  test('checkout drafts and statuses outside the sync list are skipped with a reason', async () => {
    const draft = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 1 }], status: 'checkout-draft' });
    const pending = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 1 }], status: 'pending' });
    await store.flushDeliveries();
    for (const order of [draft, pending]) {
      const record = await stack.settledOrder(connectionId, order.id);
      assert.equal(record.state, 'skipped');
      assert.ok(record.reason);
      assert.equal(stack.zoho.invoices(orgId).filter((i) => i.reference_number === order.number).length, 0);
    }
  });

  test('a repeat customer buying known products costs one Zoho call', async () => {
    const first = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 1 }, { productId: products.book, quantity: 1 }] });
    await store.flushDeliveries();
    await invoiceFor(first);
    const mark = stack.zoho.mark();
    const repeat = store.createOrder({ customer: customerId, lineItems: [{ productId: products.mug, quantity: 2 }, { productId: products.book, quantity: 1 }] });
    await store.flushDeliveries();
    await invoiceFor(repeat);
    const calls = stack.zoho.callsSince(mark);
    assert.equal(calls.length, 1, `expected one call, got ${calls.map((c) => `${c.method} ${c.path}`).join(', ')}`);
    assert.equal(calls[0].method, 'POST');
  });

  test('orders without an email (phone, counter) are booked to the walk-in contact, the invoice naming the buyer; the next costs one call', async () => {
    const counterSale = (first: string) => store.createOrder({
      customer: { billing: { first_name: first, last_name: 'Walker', email: '', phone: '+49 30 555', address_1: '9 Counter Lane', city: 'Berlin', postcode: '10117', country: 'DE' } },
      lineItems: [{ productId: products.mug, quantity: 1 }],
    });
    const order = counterSale('Wanda');
    await store.flushDeliveries();
    const { invoice } = await invoiceFor(order);
    const contact = stack.zoho.contacts(orgId).find((c) => c.contact_id === invoice.customer_id)!;
    assert.equal(contact.contact_name, 'Walk-in customer');
    assert.match(String(invoice.notes), /Customer: Wanda Walker, 9 Counter Lane, 10117 Berlin, DE, phone \+49 30 555/);

    const mark = stack.zoho.mark();
    const next = counterSale('Walt');
    await store.flushDeliveries();
    const second = await invoiceFor(next);
    assert.equal(second.invoice.customer_id, contact.contact_id, 'the same walk-in contact');
    assert.deepEqual(stack.zoho.callsSince(mark).map((call) => call.method), ['POST'], 'one call: the invoice');
    assert.equal(stack.zoho.contacts(orgId).filter((c) => c.contact_name.startsWith('Walk-in customer')).length, 1);
  });

  test("each service's /metrics counts what it did: events settled, Zoho calls, calls from other services answered", async () => {
    const invoices = stack.zoho.invoices(orgId).length;
    assert.ok(invoices > 0);
    assert.ok((await stack.counter('invoice-sync', 'connector_events_settled_total', { consumer: 'invoice-sync', outcome: 'ack' })) >= invoices);
    assert.equal(await stack.counter('invoice-sync', 'connector_zoho_calls_total', { organization: orgId, status: '201' }), invoices);
    for (const [service, operation] of [['customer-sync', 'customer.ensure-contact'], ['catalog-sync', 'catalog.ensure-items'], ['token-service', 'token.zoho-session']] as const) {
      assert.ok((await stack.counter(service, 'connector_rpc_answered_total', { operation, outcome: 'ok' })) > 0, `${service} answered no ${operation}`);
      assert.ok((await stack.counter(service, 'connector_rpc_duration_seconds_count', { operation })) > 0);
    }
  });

  test('no contact or item was created twice', async () => {
    const contacts = stack.zoho.contacts(orgId);
    const emails = contacts.flatMap((c) => (c.contact_persons ?? []).filter((p) => p.is_primary_contact).map((p) => String(p.email).toLowerCase()));
    assert.equal(new Set(emails).size, emails.length, `duplicate contacts: ${emails.join(', ')}`);
    const items = stack.zoho.items(orgId);
    const names = items.map((i) => i.name);
    assert.equal(new Set(names).size, names.length);
    const skus = items.map((i) => i.sku).filter(Boolean);
    assert.equal(new Set(skus).size, skus.length);
    assert.ok(items.some((i) => i.name.startsWith('Sticker')), 'the product without SKU got an item');
  });
});
