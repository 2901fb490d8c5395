import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal } from '@connector/accounting';
import type { WooOrder } from '@connector/contracts';
import { FakeWooStore } from '@connector/sandbox';
import { eventually } from '@connector/testing';
import { everyEventNoted, OrderStoryBase, Stack } from './stack';

/**
 * Two WooCommerce stores booking into one Zoho organization (a shop and its wholesale twin, or an
 * old and a new store during a move). Their order numbers overlap, so the references Connector
 * searches by after a lost create (`<order number>`, `-P`) find the other store's documents too:
 * only one Zoho made for this order since its claim, held by no record, may be adopted.
 */
describe('two stores, one Zoho organization', () => {
  let stack: Stack;
  let orgId: string;
  const stores: FakeWooStore[] = [];
  const connections: string[] = [];
  const mugs: number[] = [];

  before(async () => {
    stack = await Stack.start();
    orgId = stack.zoho.createOrganization({ name: 'Twin Shops Ltd', currencyCode: 'EUR', taxes: [{ name: 'VAT 19', percentage: 19 }] }).organization_id;
    for (const name of ['Retail', 'Wholesale']) {
      // Built alike, so their orders are numbered alike.
      const store = await FakeWooStore.start({ currency: 'EUR', timeZone: 'Europe/Berlin', taxRates: [{ id: 1, rate: '19.0000', label: 'VAT', shipping: true }] });
      mugs.push(store.createProduct({ name: 'Mug', sku: 'MUG-TWIN', regularPrice: name === 'Retail' ? '12.99' : '9.99' }).id);
      stores.push(store);
      connections.push(await stack.connect(store, orgId, { paymentsSince: '2000-01-01T00:00:00' }));
    }
  });

  after(async () => {
    for (const store of stores) await store.stop();
    await stack?.stop();
  });

  async function paidOrder(index: number, email: string): Promise<WooOrder> {
    const order = stores[index]!.createOrder({
      customer: { billing: { first_name: 'Tess', last_name: 'Twin', email, country: 'DE' } },
      lineItems: [{ productId: mugs[index]!, quantity: 2 }],
      paymentMethod: 'bacs',
      paymentMethodTitle: 'Direct bank transfer',
    });
    await stores[index]!.flushDeliveries();
    return order;
  }

  const story = async (index: number, order: WooOrder) =>
    (await stack.api('GET', `/api/connections/${connections[index]}/orders/${order.id}`)).json as OrderStoryBase & {
      invoice: { id: string; status: string | null } | null;
      payment: { state: string; paymentId: string | null } | null;
    };

  /** The order's story once its invoice is synced and its payment recorded. */
  async function settled(index: number, order: WooOrder) {
    const record = await stack.settledOrder(connections[index]!, order.id);
    assert.equal(record.state, 'synced', `store ${index} order ${order.id}: ${record.reason}`);
    return eventually(async () => {
      const current = await story(index, order);
      return current.payment?.state === 'recorded' && everyEventNoted(current) ? current : undefined;
    }, 30_000, 100);
  }

  test("a create that failed before Zoho made anything is retried as a create: the other store's invoice and payment of the same number are not adopted", async () => {
    const retail = await paidOrder(0, 'tess@example.com');
    const first = await settled(0, retail);

    // The wholesale store's order has the same number; Zoho answers its first invoice and payment
    // calls with a 503, so each is retried from the `creating` claim, which searches by reference.
    stack.zoho.faults.next(1, { status: 503, message: 'Service temporarily unavailable', match: { method: 'POST', pathPrefix: '/invoices' } });
    stack.zoho.faults.next(1, { status: 503, message: 'Service temporarily unavailable', match: { method: 'POST', pathPrefix: '/customerpayments' } });
    const wholesale = await paidOrder(1, 'tess@example.com');
    assert.equal(wholesale.number, retail.number, 'the two stores number their orders alike');
    const second = await settled(1, wholesale);

    assert.notEqual(second.invoice!.id, first.invoice!.id, "the wholesale order has its own invoice, not the retail store's");
    const invoices = stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === retail.number);
    assert.equal(invoices.length, 2);
    for (const [order, current] of [[retail, first], [wholesale, second]] as const) {
      const invoice = invoices.find((i) => i.invoice_id === current.invoice!.id)!;
      assert.equal(Decimal.from(String(invoice.total)).compare(order.total), 0, 'each invoice is its own order, to the cent');
      assert.equal(invoice.status, 'paid');
    }
    const payments = stack.zoho.payments(orgId).filter((payment) => payment.reference_number === `${retail.number}-P`);
    assert.equal(payments.length, 2, 'a payment each');
    assert.notEqual(second.payment!.paymentId, first.payment!.paymentId);
    assert.deepEqual(payments.map((p) => Decimal.from(String(p.amount)).toString()).sort(), [retail.total, wholesale.total].map((t) => Decimal.from(t).toString()).sort());
  });

  test("a create whose answer was lost is adopted (the one Zoho made since the claim), not the other store's older invoice of the same number", async () => {
    const retail = await paidOrder(0, 'lou@example.com');
    const first = await settled(0, retail);
    stack.zoho.faults.loseResponseAfterCommit({ method: 'POST', pathPrefix: '/invoices' }, 1);
    const wholesale = await paidOrder(1, 'lou@example.com');
    assert.equal(wholesale.number, retail.number);
    const second = await settled(1, wholesale);
    const invoices = stack.zoho.invoices(orgId).filter((invoice) => invoice.reference_number === retail.number);
    assert.equal(invoices.length, 2, 'the lost one adopted, none made twice');
    assert.notEqual(second.invoice!.id, first.invoice!.id);
    const adopted = invoices.find((invoice) => invoice.invoice_id === second.invoice!.id)!;
    assert.equal(Decimal.from(String(adopted.total)).compare(wholesale.total), 0);
    assert.equal(adopted.status, 'paid');
  });
});
