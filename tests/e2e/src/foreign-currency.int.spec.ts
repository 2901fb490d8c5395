import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import { sleep } from '@connector/common';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { everyEventNoted, OrderStoryBase, Stack } from './stack';

interface OrderStory extends OrderStoryBase {
  invoice: { id: string; status: string | null } | null;
  /** The rate each document was booked at, as the record keeps it (null in the base currency). */
  exchangeRate: string | null;
  payment: { state: string; reason: string | null; exchangeRate: string | null } | null;
  creditNotes: Array<{ refundId: number; state: string; exchangeRate: string | null }>;
}

/** yyyy-mm-dd `days` from today (UTC); the orders below are placed today. */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A store selling in EUR whose books are kept in GBP: every invoice, credit note and payment is in
 * EUR, to its customer's EUR contact, at the organization's exchange rate of its date; never the
 * euro amounts booked as pounds.
 */
describe('orders in a currency other than the books\' base currency', () => {
  let stack: Stack;
  let store: FakeWooStore;
  let orgId: string;
  let connectionId: string;
  let mug: number;

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({ name: 'Sterling Books Ltd', currencyCode: 'GBP', currencies: ['EUR'], taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
    // Rates Zoho keeps for EUR: an old one, the one in effect today, and one from tomorrow that must not be used.
    stack.zoho.setExchangeRate(orgId, 'EUR', '2020-01-01', 0.9);
    stack.zoho.setExchangeRate(orgId, 'EUR', day(-3), 0.8567);
    stack.zoho.setExchangeRate(orgId, 'EUR', day(2), 0.7);
    store = await FakeWooStore.start({ currency: 'EUR', timeZone: 'UTC', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
    mug = store.createProduct({ name: 'Mug', sku: 'MUG-EUR', regularPrice: '12.99' }).id;
    connectionId = await stack.connect(store, orgId, { paymentsSince: '2000-01-01T00:00:00', paymentAccountId: '460000000000358' });
  });

  after(async () => {
    await store?.stop();
    await stack?.stop();
  });

  const story = async (orderId: number) => (await stack.api('GET', `/api/connections/${connectionId}/orders/${orderId}`)).json as OrderStory;
  const invoiceFor = (order: WooOrder) => stack.zoho.invoices(orgId).find((invoice) => invoice.reference_number === order.number);
  const contactOf = (contactId: string) => stack.zoho.contacts(orgId).find((contact) => contact.contact_id === contactId)!;

  async function settled(orderId: number, state: string): Promise<OrderStory> {
    try {
      return await eventually(async () => {
        const current = await story(orderId);
        return current.state === state && everyEventNoted(current) && (state !== 'failed' || current.deadLetters.length > 0) ? current : undefined;
      }, 30_000, 100);
    } catch (error) {
      const current = await story(orderId);
      throw new Error(`order ${orderId} never ${state}: ${JSON.stringify({ state: current.state, reason: current.reason, audit: current.audit.map((e) => `${e.action}: ${e.message}`) })}`, { cause: error });
    }
  }

  const eurCurrencyId = () => stack.zoho.contacts(orgId).find((c) => c.currency_code === 'EUR')!.currency_id;

  /** A contact made by the owner in Zoho (through the Books API, with a token of its own). */
  async function ownerCreatesContact(body: Record<string, unknown>): Promise<string> {
    const client = stack.zoho.registerClient();
    const refreshToken = stack.zoho.issueRefreshToken(client.clientId, [orgId]);
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken });
    const token = (await (await fetch(`${stack.zoho.accountsUrl}/oauth/v2/token`, { method: 'POST', body: form })).json()) as { access_token: string };
    const res = await fetch(`${stack.zoho.apiDomain}/books/v3/contacts?organization_id=${orgId}`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { contact?: { contact_id: string } };
    assert.equal(res.status, 201, JSON.stringify(json));
    return json.contact!.contact_id;
  }

  /**
   * A guest's order of mugs, once settled: paid by card (its payment recorded) when it has a
   * transaction id, else a bank transfer on hold (its invoice synced).
   */
  async function guestOrder(firstName: string, lastName: string, quantity: number, card?: { transactionId: string }): Promise<WooOrder> {
    const billing = { first_name: firstName, last_name: lastName, email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@example.com`, country: 'DE' };
    const payment = card ? { paymentMethod: 'stripe', transactionId: card.transactionId } : { status: 'on-hold', paymentMethod: 'bacs' };
    const order = store.createOrder({ customer: { billing }, lineItems: [{ productId: mug, quantity }], ...payment });
    await store.flushDeliveries();
    if (card) await eventually(async () => {
      const current = await story(order.id);
      return current.payment?.state === 'recorded' && everyEventNoted(current);
    }, 30_000, 100);
    else await settled(order.id, 'synced');
    return order;
  }

  /** A customer who signs up in the store, and the contact that makes in Zoho: in the base currency. */
  async function signUp(firstName: string, lastName: string) {
    const email = `${firstName}.${lastName}@example.com`.toLowerCase();
    const customer = store.createCustomer({
      email,
      firstName,
      lastName,
      billing: { first_name: firstName, last_name: lastName, address_1: '1 Main St', city: 'Berlin', postcode: '10115', country: 'DE' },
    });
    await store.flushDeliveries();
    const signedUp = await eventually(async () => stack.zoho.contacts(orgId).find((c) => c.contact_persons.some((p) => p.email === email)), 30_000, 100);
    assert.equal(signedUp.currency_code, 'GBP', 'a customer event carries no currency: Zoho makes the contact in its base currency');
    return { customer, signedUp };
  }

  function assertEuroInvoice(order: WooOrder) {
    const invoice = invoiceFor(order)!;
    assert.ok(invoice, `order ${order.number} has its invoice`);
    assert.equal(invoice.currency_code, 'EUR');
    assert.equal(invoice.exchange_rate, 0.8567, "the rate in effect on the invoice's date, not a later or an older one");
    assert.equal(Decimal.from(String(invoice.total)).compare(order.total), 0, 'the EUR total is the order total, to the cent');
    assert.equal(contactOf(invoice.customer_id).currency_code, 'EUR');
    return invoice;
  }

  test('a guest order: a EUR contact, a EUR invoice at the day\'s rate, and its payment too', async () => {
    const order = await guestOrder('Eva', 'Euro', 3, { transactionId: 'ch_eur_1' });
    assertEuroInvoice(order);
    const created = (await story(order.id)).audit.find((entry) => entry.action === 'create-invoice');
    assert.match(created?.message ?? '', new RegExp(`order total ${order.total} EUR at 0\\.8567`), 'the story says the currency and rate');
    const record = await story(order.id);
    assert.deepEqual([record.exchangeRate, record.payment?.exchangeRate], ['0.8567', '0.8567'], 'the record keeps the rate of the invoice and of the payment');
    const [payment] = stack.zoho.payments(orgId).filter((p) => p.reference_number === `${order.number}-P`);
    assert.equal(payment.currency_code, 'EUR');
    assert.equal(payment.exchange_rate, 0.8567);
    assert.equal(Decimal.from(String(payment.amount)).compare(order.total), 0);
  });

  test("a registered customer's contact, made in the base currency at sign-up, is moved to EUR on the first order; the next order costs no contact call", async () => {
    const { customer, signedUp } = await signUp('Georg', 'Signup');

    const first = store.createOrder({ customer: customer.id, lineItems: [{ productId: mug, quantity: 1 }], status: 'on-hold', paymentMethod: 'bacs' });
    await store.flushDeliveries();
    await settled(first.id, 'synced');
    const invoice = assertEuroInvoice(first);
    assert.equal(invoice.customer_id, signedUp.contact_id, 'the same contact, now in EUR');
    assert.ok((await story(first.id)).audit.length > 0);

    await sleep(1_100);
    const mark = stack.zoho.mark();
    const second = store.createOrder({ customer: customer.id, lineItems: [{ productId: mug, quantity: 2 }], status: 'on-hold', paymentMethod: 'bacs' });
    await store.flushDeliveries();
    await settled(second.id, 'synced');
    assertEuroInvoice(second);
    const calls = stack.zoho.callsSince(mark).map((call) => `${call.method} ${call.path.replace(/\d{6,}/g, ':id')}`);
    assert.deepEqual(calls, ['POST /books/v3/invoices'], 'contact, currency and rate are all known: one call per order');
  });

  test("a replay dry run lists a contact's move to the order's currency; the retry makes it", async () => {
    const { customer, signedUp } = await signUp('Dora', 'Dryrun');
    // Zoho refuses the move this time (as it would a contact with transactions): the order fails, the contact stays in pounds.
    stack.zoho.faults.next(1_000, { status: 400, code: 4, message: 'The currency of a contact with transactions cannot be changed', match: { method: 'PUT', pathPrefix: '/contacts' } });
    let order: WooOrder;
    try {
      order = store.createOrder({ customer: customer.id, lineItems: [{ productId: mug, quantity: 1 }], status: 'on-hold', paymentMethod: 'bacs' });
      await store.flushDeliveries();
      await settled(order.id, 'failed');
    } finally {
      stack.zoho.faults.clear();
    }
    assert.equal(contactOf(signedUp.contact_id).currency_code, 'GBP');

    const mark = stack.zoho.mark();
    const dry = await stack.replay(connectionId, { fromSeq: Math.min(...(await story(order.id)).streamSeqs), resource: 'order', dryRun: true });
    const moves = dry.planned.filter((p: { action: string }) => p.action === 'change-contact-currency');
    assert.equal(moves.length, 1, JSON.stringify(dry.planned));
    assert.match(moves[0].message, /would change the currency of Zoho contact "Dora Dryrun" from GBP to EUR for order/);
    assert.deepEqual(stack.zoho.callsSince(mark).filter((call) => call.method !== 'GET'), [], 'a dry run writes nothing');
    assert.equal(contactOf(signedUp.contact_id).currency_code, 'GBP');

    assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`)).status, 202);
    await settled(order.id, 'synced');
    const invoice = assertEuroInvoice(order);
    assert.equal(invoice.customer_id, signedUp.contact_id, 'the retry moved the contact and booked the order to it');
  });

  test('a refund of a paid order: a EUR credit note and the money given back, both at the rate of the refund date', async () => {
    const order = await guestOrder('Rita', 'Refund', 2, { transactionId: 'ch_eur_refund' });
    await sleep(1_100); // a refund comes seconds after its order (snapshots of one second are told apart by content only)
    store.refundOrder(order.id, { amount: '5.00' });
    await store.flushDeliveries();
    await eventually(async () => ((await story(order.id)).creditNotes.some((c) => c.state === 'credited') ? true : undefined), 30_000, 100);
    const [note] = stack.zoho.creditNotes(orgId).filter((n) => n.reference_number?.startsWith(`${order.number}-R`));
    assert.equal(note.currency_code, 'EUR');
    assert.equal(note.exchange_rate, 0.8567);
    assert.deepEqual((await story(order.id)).creditNotes.map((c) => c.exchangeRate), ['0.8567'], "the refund's record keeps its credit note's rate");
    assert.equal(Decimal.from(String(note.total)).compare('5.00'), 0);
    const [given] = stack.zoho.creditNoteRefunds(orgId, note.creditnote_id);
    assert.equal(given.amount_fcy, 5);
    assert.equal(given.amount_bcy, 4.28, '5.00 EUR at 0.8567, in pounds (Zoho shows the refund in both)');
  });

  test('an invoice keeps the rate it was created with: an edit of the order later does not re-rate it', async () => {
    const order = await guestOrder('Karl', 'Keeprate', 1);
    const invoice = assertEuroInvoice(order);
    stack.zoho.setInvoiceExchangeRate(orgId, invoice.invoice_id, 0.8601); // the owner corrects it in Zoho
    await sleep(1_100);
    const edited = store.updateOrder(order.id, { lineItems: [{ productId: mug, quantity: 4 }] });
    await store.flushDeliveries();
    const updated = await eventually(async () => {
      const current = stack.zoho.invoices(orgId).find((i) => i.invoice_id === invoice.invoice_id)!;
      return Decimal.from(String(current.total)).compare(edited.total) === 0 ? current : undefined;
    }, 30_000, 100);
    assert.equal(updated.exchange_rate, 0.8601, 'the update sends no rate: the one on the invoice stays');
    const record = await eventually(async () => {
      const current = await story(order.id);
      return current.exchangeRate === '0.8601' ? current : undefined;
    }, 30_000, 100);
    assert.equal(record.state, 'synced', 'the record shows the rate the invoice holds, as Zoho answered the update');
  });

  test('without a rate in effect on the order date the order fails with what to do; once the owner adds one, a retry books it once', async () => {
    const pounds = stack.zoho.createOrganization({ name: 'Rateless Ltd', currencyCode: 'GBP', currencies: ['EUR'], taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
    stack.zoho.setExchangeRate(pounds, 'EUR', day(5), 0.8); // only a future rate
    const shop = await FakeWooStore.start({ currency: 'EUR', timeZone: 'UTC', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
    try {
      const cup = shop.createProduct({ name: 'Cup', sku: 'CUP-EUR', regularPrice: '4.50' }).id;
      const connection = await stack.connect(shop, pounds);
      const order = shop.createOrder({ customer: { billing: { first_name: 'Nora', last_name: 'Norate', email: 'nora@example.com', country: 'DE' } }, lineItems: [{ productId: cup, quantity: 1 }], status: 'on-hold', paymentMethod: 'bacs' });
      await shop.flushDeliveries();
      const orderStory = async () => (await stack.api('GET', `/api/connections/${connection}/orders/${order.id}`)).json as OrderStory;
      const failed = await eventually(async () => {
        const current = await orderStory();
        return current.state === 'failed' && current.deadLetters.length > 0 ? current : undefined;
      }, 30_000, 100);
      assert.match(failed.reason ?? '', new RegExp(`no EUR exchange rate in effect on ${order.date_created_gmt!.slice(0, 10)}; add one under Settings → Currencies → EUR`));
      assert.equal(stack.zoho.invoices(pounds).length, 0, 'nothing booked at a guessed rate');

      stack.zoho.setExchangeRate(pounds, 'EUR', day(-1), 0.8612);
      await sleep(10_500); // a missing rate is looked up again once the cached list is 10 s old
      assert.equal((await stack.api('POST', `/api/connections/${connection}/orders/${order.id}/retry`)).status, 202);
      const synced = await eventually(async () => ((await orderStory()).state === 'synced' ? true : undefined), 30_000, 100);
      assert.ok(synced);
      const invoices = stack.zoho.invoices(pounds);
      assert.equal(invoices.length, 1);
      assert.equal(invoices[0].exchange_rate, 0.8612);
    } finally {
      await shop.stop();
    }
  });

  test('a customer whose contact already has pound invoices (a second, GBP shop on the same books) is refused, not booked in pounds', async () => {
    const gbpShop = await FakeWooStore.start({ currency: 'GBP', timeZone: 'UTC', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
    try {
      const tea = gbpShop.createProduct({ name: 'Tea', sku: 'TEA-GBP', regularPrice: '3.20' }).id;
      const gbpConnection = await stack.connect(gbpShop, orgId);
      const billing = { first_name: 'Paul', last_name: 'Pound', email: 'paul.pound@example.com', country: 'GB' };
      const gbpOrder = gbpShop.createOrder({ customer: { billing }, lineItems: [{ productId: tea, quantity: 1 }], status: 'on-hold', paymentMethod: 'bacs' });
      await gbpShop.flushDeliveries();
      const gbpStory = await eventually(async () => {
        const current = (await stack.api('GET', `/api/connections/${gbpConnection}/orders/${gbpOrder.id}`)).json as OrderStory;
        return current.state === 'synced' ? current : undefined;
      }, 30_000, 100);
      // Both shops number their orders alike, so the invoice is found by the id its record names.
      const gbpInvoice = stack.zoho.invoices(orgId).find((invoice) => invoice.invoice_id === gbpStory.invoice?.id)!;
      assert.equal(gbpInvoice.currency_code, 'GBP');
      assert.equal(gbpInvoice.exchange_rate, 1);
      assert.equal(gbpStory.exchangeRate, null, 'a base-currency invoice has no rate to show');

      const order = store.createOrder({ customer: { billing: { ...billing, country: 'DE' } }, lineItems: [{ productId: mug, quantity: 1 }], status: 'on-hold', paymentMethod: 'bacs' });
      await store.flushDeliveries();
      const failed = await settled(order.id, 'failed');
      assert.match(failed.reason ?? '', /the order is in EUR, but its customer's Zoho contact "Paul Pound" is in GBP and already has transactions/);
      assert.equal(failed.invoice, null, 'no euro amounts booked as pounds');
      assert.equal(stack.zoho.invoices(orgId).filter((invoice) => invoice.customer_id === gbpInvoice.customer_id).length, 1);
      assert.equal(contactOf(gbpInvoice.customer_id).currency_code, 'GBP', 'the contact is left as it was');

      // As the reason says: the owner adds a EUR contact with the customer's email in Zoho and retries.
      const eurContactId = await ownerCreatesContact({ contact_name: 'Paul Pound (EUR)', currency_id: eurCurrencyId(), contact_persons: [{ first_name: 'Paul', last_name: 'Pound', email: billing.email, is_primary_contact: true }] });
      assert.equal((await stack.api('POST', `/api/connections/${connectionId}/orders/${order.id}/retry`)).status, 202);
      const booked = await settled(order.id, 'synced');
      const invoice = stack.zoho.invoices(orgId).find((i) => i.invoice_id === booked.invoice?.id)!;
      assert.deepEqual([invoice.customer_id, invoice.currency_code, invoice.exchange_rate], [eurContactId, 'EUR', 0.8567]);
    } finally {
      await gbpShop.stop();
    }
  });
});
