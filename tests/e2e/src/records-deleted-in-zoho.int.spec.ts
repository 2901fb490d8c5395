import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { OrderStoryBase, Stack } from './stack';

/**
 * An owner may delete in Zoho a contact or an item Connector linked, as long as nothing uses it
 * yet: the contact made at a customer's sign-up, the item the catalogue import matched. Zoho then
 * refuses the first invoice that names it. Connector asks Zoho whether the records the invoice
 * refers to still exist, matches a deleted one afresh and writes the invoice once more, so the
 * order is booked once, to the right contact and items. A refusal with every record in place
 * stands, saying what was checked; a pinned product's deleted item is the owner's to replace.
 * An invoice the owner deleted is not made again behind their back: the order waits, saying so,
 * until the owner asks for a new one (rebook).
 */
describe('contacts, items and invoices deleted in Zoho after Connector linked them', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  let lampItemId: string;
  const products: Record<string, number> = {};

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({ name: 'Tidy Books Ltd', taxes: [{ name: 'VAT 20', percentage: 20 }] }).organization_id;
    store = await FakeWooStore.start({ taxRates: [{ id: 1, rate: '20.0000', label: 'VAT', shipping: true }] });
    // The owner's catalogue in Zoho, matched to the store's products when the connection is made.
    lampItemId = stack.zoho.createItem(orgId, { name: 'Desk Lamp', sku: 'LAMP', rate: 49 }).item_id;
    products.lamp = store.createProduct({ name: 'Desk Lamp', sku: 'LAMP', regularPrice: '49.00' }).id;
    products.mug = store.createProduct({ name: 'Mug', sku: 'MUG', regularPrice: '12.00' }).id;
    products.vase = store.createProduct({ name: 'Vase', sku: 'VASE', regularPrice: '30.00' }).id;
    connectionId = await stack.connect(store, orgId);
    await eventually(async () => (await productLink(products.lamp))?.zohoItemId === lampItemId, 30_000, 100);
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  async function productLink(productId: number): Promise<{ zohoItemId: string | null; matchedBy: string | null; pinned: boolean } | undefined> {
    const res = await stack.api('GET', `/api/connections/${connectionId}/products`);
    return res.json.find((p: { productId: number; variationId: number }) => p.productId === productId && p.variationId === 0);
  }

  async function story(orderId: number, states: string[]): Promise<OrderStoryBase & { invoice: { id: string } | null; invoiceDeletedAt: string | null }> {
    return stack.settledOrder(connectionId, orderId, states);
  }

  const kimsContacts = () => stack.zoho.contacts(orgId).filter((c) => c.contact_persons.some((p) => p.email === 'kim@example.com'));
  /** Zoho calls since `mark` but customer-sync's: it may bring a guest's contact up to date from an order event meanwhile. */
  const documentCalls = (mark: number) =>
    stack.zoho.callsSince(mark).filter((c) => !c.resourcePath.startsWith('/contacts')).map((c) => `${c.method} ${c.resourcePath} ${c.status}`);
  const invoicesOf = (orderNumber: string) => stack.zoho.invoices(orgId).filter((i) => i.reference_number === orderNumber);

  test("a contact deleted in Zoho before the customer's first order: the invoice goes to the customer's contact made afresh, once", async () => {
    const customer = store.createCustomer({ email: 'kim@example.com', firstName: 'Kim', lastName: 'Park', billing: { first_name: 'Kim', last_name: 'Park', email: 'kim@example.com', country: 'DE' } });
    await store.flushDeliveries();
    const signedUp = await eventually(async () => kimsContacts()[0], 30_000, 100);
    stack.zoho.deleteContact(orgId, signedUp.contact_id);

    const mark = stack.zoho.mark();
    const order = store.createOrder({ customer: customer.id, lineItems: [{ productId: products.mug, quantity: 2 }] });
    await store.flushDeliveries();
    const record = await story(order.id, ['synced']);
    const invoices = invoicesOf(order.number);
    assert.equal(invoices.length, 1, 'one invoice');
    const contacts = kimsContacts();
    assert.equal(contacts.length, 1, 'one contact for the customer');
    assert.notEqual(contacts[0]!.contact_id, signedUp.contact_id);
    assert.equal(invoices[0]!.customer_id, contacts[0]!.contact_id);

    const calls = stack.zoho.callsSince(mark).map((c) => `${c.method} ${c.resourcePath} ${c.status}`);
    const invoiceWrites = calls.filter((c) => c.startsWith('POST /invoices'));
    assert.deepEqual(invoiceWrites.map((c) => c.split(' ')[2]), ['400', '201'], `refused, then written: ${calls.join(', ')}`);
    assert.ok(calls.includes(`GET /contacts/${signedUp.contact_id} 404`), `the refused contact is asked for: ${calls.join(', ')}`);
    assert.equal(calls.filter((c) => c.startsWith('POST /contacts ')).length, 1);
    const written = record.audit.find((e) => e.action === 'create-invoice' && e.outcome === 'ok');
    assert.match(written?.message ?? '', new RegExp(`contact ${signedUp.contact_id} no longer existed in Zoho \\(deleted there\\), so it was matched afresh`));

    // The customer's next order is back to one call.
    const next = stack.zoho.mark();
    const repeat = store.createOrder({ customer: customer.id, lineItems: [{ productId: products.mug, quantity: 1 }] });
    await store.flushDeliveries();
    await story(repeat.id, ['synced']);
    assert.deepEqual(stack.zoho.callsSince(next).map((c) => `${c.method} ${c.resourcePath}`), ['POST /invoices']);
  });

  test('an item deleted in Zoho after the catalogue import matched it: the line gets an item made afresh, once', async () => {
    stack.zoho.deleteItem(orgId, lampItemId);
    const order = store.createOrder({ customer: { billing: { first_name: 'Lou', last_name: 'Reed', email: 'lou@example.com', country: 'DE' } }, lineItems: [{ productId: products.lamp, quantity: 1 }] });
    await store.flushDeliveries();
    const record = await story(order.id, ['synced']);

    const lamps = stack.zoho.items(orgId).filter((i) => i.sku === 'LAMP');
    assert.equal(lamps.length, 1, 'one lamp item in Zoho');
    assert.notEqual(lamps[0]!.item_id, lampItemId);
    const invoices = invoicesOf(order.number);
    assert.equal(invoices.length, 1);
    assert.deepEqual(invoices[0]!.line_items.map((l) => l.item_id), [lamps[0]!.item_id]);
    assert.equal((await productLink(products.lamp))?.zohoItemId, lamps[0]!.item_id, 'the product is linked to the new item');
    const written = record.audit.find((e) => e.action === 'create-invoice' && e.outcome === 'ok');
    assert.match(written?.message ?? '', new RegExp(`item ${lampItemId} no longer existed in Zoho`));
  });

  test("a pinned product's item deleted in Zoho fails the order with what to do; pinned anew, the retry books it once", async () => {
    const chosen = stack.zoho.createItem(orgId, { name: 'Vase (hand-made)', rate: 30 });
    assert.equal((await stack.api('PUT', `/api/connections/${connectionId}/products/${products.vase}`, { zohoItemId: chosen.item_id })).status, 200);
    stack.zoho.deleteItem(orgId, chosen.item_id);

    const order = store.createOrder({ customer: { billing: { first_name: 'Ada', last_name: 'Vase', email: 'ada.vase@example.com', country: 'DE' } }, lineItems: [{ productId: products.vase, quantity: 1 }] });
    await store.flushDeliveries();
    const failed = await story(order.id, ['failed']);
    assert.match(failed.reason ?? '', /pinned/i);
    assert.match(failed.reason ?? '', new RegExp(chosen.item_id));
    assert.equal(invoicesOf(order.number).length, 0);
    assert.equal((await productLink(products.vase))?.zohoItemId, chosen.item_id, 'a pinned link is the owner\'s to change');

    const replacement = stack.zoho.createItem(orgId, { name: 'Vase (studio)', rate: 30 });
    await stack.api('PUT', `/api/connections/${connectionId}/products/${products.vase}`, { zohoItemId: replacement.item_id });
    const letters = await stack.api('GET', `/api/dead-letters?connectionId=${connectionId}`);
    const letter = letters.json.find((l: { reason: string }) => l.reason.includes(chosen.item_id));
    assert.ok(letter, 'a dead letter names the item');
    assert.equal((await stack.api('POST', `/api/dead-letters/${letter.id}/retry`)).status, 202);
    await stack.settledOrder(connectionId, order.id, ['synced']);
    const invoices = invoicesOf(order.number);
    assert.equal(invoices.length, 1);
    assert.deepEqual(invoices[0]!.line_items.map((l) => l.item_id), [replacement.item_id]);
  });

  test('a refusal with its contact and items in place stands, saying what was checked; retried, the order is booked once', async () => {
    stack.zoho.faults.next(1, { status: 400, code: 2, message: 'Invalid value passed for reference_number', match: { method: 'POST', pathPrefix: '/invoices' } });
    const order = store.createOrder({ customer: { billing: { first_name: 'Max', last_name: 'Held', email: 'max@example.com', country: 'DE' } }, lineItems: [{ productId: products.mug, quantity: 1 }] });
    await store.flushDeliveries();
    const failed = await story(order.id, ['failed']);
    assert.match(failed.reason ?? '', /Invalid value passed for reference_number/, "Zoho's words");
    assert.match(failed.reason ?? '', /all 2 records it refers to \(contact \d+ and item \d+\) still exist in Zoho/);
    assert.equal(invoicesOf(order.number).length, 0);

    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`)).status, 202);
    await stack.settledOrder(connectionId, order.id, ['synced']);
    assert.equal(invoicesOf(order.number).length, 1);
  });

  test('an invoice deleted in Zoho: the next change fails saying so, later ones cost no call; rebook books a new invoice once', async () => {
    const order = store.createOrder({ customer: { billing: { first_name: 'Rae', last_name: 'Book', email: 'rae@example.com', country: 'DE' } }, lineItems: [{ productId: products.mug, quantity: 1 }] });
    await store.flushDeliveries();
    const first = await story(order.id, ['synced']);
    const deletedId = first.invoice!.id;
    stack.zoho.deleteInvoice(orgId, deletedId);

    const rebookTooEarly = await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/rebook`);
    assert.equal(rebookTooEarly.status, 409, 'not known deleted yet: retry is the way');
    assert.match(rebookTooEarly.json.message, /only for an order whose invoice was deleted in Zoho/);

    const mark = stack.zoho.mark();
    store.updateOrder(order.id, { lineItems: [{ productId: products.mug, quantity: 3 }] });
    await store.flushDeliveries();
    const failed = await stack.settledOrder(connectionId, order.id, ['failed']);
    assert.match(failed.reason, /was deleted in Zoho; Connector does not book the order again on its own/);
    assert.match(failed.reason, new RegExp(`connector orders rebook ${connectionId} ${order.id}`));
    assert.ok(failed.invoiceDeletedAt, 'the record says when');
    assert.deepEqual(documentCalls(mark), [`PUT /invoices/${deletedId} 404`, `GET /invoices/${deletedId} 404`]);

    const quiet = stack.zoho.mark();
    store.updateOrder(order.id, { customerNote: 'ring twice' });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['failed'], { until: (r) => r.streamSeqs.length === failed.streamSeqs.length + 1 });
    assert.deepEqual(documentCalls(quiet), [], 'known deleted: no Zoho call');
    assert.equal(invoicesOf(order.number).length, 0, 'nothing made behind the owner\'s back');

    const rebook = await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/rebook`);
    assert.equal(rebook.status, 202);
    const rebooked = await story(order.id, ['synced']);
    const invoices = invoicesOf(order.number);
    assert.equal(invoices.length, 1, 'one new invoice');
    assert.notEqual(invoices[0]!.invoice_id, deletedId);
    assert.equal(String(invoices[0]!.total), String(Number(store.getOrder(order.id).total)));
    assert.equal(rebooked.invoiceDeletedAt, null);
    const asked = rebooked.audit.find((e) => e.action === 'rebook');
    assert.match(asked?.message ?? '', new RegExp(`\\(${deletedId}\\) was deleted in Zoho: forgotten at the owner's request`));
    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/rebook`)).status, 409, 'once booked again, no second rebook');
  });

  test('rebook is refused for an order whose credit note Connector booked with the deleted invoice: the money could count twice', async () => {
    const order = store.createOrder({ status: 'processing', customer: { billing: { first_name: 'Ida', last_name: 'Credit', email: 'ida@example.com', country: 'DE' } }, lineItems: [{ productId: products.mug, quantity: 2 }] });
    await store.flushDeliveries();
    await story(order.id, ['synced']);
    store.refundOrder(order.id, { amount: '5.00', reason: 'goodwill' });
    await store.flushDeliveries();
    // A draft invoice takes no credit: the credit note stays open, so Zoho lets the owner delete the invoice.
    const credited = await eventually(async () => {
      const s = await story(order.id, ['synced']);
      const notes = (s as unknown as { creditNotes: Array<{ state: string; creditNoteNumber: string | null }> }).creditNotes;
      return notes.length === 1 && notes[0]!.state === 'credited' ? s : undefined;
    }, 30_000, 100);
    stack.zoho.deleteInvoice(orgId, credited.invoice!.id);
    store.updateOrder(order.id, { customerNote: 'gift' });
    await store.flushDeliveries();
    await stack.settledOrder(connectionId, order.id, ['failed']);

    const rebook = await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/rebook`);
    assert.equal(rebook.status, 409);
    assert.match(rebook.json.message, /Connector booked credit note \S+ with the deleted invoice .* could count that money twice, so book this order in Zoho by hand/);
    assert.equal(invoicesOf(order.number).length, 0);
  });

  test("an invoice deleted in Zoho found by a refund's credit note fails the order the same way; rebooked, invoice and credit note are made once", async () => {
    const order = store.createOrder({ status: 'processing', customer: { billing: { first_name: 'Flo', last_name: 'Refund', email: 'flo@example.com', country: 'DE' } }, lineItems: [{ productId: products.mug, quantity: 2 }] });
    await store.flushDeliveries();
    const synced = await story(order.id, ['synced']);
    const deletedId = synced.invoice!.id;
    stack.zoho.deleteInvoice(orgId, deletedId);

    const mark = stack.zoho.mark();
    store.refundOrder(order.id, { amount: '5.00', reason: 'chipped' });
    await store.flushDeliveries();
    const failed = await stack.settledOrder(connectionId, order.id, ['failed']);
    assert.match(failed.reason, /was deleted in Zoho; Connector does not book the order again on its own/);
    // The refund step reads the invoice first; its "not found" is the answer, with no second read.
    assert.deepEqual(documentCalls(mark), [`GET /invoices/${deletedId} 404`]);

    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/rebook`)).status, 202);
    await eventually(async () => {
      const s = await story(order.id, ['synced']);
      const notes = (s as unknown as { creditNotes: Array<{ state: string }> }).creditNotes;
      return notes.length === 1 && notes[0]!.state === 'credited' ? s : undefined;
    }, 30_000, 100);
    const invoices = invoicesOf(order.number);
    assert.equal(invoices.length, 1);
    const notes = stack.zoho.creditNotes(orgId).filter((n) => n.reference_number?.startsWith(`${order.number}-R`));
    assert.equal(notes.length, 1, 'one credit note');
    assert.equal(String(notes[0]!.total), '5');
  });

  test('a cancelled order whose invoice was deleted in Zoho leaves nothing to void', async () => {
    const order = store.createOrder({ customer: { billing: { first_name: 'Cy', last_name: 'Cancel', email: 'cy@example.com', country: 'DE' } }, lineItems: [{ productId: products.mug, quantity: 1 }] });
    await store.flushDeliveries();
    const synced = await story(order.id, ['synced']);
    stack.zoho.deleteInvoice(orgId, synced.invoice!.id);
    store.updateOrder(order.id, { status: 'cancelled' });
    await store.flushDeliveries();
    const voided = await stack.settledOrder(connectionId, order.id, ['voided']);
    assert.match(voided.reason, /was deleted in Zoho, so there is nothing to void/);
    assert.ok(voided.invoiceDeletedAt);
  });
});

