'use strict';
/**
 * Order deliveries for the bench.
 * - Intake: the WooCommerce docs' order (shared/fixtures/woocommerce/order.json), re-numbered and
 *   re-dated per request so no two are deduplicated, encoded as PHP's json_encode would.
 * - Pipeline: a fake store (FakeWooStore) placing real orders for known or new customers and
 *   products, each delivered as order.created (+ order.updated, as a paid checkout fires both).
 */
const fs = require('node:fs');
const { randomBytes } = require('node:crypto');
const { FakeWooStore, phpJsonEncode } = require('@connector/sandbox');
const { connect, createOrganization, deliveryRequest } = require('./stack');

/** JSON.stringify output escaped like PHP json_encode's defaults (`\/`, `\uXXXX`). */
function phpEscape(json) {
  return json.replace(/\//g, '\\/').replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The order template for intake: the fixture when present, else an order from a fake store. */
async function intakeTemplate(fixturePath) {
  if (fs.existsSync(fixturePath)) {
    return { order: JSON.parse(fs.readFileSync(fixturePath, 'utf8')), source: 'shared/fixtures/woocommerce/order.json' };
  }
  const store = await FakeWooStore.start({ taxRates: [{ id: 1, rate: '20.0000', label: 'VAT', shipping: true }] });
  try {
    const a = store.createProduct({ name: 'Mug', sku: 'MUG-1', regularPrice: '12.99' }).id;
    const b = store.createProduct({ name: 'Book', sku: 'BOOK-1', regularPrice: '9.95' }).id;
    const order = store.createOrder({
      customer: { billing: { first_name: 'John', last_name: 'Doe', email: 'john.doe@example.com', country: 'US', address_1: '969 Market', city: 'San Francisco', postcode: '94103' } },
      lineItems: [{ productId: a, quantity: 2 }, { productId: b, quantity: 1 }],
      shippingLines: [{ methodTitle: 'Flat rate', cost: '10.00', taxable: true }],
    });
    return { order: JSON.parse(phpJsonEncode(order)), source: 'FakeWooStore order (fixture not found)' };
  } finally {
    await store.stop();
  }
}

function gmt(ms) {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Body i of the intake run: a distinct order id, number, key and modification time. */
function intakeBody(template, id, baseMs) {
  const order = { ...template, id, number: String(id), order_key: `wc_order_${randomBytes(6).toString('hex')}` };
  const at = baseMs + id * 1000;
  order.date_created = order.date_created_gmt = gmt(at - 60_000);
  order.date_modified = order.date_modified_gmt = gmt(at);
  order.date_paid = order.date_paid_gmt = gmt(at);
  return Buffer.from(phpEscape(JSON.stringify(order)));
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Linus', 'Zoë', 'José'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Torvalds', "O'Brien", 'Müller'];

/**
 * A fake store connected to its own Zoho organization, with a catalogue and registered
 * customers, that places orders of three kinds:
 * - `repeat`: a known customer buying 1–3 known products (with taxed shipping);
 * - `new-customer`: a first-time guest (new email) buying known products;
 * - `new-sku`: a known customer buying a product that did not exist before, plus a known one.
 */
class BenchShop {
  static async create(stack, { name, perMinute, customers = 10, products = 10 }) {
    const shop = new BenchShop();
    shop.stack = stack;
    shop.name = name;
    shop.store = await FakeWooStore.start({
      currency: 'USD',
      timeZone: 'Europe/Berlin',
      taxRates: [{ id: 1, rate: '20.0000', label: 'VAT', shipping: true }],
    });
    // The bench sends every delivery itself (signed, timed). token-service's reconciliation sweep
    // registers the store's webhooks when it finds none; the store would then deliver each order
    // too, whenever it likes. Its queue stays paused, so the bench is the only sender.
    shop.store.pauseDeliveries();
    shop.orgId = createOrganization(stack.zoho, { name, perMinute });
    shop.products = [];
    for (let i = 0; i < products; i++) {
      shop.products.push(shop.store.createProduct({ name: `${name} product ${i}`, sku: `${slug(name)}-P${i}`, regularPrice: (4.99 + i * 1.37).toFixed(2) }).id);
    }
    shop.customers = [];
    for (let i = 0; i < customers; i++) shop.customers.push(shop.newRegisteredCustomer(i));
    shop.newSkus = 0;
    shop.newGuests = 0;
    shop.connectionId = await connect(stack, shop.store, shop.orgId, `bench ${name}`);
    shop.secret = stack.webhookSecrets.get(shop.connectionId);
    shop.seq = 0;
    return shop;
  }

  newRegisteredCustomer(i) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    return this.store.createCustomer({
      email: `${slug(first)}.${slug(last)}.${i}@${slug(this.name)}.example`,
      firstName: first,
      lastName: last,
      billing: { first_name: first, last_name: last, address_1: `${i + 1} Main St`, city: 'Berlin', postcode: '10115', country: 'DE', phone: '+49 30 1234567' },
    }).id;
  }

  pick(list) {
    return list[Math.floor(Math.random() * list.length)];
  }

  knownLines(count) {
    const lines = [];
    const used = new Set();
    while (lines.length < count) {
      const productId = this.pick(this.products);
      if (used.has(productId)) continue;
      used.add(productId);
      lines.push({ productId, quantity: 1 + Math.floor(Math.random() * 3) });
    }
    return lines;
  }

  /** Places one order of `kind` in the store and returns it. */
  place(kind) {
    const shipping = [{ methodTitle: 'Flat rate', cost: '4.90', taxable: true }];
    if (kind === 'repeat') {
      return this.store.createOrder({ customer: this.pick(this.customers), lineItems: this.knownLines(1 + Math.floor(Math.random() * 3)), shippingLines: shipping });
    }
    if (kind === 'new-customer') {
      const n = this.newGuests++;
      return this.store.createOrder({
        customer: { billing: { first_name: FIRST[n % FIRST.length], last_name: `Guest${n}`, email: `guest-${n}-${randomBytes(3).toString('hex')}@${slug(this.name)}.example`, country: 'US', address_1: '969 Market', city: 'San Francisco', postcode: '94103' } },
        lineItems: this.knownLines(1 + (n % 2)),
        shippingLines: shipping,
      });
    }
    if (kind === 'new-sku') {
      const n = this.newSkus++;
      const productId = this.store.createProduct({ name: `${this.name} new item ${n}`, sku: `${slug(this.name)}-NEW${n}`, regularPrice: (7.5 + n).toFixed(2) }).id;
      return this.store.createOrder({ customer: this.pick(this.customers), lineItems: [{ productId, quantity: 1 }, ...this.knownLines(1)], shippingLines: shipping });
    }
    throw new Error(`unknown order kind ${kind}`);
  }

  /** The webhook deliveries a paid checkout of this order produces, signed for the connection. */
  deliveries(order, bothTopics = true) {
    const body = Buffer.from(phpJsonEncode(this.store.getOrder(order.id)));
    const topics = bothTopics ? ['order.created', 'order.updated'] : ['order.created'];
    return topics.map((topic) => deliveryRequest(this.connectionId, this.secret, topic, body));
  }

  /**
   * customer.created for every registered customer, as the store sends them when they sign up
   * (without them token-service's reconciliation sweep would find the customers missing and feed
   * them in later, in the middle of a measurement).
   */
  customerDeliveries() {
    return this.store.customers().map((customer) => deliveryRequest(this.connectionId, this.secret, 'customer.created', Buffer.from(phpJsonEncode(customer))));
  }

  /** One warm-up order per customer covering every product: afterwards all are known and linked. */
  warmupOrders() {
    const orders = [];
    for (let i = 0; i < this.customers.length; i++) {
      const lines = [];
      for (let p = i; p < this.products.length; p += this.customers.length) lines.push({ productId: this.products[p], quantity: 1 });
      if (lines.length === 0) lines.push({ productId: this.products[i % this.products.length], quantity: 1 });
      orders.push(this.store.createOrder({ customer: this.customers[i], lineItems: lines, shippingLines: [{ methodTitle: 'Flat rate', cost: '4.90', taxable: true }] }));
    }
    return orders;
  }

  async stop() {
    await this.store.stop();
  }
}

function slug(text) {
  return text.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '').toLowerCase().slice(0, 20) || 'x';
}

module.exports = { phpEscape, intakeTemplate, intakeBody, BenchShop };
