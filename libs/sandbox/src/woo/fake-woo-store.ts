import { AbortableSleeps } from '../http/abortable-sleep';
import { FaultPlan } from '../http/fault-plan';
import { startHttpServer, type RunningHttpServer } from '../http/http-server';
import { randomFrom, randomHex } from '../http/random-tokens';
import { assertTimeZone } from '../time/zoned-time';
import { customerJson } from './customer-json';
import { applyComposition, billingFrom, buildOrder, PAID_STATUSES, shippingFrom, toEpochMs } from './order-builder';
import { orderJson } from './order-json';
import { buildRefund } from './order-refunds';
import { productJson, variationJson } from './product-json';
import { refundJson } from './refund-json';
import { WooRestServer, type WooRequestRecord } from './rest-server';
import { applyCustomerPatch, applyProductFields, customerRecord, simpleProduct, variableProduct } from './store-catalog';
import type {
  FakeCustomerInput,
  FakeCustomerPatch,
  FakeOrderInput,
  FakeOrderPatch,
  FakeProductInput,
  FakeRefundInput,
  FakeVariableProductInput,
} from './store-inputs';
import type { ApiKeyRecord, OrderRecord, ProductRecord, RefundRecord, WebhookRecord, WooKeyPermissions, WooUserRole } from './store-records';
import { WooStoreState } from './store-state';
import type { WooTaxRateInput } from './tax-rates';
import { WebhookDispatcher, type DeliveryRecord, type PingRecord } from './webhook-dispatcher';
import { defaultWebhookName, webhookJson } from './webhook-json';
import { webhookPayload } from './webhook-payload';
import { isValidTopic } from './webhook-topics';
import { assertWooVersion, DEFAULT_WOO_VERSION, REFUND_DELETION_WEBHOOK_SINCE, REFUND_TOUCHES_ORDER_SINCE, wooVersionAtLeast } from './woo-version';
import type { WooCustomer, WooOrder, WooProduct, WooRefund, WooVariation, WooWebhookState } from './woo-json-types';

export interface FakeWooOptions {
  port?: number;
  host?: string;
  /** IANA time zone of the site (site-local dates). Default UTC. */
  timeZone?: string;
  /** Store currency. Default USD. */
  currency?: string;
  /** Price decimals (woocommerce_price_num_decimals). Default 2. */
  decimals?: number;
  /** Prices entered including tax. Default false. */
  pricesIncludeTax?: boolean;
  /** Tax rates applied to orders (default none). */
  taxRates?: WooTaxRateInput[];
  /** Clock (default Date.now): dates, OAuth timestamps. */
  now?: () => number;
  /**
   * Treat `X-Forwarded-Proto: https` as HTTPS (`is_ssl()`, so Basic auth is honoured), as a
   * wp-config that sets HTTPS=on behind a TLS-terminating proxy does. Default true; false is a
   * proxy or load balancer without HTTPS=on: WordPress sees plain http and only OAuth works.
   */
  trustForwardedProto?: boolean;
  /**
   * Like Apache running PHP as CGI/FastCGI without the rewrite rule that passes it on: PHP never
   * sees the `Authorization` header, so neither Basic nor `Authorization: OAuth` reaches
   * WooCommerce. Default false.
   */
  stripAuthorizationHeader?: boolean;
  /**
   * The address the site knows itself by (WordPress's home option): links, the webhook source and
   * the OAuth 1.0a base string use it. An origin such as `https://shop.test` for a store reached
   * through a TLS-terminating proxy that forwards to `serverUrl`. Default: `serverUrl`.
   */
  homeUrl?: string;
  /** `woocommerce_max_webhook_delivery_failures` (default 5 → the 7th failure disables). */
  maxDeliveryFailures?: number;
  /** Webhook delivery timeout (default 60000 ms). */
  deliveryTimeoutMs?: number;
  /** Ping timeout (default 5000 ms). */
  pingTimeoutMs?: number;
  /** Delay before queued deliveries run (default 0). */
  deliveryDelayMs?: number;
  /** Deliveries in flight at once (default 1). */
  deliveryConcurrency?: number;
  /** Refuse loopback/private delivery URLs like wp_safe_remote_post (default false). */
  rejectUnsafeUrls?: boolean;
  /**
   * WooCommerce version in `version` fields and the User-Agent (default 11.3.0). Behaviour follows
   * it: before 11.2, deleting a refund fires no webhook.
   */
  wooVersion?: string;
  /** WordPress version in the User-Agent (default 6.8). */
  wpVersion?: string;
  /**
   * Serve the control endpoints (for the CLI): `POST /__sandbox/orders` (a sample order),
   * `POST /__sandbox/orders/{id}/refunds` (body: FakeRefundInput as JSON) and
   * `DELETE /__sandbox/orders/{id}/refunds/{refundId}`. Default false.
   */
  controlApi?: boolean;
}

export interface DeliverOptions {
  /** Which webhook (default: every webhook on the topic gets one; the first record is returned). */
  webhookId?: number;
  /** Send this body instead of the current payload. */
  body?: string;
  /** Sign with this secret instead of the webhook's (to test signature checks). */
  secret?: string;
}

export type { DeliveryRecord, PingRecord, WooRequestRecord };

const WEBHOOK_SECRET_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|';

/**
 * A fake WooCommerce store: the REST API v3 (with WooCommerce's authentication), webhooks with
 * WooCommerce's delivery semantics, and a programmatic catalogue/order API whose changes fire
 * the webhooks a real store would fire. See libs/sandbox/README.md.
 */
export class FakeWooStore {
  readonly faults = new FaultPlan();
  private readonly state: WooStoreState;
  private readonly dispatcher: WebhookDispatcher;
  private readonly rest: WooRestServer;
  private readonly sleeps = new AbortableSleeps();
  private server?: RunningHttpServer;
  private defaultKey!: { consumerKey: string; consumerSecret: string };
  private sampleOrderFactory?: () => FakeOrderInput;
  /** WooCommerce fires order.updated on refund deletion since 11.2; older versions fire nothing (#26532 / #30022). */
  private readonly refundDeletionFiresWebhook: boolean;
  /** A partial refund moves the order's date_modified since WooCommerce 7.6 (PR #37047); a full one always did. */
  private readonly refundTouchesOrder: boolean;

  private constructor(options: FakeWooOptions) {
    const timeZone = options.timeZone ?? 'UTC';
    assertTimeZone(timeZone);
    const now = options.now ?? Date.now;
    const wooVersion = options.wooVersion ?? DEFAULT_WOO_VERSION;
    assertWooVersion(wooVersion);
    this.refundDeletionFiresWebhook = wooVersionAtLeast(wooVersion, REFUND_DELETION_WEBHOOK_SINCE);
    this.refundTouchesOrder = wooVersionAtLeast(wooVersion, REFUND_TOUCHES_ORDER_SINCE);
    this.state = new WooStoreState(
      {
        siteUrl: '',
        timeZone,
        currency: (options.currency ?? 'USD').toUpperCase(),
        decimals: options.decimals ?? 2,
        pricesIncludeTax: options.pricesIncludeTax ?? false,
        taxRates: options.taxRates ?? [],
        wooVersion,
        wpVersion: options.wpVersion ?? '6.8',
      },
      now,
    );
    this.dispatcher = new WebhookDispatcher(
      {
        maxDeliveryFailures: options.maxDeliveryFailures ?? 5,
        deliveryTimeoutMs: options.deliveryTimeoutMs ?? 60_000,
        pingTimeoutMs: options.pingTimeoutMs ?? 5_000,
        deliveryDelayMs: options.deliveryDelayMs ?? 0,
        deliveryConcurrency: options.deliveryConcurrency ?? 1,
        rejectUnsafeUrls: options.rejectUnsafeUrls ?? false,
        userAgent: `WooCommerce/${this.state.settings.wooVersion} Hookshot (WordPress/${this.state.settings.wpVersion})`,
        sourceUrl: '',
      },
      {
        webhooks: this.state.webhooks,
        payload: (topic, id) => webhookPayload(this.state, topic, id, (product) => this.productView(product)),
        now,
        saved: (webhook) => this.webhookSaved(webhook, false),
      },
    );
    this.rest = new WooRestServer(this, this.state, this.faults, this.sleeps, {
      trustForwardedProto: options.trustForwardedProto ?? true,
      stripAuthorizationHeader: options.stripAuthorizationHeader ?? false,
      controlApi: options.controlApi ?? false,
    });
  }

  static async start(options: FakeWooOptions = {}): Promise<FakeWooStore> {
    const homeUrl = options.homeUrl === undefined ? undefined : siteOrigin(options.homeUrl);
    const store = new FakeWooStore(options);
    store.server = await startHttpServer(store.rest.handle, { port: options.port ?? 0, host: options.host });
    store.state.settings.siteUrl = homeUrl ?? store.server.url;
    store.dispatcher.settings.sourceUrl = `${store.state.settings.siteUrl}/`;
    store.defaultKey = store.createKey('read_write');
    return store;
  }

  // ---- site ---------------------------------------------------------------------------------

  /** Site URL (home), e.g. `http://127.0.0.1:41003`; REST base = url + '/wp-json/wc/v3'. */
  get url(): string {
    return this.state.settings.siteUrl;
  }

  /** Where the fake listens; the same as `url` unless `homeUrl` puts a proxy's address there. */
  get serverUrl(): string {
    return this.server!.url;
  }

  get restBase(): string {
    return `${this.url}/wp-json/wc/v3`;
  }

  /** The default key (read_write, administrator). */
  get consumerKey(): string {
    return this.defaultKey.consumerKey;
  }

  get consumerSecret(): string {
    return this.defaultKey.consumerSecret;
  }

  get timeZone(): string {
    return this.state.settings.timeZone;
  }

  get currency(): string {
    return this.state.settings.currency;
  }

  get decimals(): number {
    return this.state.settings.decimals;
  }

  get pricesIncludeTax(): boolean {
    return this.state.settings.pricesIncludeTax;
  }

  get taxRates(): WooTaxRateInput[] {
    return this.state.settings.taxRates.map((r) => ({ ...r }));
  }

  /** Every REST request the store answered (credentials removed). */
  get requests(): WooRequestRecord[] {
    return this.rest.requests;
  }

  /**
   * A new API key (`ck_`/`cs_` + 40 hex). `role` is the WordPress role of its user:
   * administrator/shop_manager may do everything, a customer's key gets 403s.
   */
  createKey(permissions: WooKeyPermissions, options: { role?: WooUserRole } = {}): { consumerKey: string; consumerSecret: string } {
    const key: ApiKeyRecord = {
      keyId: this.state.nextKeyId(),
      consumerKey: `ck_${randomHex(40)}`,
      consumerSecret: `cs_${randomHex(40)}`,
      permissions,
      userId: 1,
      role: options.role ?? 'administrator',
      nonces: new Map(),
    };
    this.state.keys.set(key.consumerKey, key);
    return { consumerKey: key.consumerKey, consumerSecret: key.consumerSecret };
  }

  revokeKey(consumerKey: string): void {
    this.state.keys.delete(consumerKey);
  }

  // ---- catalogue ----------------------------------------------------------------------------

  createProduct(input: FakeProductInput): WooProduct {
    const product = simpleProduct(this.state, input);
    this.state.products.set(product.id, product);
    this.emit('product.created', product.id);
    if (product.status === 'publish') this.emit('product.published', product.id);
    return this.productView(product);
  }

  createVariableProduct(input: FakeVariableProductInput): { parent: WooProduct; variations: WooVariation[] } {
    const { parent, variations } = variableProduct(this.state, input);
    this.state.products.set(parent.id, parent);
    for (const variation of variations) this.state.products.set(variation.id, variation);
    this.emit('product.created', parent.id);
    for (const variation of variations) this.emit('product.created', variation.id);
    if (parent.status === 'publish') this.emit('product.published', parent.id);
    return {
      parent: this.productView(parent),
      variations: variations.map((v) => variationJson(this.state.view(), v, parent) as unknown as WooVariation),
    };
  }

  updateProduct(id: number, patch: Partial<FakeProductInput>): WooProduct {
    const product = this.productRecord(id);
    applyProductFields(this.state, product, patch);
    product.modifiedAt = this.state.nowSeconds();
    this.emit('product.updated', product.id);
    return this.productView(product);
  }

  /** Moves a product to the trash (fires product.deleted). */
  trashProduct(id: number): void {
    const product = this.productRecord(id);
    if (product.status === 'trash') return;
    product.statusBeforeTrash = product.status;
    product.status = 'trash';
    product.modifiedAt = this.state.nowSeconds();
    this.emit('product.deleted', product.id);
  }

  restoreProduct(id: number): WooProduct {
    const product = this.productRecord(id);
    product.status = product.statusBeforeTrash ?? 'draft';
    product.modifiedAt = this.state.nowSeconds();
    this.emit('product.restored', product.id);
    return this.productView(product);
  }

  products(): WooProduct[] {
    return [...this.state.products.values()].filter((p) => p.type !== 'variation').map((p) => this.productView(p));
  }

  getProduct(id: number): WooProduct {
    return this.productView(this.productRecord(id));
  }

  createCustomer(input: FakeCustomerInput): WooCustomer {
    const customer = customerRecord(this.state, input);
    this.state.customers.set(customer.id, customer);
    this.emit('customer.created', customer.id);
    return customerJson(this.state.view(), customer) as unknown as WooCustomer;
  }

  updateCustomer(id: number, patch: FakeCustomerPatch): WooCustomer {
    const customer = this.state.customers.get(id);
    if (!customer) throw new Error(`no customer ${id}`);
    applyCustomerPatch(customer, patch);
    customer.modifiedAt = this.state.nowSeconds();
    this.emit('customer.updated', customer.id);
    return customerJson(this.state.view(), customer) as unknown as WooCustomer;
  }

  /** Deletes a customer (fires customer.deleted with `{"id":N}`). */
  deleteCustomer(id: number): void {
    if (!this.state.customers.delete(id)) throw new Error(`no customer ${id}`);
    this.emit('customer.deleted', id);
  }

  customers(): WooCustomer[] {
    return [...this.state.customers.values()].map((c) => customerJson(this.state.view(), c) as unknown as WooCustomer);
  }

  // ---- orders -------------------------------------------------------------------------------

  /**
   * Places an order with WooCommerce's arithmetic (README: "WooCommerce order math"). A paid
   * checkout fires order.created and order.updated (payment completed in the same request);
   * `checkout-draft` fires only order.updated; `draft`/`auto-draft` fire nothing.
   */
  createOrder(input: FakeOrderInput): WooOrder {
    const order = buildOrder(this.state, input);
    this.state.orders.set(order.id, order);
    if (order.status === 'checkout-draft') {
      this.emit('order.updated', order.id);
    } else {
      this.emit('order.created', order.id);
      if (order.status !== 'pending') this.emit('order.updated', order.id);
    }
    this.markPayingCustomer(order);
    return this.getOrder(order.id);
  }

  /** Changes an order (status transitions set date_paid / date_completed) and fires order.updated. */
  updateOrder(id: number, patch: FakeOrderPatch): WooOrder {
    const order = this.orderRecord(id);
    const previousStatus = order.status;
    const at = toEpochMs(patch.dateModified, this.state.nowSeconds());
    if (patch.status !== undefined) this.setOrderStatus(order, patch.status, at);
    if (patch.customerNote !== undefined) order.customerNote = patch.customerNote;
    if (patch.billing !== undefined) order.billing = billingFrom({ ...order.billing, ...patch.billing });
    if (patch.shipping !== undefined) order.shipping = shippingFrom({ ...order.shipping, ...patch.shipping });
    if (patch.transactionId !== undefined) order.transactionId = patch.transactionId;
    if (patch.paymentMethod !== undefined) order.paymentMethod = patch.paymentMethod;
    if (patch.paymentMethodTitle !== undefined) order.paymentMethodTitle = patch.paymentMethodTitle;
    if (patch.metaData !== undefined) this.upsertMeta(order, patch.metaData);
    if (patch.lineItems || patch.coupons || patch.fees || patch.shippingLines) {
      applyComposition(this.state, order, {
        ...order.composition,
        ...(patch.lineItems && { lineItems: patch.lineItems }),
        ...(patch.coupons && { coupons: patch.coupons }),
        ...(patch.fees && { fees: patch.fees }),
        ...(patch.shippingLines && { shippingLines: patch.shippingLines }),
      });
    }
    order.modifiedAt = at;
    // Leaving checkout-draft is when WooCommerce fires woocommerce_new_order (PR #47422).
    if (previousStatus === 'checkout-draft' && order.status !== 'checkout-draft') this.emit('order.created', order.id);
    this.emit('order.updated', order.id);
    this.markPayingCustomer(order);
    return this.getOrder(order.id);
  }

  /** Moves an order to the trash (fires order.deleted with `{"id":N}`). */
  trashOrder(id: number): void {
    const order = this.orderRecord(id);
    if (order.status === 'trash') return;
    order.statusBeforeTrash = order.status;
    order.status = 'trash';
    order.modifiedAt = this.state.nowSeconds();
    this.emit('order.deleted', order.id);
  }

  restoreOrder(id: number): WooOrder {
    const order = this.orderRecord(id);
    order.status = order.statusBeforeTrash ?? 'pending';
    order.modifiedAt = this.state.nowSeconds();
    this.emit('order.restored', order.id);
    return this.getOrder(order.id);
  }

  /** Deletes an order permanently: like WooCommerce, this fires no webhook. */
  deleteOrder(id: number): void {
    this.orderRecord(id);
    this.state.orders.delete(id);
  }

  /**
   * Records a refund as WooCommerce's wc_create_refund() does (rules: order-refunds.ts): by amount only
   * (`{ amount }`), or itemized with `lineItems` / `shippingLines` / `feeLines` (defaults as on the
   * admin "Refund" screen, see FakeRefundInput); `amount` defaults to the lines' sum and, when
   * given, takes precedence. Fires order.updated; a full refund sets status `refunded`. The
   * order's date_modified moves on a full refund, and on a partial one only when the store is
   * WooCommerce 7.6 or later (REFUND_TOUCHES_ORDER_SINCE).
   * Throws an Error (and changes nothing) for an unknown line, more units than remain
   * unrefunded on a line, an amount ≤ 0 or above what remains unrefunded of the order.
   * Returns the order; the new refund is `refunds[0]` (see getRefund / refunds).
   */
  refundOrder(id: number, refund: FakeRefundInput): WooOrder {
    const order = this.orderRecord(id);
    const built = buildRefund(this.state, order, refund);
    order.refunds.unshift(built.refund);
    if (built.fullyRefunded) order.status = 'refunded';
    if (built.fullyRefunded || this.refundTouchesOrder) order.modifiedAt = this.state.nowSeconds();
    this.emit('order.updated', id);
    return this.getOrder(id);
  }

  /**
   * Deletes a refund (admin "Delete refund" / REST DELETE) and fires order.updated, as
   * WooCommerce ≥ 11.2 does (`woocommerce_delete_order_refund`; the payload is the order without
   * the refund). A store whose `wooVersion` is older than 11.2 fires nothing, as those versions
   * did. The order's status stays as it is (a `refunded` order stays `refunded`) and its
   * date_modified does not change.
   */
  deleteRefund(orderId: number, refundId: number): WooOrder {
    const order = this.orderRecord(orderId);
    const index = order.refunds.findIndex((r) => r.id === refundId);
    if (index === -1) throw new Error(`order ${orderId} has no refund ${refundId}`);
    order.refunds.splice(index, 1);
    if (this.refundDeletionFiresWebhook) this.emit('order.updated', orderId);
    return this.getOrder(orderId);
  }

  /** The order's refunds as GET /orders/{id}/refunds shows them (plain JSON values), newest first. */
  refunds(orderId: number): WooRefund[] {
    return this.orderRecord(orderId).refunds.map((r) => this.refundView(r));
  }

  getRefund(orderId: number, refundId: number): WooRefund {
    const refund = this.orderRecord(orderId).refunds.find((r) => r.id === refundId);
    if (!refund) throw new Error(`order ${orderId} has no refund ${refundId}`);
    return this.refundView(refund);
  }

  private refundView(refund: RefundRecord): WooRefund {
    return JSON.parse(JSON.stringify(refundJson(this.state.view(), refund))) as WooRefund;
  }

  orders(): WooOrder[] {
    return [...this.state.orders.values()].map((o) => orderJson(this.state.view(), o) as unknown as WooOrder);
  }

  getOrder(id: number): WooOrder {
    return orderJson(this.state.view(), this.orderRecord(id)) as unknown as WooOrder;
  }

  /** Used by `placeSampleOrder` and the CLI's control API. */
  setSampleOrderFactory(factory: () => FakeOrderInput): void {
    this.sampleOrderFactory = factory;
  }

  /** Places an order from the sample factory (set by startSandbox), or a one-line order of the first product. */
  placeSampleOrder(): WooOrder {
    if (this.sampleOrderFactory) return this.createOrder(this.sampleOrderFactory());
    const product = [...this.state.products.values()].find((p) => p.type === 'simple' && p.status === 'publish');
    if (!product) throw new Error('the store has no products');
    return this.createOrder({ lineItems: [{ productId: product.id, quantity: 1 }] });
  }

  // ---- webhooks -----------------------------------------------------------------------------

  /** Every delivery attempt, in order. */
  get deliveries(): DeliveryRecord[] {
    return this.dispatcher.deliveries;
  }

  /** Every ping sent (on create and while a webhook awaits a 200). */
  get pings(): PingRecord[] {
    return this.dispatcher.pings;
  }

  /** Creates a webhook as the admin screen does (status as given, ping when active). */
  async createWebhook(input: { topic: string; deliveryUrl: string; secret?: string; name?: string; status?: WebhookRecord['status'] }): Promise<WooWebhookState> {
    const webhook = this.newWebhook(input);
    webhook.status = input.status ?? 'active';
    await this.webhookSaved(webhook, true);
    return this.webhookState(webhook);
  }

  /**
   * Changes a webhook's status over the store's REST API, as an admin (or WooCommerce itself)
   * would: the request goes through the same authentication and rules as Connector's.
   */
  async setWebhookStatus(id: number, status: 'active' | 'paused' | 'disabled'): Promise<void> {
    const res = await fetch(`${this.restBase}/webhooks/${id}`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from(`${this.consumerKey}:${this.consumerSecret}`).toString('base64')}`,
        'content-type': 'application/json',
        // Treated as HTTPS, where WooCommerce accepts Basic auth.
        'x-forwarded-proto': 'https',
      },
      body: JSON.stringify({ status }),
    });
    if (res.status !== 200) throw new Error(`webhook ${id} status not changed: ${res.status} ${await res.text()}`);
  }

  webhooks(): WooWebhookState[] {
    return [...this.state.webhooks.values()].map((w) => this.webhookState(w));
  }

  /** Waits until the delivery queue is empty and nothing is in flight (a paused queue counts as empty). */
  flushDeliveries(): Promise<void> {
    return this.dispatcher.flush();
  }

  pauseDeliveries(): void {
    this.dispatcher.pause();
  }

  resumeDeliveries(): void {
    this.dispatcher.resume();
  }

  /** Deliveries waiting in the queue. */
  pendingDeliveries(): number {
    return this.dispatcher.pendingCount();
  }

  /** Sends one delivery of `topic` for `resourceId` now, outside the queue (e.g. a duplicate). */
  async deliver(topic: string, resourceId: number, options: DeliverOptions = {}): Promise<DeliveryRecord> {
    const targets = [...this.state.webhooks.values()].filter((w) => w.topic === topic && (options.webhookId === undefined || w.id === options.webhookId));
    if (targets.length === 0) throw new Error(`no webhook for topic ${topic}${options.webhookId ? ` with id ${options.webhookId}` : ''}`);
    const records = [];
    for (const webhook of targets) records.push(await this.dispatcher.deliverNow(webhook, resourceId, options));
    return records[0]!;
  }

  async stop(): Promise<void> {
    this.dispatcher.stop();
    this.sleeps.abortAll();
    await this.server?.close();
  }

  // ---- used by the REST server ----------------------------------------------------------------

  /** @internal */
  newWebhook(input: { topic: string; deliveryUrl: string; secret?: string; name?: string }): WebhookRecord {
    const topic = input.topic.toLowerCase();
    if (!isValidTopic(topic)) throw new Error(`invalid webhook topic ${input.topic}`);
    const now = this.state.nowSeconds();
    const webhook: WebhookRecord = {
      id: this.state.nextWebhookId(),
      name: input.name ?? defaultWebhookName(now),
      status: 'active',
      topic,
      deliveryUrl: input.deliveryUrl,
      secret: input.secret ?? randomFrom(WEBHOOK_SECRET_CHARS, 50),
      userId: 1,
      apiVersion: 'wp_api_v3',
      failureCount: 0,
      pendingDelivery: true,
      createdAt: now,
      modifiedAt: now,
    };
    this.state.webhooks.set(webhook.id, webhook);
    return webhook;
  }

  /**
   * The data store's save(): an active webhook whose URL changed, or whose first ping never got
   * a 200, is pinged (synchronously for REST saves).
   * @internal
   */
  async webhookSaved(webhook: WebhookRecord, urlChanged: boolean): Promise<void> {
    if (webhook.status === 'active' && (urlChanged || webhook.pendingDelivery) && this.state.webhooks.has(webhook.id)) {
      await this.dispatcher.ping(webhook);
    }
  }

  /** @internal */
  emit(topic: string, resourceId: number): void {
    this.dispatcher.enqueue(topic, resourceId);
  }

  /** @internal Status change with WooCommerce's date side effects. */
  setOrderStatus(order: OrderRecord, status: string, at: number): void {
    if (status === order.status) return;
    order.status = status;
    if (PAID_STATUSES.has(status) && order.paidAt === null) order.paidAt = at;
    if (status === 'completed' && order.completedAt === null) order.completedAt = at;
  }

  /** @internal */
  upsertMeta(order: OrderRecord, entries: Array<{ id?: number; key: string; value: unknown }>): void {
    for (const entry of entries) {
      const existing = order.meta.find((m) => (entry.id !== undefined ? m.id === entry.id : m.key === entry.key));
      if (existing) existing.value = entry.value;
      else order.meta.push({ id: this.state.nextMetaId(), key: entry.key, value: entry.value });
    }
  }

  /** @internal WooCommerce marks a registered customer as paying on the first paid order (customer.updated). */
  markPayingCustomer(order: OrderRecord): void {
    if (order.customerId === 0 || !PAID_STATUSES.has(order.status)) return;
    const customer = this.state.customers.get(order.customerId);
    if (!customer || customer.isPayingCustomer) return;
    customer.isPayingCustomer = true;
    customer.modifiedAt = this.state.nowSeconds();
    this.emit('customer.updated', customer.id);
  }

  /** @internal */
  webhookState(webhook: WebhookRecord): WooWebhookState {
    return {
      ...(webhookJson(this.state.view(), webhook) as unknown as WooWebhookState),
      secret: webhook.secret,
      failure_count: webhook.failureCount,
      pending_delivery: webhook.pendingDelivery,
    };
  }

  /** @internal */
  productView(product: ProductRecord): WooProduct {
    const parent = product.parentId ? this.state.products.get(product.parentId) : undefined;
    return productJson(this.state.view(), product, { parent, variations: this.state.variationsOf(product) }) as unknown as WooProduct;
  }

  private productRecord(id: number): ProductRecord {
    const product = this.state.products.get(id);
    if (!product) throw new Error(`no product ${id}`);
    return product;
  }

  private orderRecord(id: number): OrderRecord {
    const order = this.state.orders.get(id);
    if (!order) throw new Error(`no order ${id}`);
    return order;
  }
}

/** `homeUrl` as WordPress keeps it: an http(s) origin (the fake serves its routes at the root). */
function siteOrigin(homeUrl: string): string {
  const url = new URL(homeUrl);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`homeUrl must be an http(s) origin such as https://shop.test, got ${homeUrl}`);
  }
  return url.origin;
}
