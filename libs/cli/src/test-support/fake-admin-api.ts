import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { OrderView } from '../api-types';
import { connection, FAILED_PING, initialState, OK_PING, sweep } from './fixtures';
import { Cli, CliRun, cliFor } from './run-cli';

export const TEST_TOKEN = 'test-admin-token-0123456789';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
}

/** How the next replay or backfill advances: `step` events per progress poll, then `failures`. */
export interface JobScript {
  total: number;
  step: number;
  failures: number | unknown[];
}

interface Job extends JobScript {
  processed: number;
}

interface Reply {
  status: number;
  body?: unknown;
}

type Handler = (params: Record<string, string>, request: RecordedRequest) => Reply;

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const error = (status: number, error: string, message: string | string[]): Reply => ({ status, body: { statusCode: status, message, error } });
const notFound = (message: string) => error(404, 'Not Found', message);
const badRequest = (message: string | string[]) => error(400, 'Bad Request', message);
const conflict = (message: string) => error(409, 'Conflict', message);

/**
 * A stand-in for token-service's admin API, answering like its controllers (same paths, status
 * codes, `{statusCode, message, error}` bodies, 401 for a wrong bearer token, Nest's `Cannot GET`
 * 404 for unknown routes) and recording every request so tests can check what the CLI sent.
 */
export class FakeAdminApi {
  readonly requests: RecordedRequest[] = [];
  readonly state = initialState();
  /** Connections whose ping reports a failure (`failEveryPing`: all of them, even new ones). */
  readonly failingPings = new Set<string>();
  /** Connections whose store does not reach the gateway: registering webhooks says so. */
  readonly unreachableStores = new Set<string>();
  failEveryPing = false;
  jobScript: JobScript = { total: 10, step: 3, failures: 0 };
  /** false: behave like a token-service that predates the replay and backfill endpoints. */
  jobsAvailable = true;
  /** false: behave like a token-service that predates `…/orders/:orderId/rebook`. */
  rebookAvailable = true;
  /** false: behave like a token-service that predates `DELETE …/products/:productId/pin`. */
  unpinAvailable = true;
  /** false: behave like a token-service that predates `GET …/usage`. */
  usageAvailable = true;
  /** true: `GET …/usage` fails with a 500 (its database read failed). */
  usageFailing = false;
  /** Connections another instance is sweeping: a manual sweep is a 409. */
  readonly sweepsRunning = new Set<string>();
  url = '';
  /** Ids of the connections created through the API, oldest first. */
  readonly created: string[] = [];

  private readonly jobs = new Map<string, Job>();
  private readonly routes: Array<{ method: string; pattern: RegExp; names: string[]; handler: Handler }> = [];
  private nextSeq = 1000;
  private server?: Server;

  /**
   * A fake for one test suite, listening from the suite's `before` and closed in its `after`, and
   * the CLI pointed at it with the test token.
   */
  static forSuite(): { api: FakeAdminApi; cli: Cli } {
    const api = new FakeAdminApi();
    before(() => api.listen());
    after(() => api.close());
    return { api, cli: (args, options) => cliFor(api.url, TEST_TOKEN)(args, options) };
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The requests the CLI made, as `METHOD /path` lines, for compact assertions. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private constructor() {
    const route = (method: string, path: string, handler: Handler) => {
      const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      this.routes.push({ method, pattern: new RegExp(`^${path.replace(/:\w+/g, '([^/]+)')}$`), names, handler });
    };
    const s = this.state;
    const findConnection = (id: string) => s.connections.find((c) => c.id === id);
    const withConnection = (handler: Handler): Handler => (params, request) =>
      findConnection(params.id) ? handler(params, request) : notFound(`Connection ${params.id} does not exist`);
    const findOrder = (id: string, orderId: string): OrderView | undefined =>
      (s.orders[id] ?? []).find((o) => String(o.orderId) === orderId);
    const republish = (originalSeq: number) => ({ originalSeq, seq: ++this.nextSeq });
    const findLink = (id: string, productId: string, variationId: number) =>
      (s.products[id] ?? []).find((p) => String(p.productId) === productId && p.variationId === variationId);

    route('POST', '/api/connections', (_, { body }) => {
      const dto = body as { name: string; zoho: { accountsUrl: string } };
      if (!/^https:\/\/accounts\.zoho\./.test(dto.zoho.accountsUrl)) {
        return badRequest(`zoho.accountsUrl: ${dto.zoho.accountsUrl} is not one of Zoho's accounts servers`);
      }
      const created = connection(randomUUID(), dto.name, { lastPing: null });
      s.connections.push(created);
      s.orders[created.id] = [];
      this.created.push(created.id);
      return ok(created, 201);
    });
    route('GET', '/api/connections', () => ok(s.connections));
    route('GET', '/api/connections/:id', withConnection(({ id }) => ok(findConnection(id))));
    route('PATCH', '/api/connections/:id/settings', withConnection(({ id }, { body }) => {
      const change = body as Record<string, unknown>;
      if (change.invoiceStatus !== undefined && change.invoiceStatus !== null && !['draft', 'sent'].includes(String(change.invoiceStatus))) {
        return badRequest('settings.invoiceStatus must be draft or sent');
      }
      const found = findConnection(id)!;
      const settings: Record<string, unknown> = { ...(found.settings ?? {}) };
      for (const [key, value] of Object.entries(change)) {
        if (key === 'alertWebhookUrl') {
          if (value === null) delete settings.alertWebhookHost;
          else settings.alertWebhookHost = new URL(String(value)).host; // the URL itself is never shown
        } else if (value === null) delete settings[key];
        else settings[key] = value;
      }
      found.settings = settings;
      return ok(found);
    }));
    route('POST', '/api/connections/:id/webhooks/rotate-secret', withConnection(({ id }, { body }) => {
      const grace = (body as { graceMinutes?: number }).graceMinutes ?? 60;
      return ok({
        deliveryUrl: `http://127.0.0.1:3000/webhooks/woocommerce/${id}`,
        webhooks: [{ id: 31, topic: 'order.created', status: 'active', action: 'updated' }],
        previousSecretAcceptedUntil: grace > 0 ? '2026-11-29T12:00:00.000Z' : null,
      });
    }));
    route('PUT', '/api/connections/:id/woocommerce', withConnection(({ id }, { body }) => {
      const keys = body as { consumerKey?: string; consumerSecret?: string; url?: string };
      if (keys.consumerSecret === 'cs_refused') return badRequest('the store refused the new keys, so nothing changed: Cannot read orders: WooCommerce 401');
      const found = findConnection(id)!;
      if (keys.url) (found as { woocommerce: { url: string } }).woocommerce.url = keys.url;
      return ok(found);
    }));
    route('POST', '/api/connections/:id/ping', withConnection(({ id }) => {
      const report = this.failEveryPing || this.failingPings.has(id) ? FAILED_PING : OK_PING;
      (findConnection(id) as { lastPing: unknown }).lastPing = report;
      return ok(report);
    }));
    const registerWebhooks = (id: string) => {
      const deliveryUrl = `http://127.0.0.1:3000/webhooks/woocommerce/${id}`;
      const deliveryCheck = this.unreachableStores.has(id)
        ? { status: 'not-reached', message: `the store did not reach ${deliveryUrl}: WooCommerce's ping for webhook 31 did not arrive within 3 s` }
        : { status: 'reached', message: `the store reached ${deliveryUrl}: WooCommerce's ping for each new webhook arrived` };
      return {
        deliveryUrl,
        webhooks: ['order.created', 'order.updated', 'customer.created', 'customer.updated'].map((topic, i) => ({
          id: 31 + i, topic, status: 'active', action: 'created',
        })),
        deliveryCheck,
      };
    };
    route('POST', '/api/connections/:id/webhooks', withConnection(({ id }) => ok(registerWebhooks(id))));
    // The fake keeps no deleted connections: any known one restores.
    route('POST', '/api/connections/:id/restore', withConnection(({ id }, { query }) => ok({
      connection: findConnection(id),
      webhooks: query.registerWebhooks === 'true' ? registerWebhooks(id) : null,
      catchUp: 'orders changed while it was deleted come in with the next reconciliation sweep',
    })));

    // Like the server: a connection without an organization yet has no quota to report.
    route('GET', '/api/connections/:id/usage', withConnection(({ id }) => this.usageFailing ? error(500, 'Internal Server Error', 'Internal server error') : ok(s.usage[id] ?? {
      organizationId: null, day: '2026-11-29', callsToday: 0, rejectedToday: 0, blockedUntil: null, dailyLimit: null, quota: null,
    })));
    // Like the server: a sweep the store failed part-way is a 502 whose body is the sweep itself.
    route('POST', '/api/connections/:id/reconcile', withConnection(({ id }) => {
      if (this.sweepsRunning.has(id)) return conflict(`A sweep of connection ${id} is running on another instance; try again in a minute`);
      const result = s.sweeps[id] ?? sweep(id);
      return ok(result, result.ok ? 200 : 502);
    }));

    route('GET', '/api/connections/:id/orders', withConnection(({ id }, { query }) => {
      let orders = s.orders[id];
      if (query.state) orders = orders.filter((o) => o.state === query.state);
      if (query.notReconciled === 'true') orders = orders.filter((o) => o.state === 'synced' && !o.reconciled);
      return ok(orders.slice(0, Number(query.limit ?? 100)));
    }));
    route('GET', '/api/connections/:id/orders/:orderId', withConnection(({ id, orderId }) => {
      const found = findOrder(id, orderId);
      if (!found) return notFound(`Order ${orderId} has no sync record`);
      const seqs = found.streamSeqs.map(String);
      return ok({ ...found, payment: s.payments[orderId] ?? null, creditNotes: s.creditNotes[orderId] ?? [], audit: s.audit[orderId] ?? [], deadLetters: s.deadLetters.filter((l) => seqs.includes(l.streamSeq)) });
    }));
    route('POST', '/api/connections/:id/orders/:orderId/retry', withConnection(({ id, orderId }) => {
      const found = findOrder(id, orderId);
      return found ? ok(republish(Math.max(...found.streamSeqs)), 202) : notFound(`Order ${orderId} has no sync record`);
    }));
    route('POST', '/api/connections/:id/orders/:orderId/rebook', withConnection(({ id, orderId }) => {
      const found = findOrder(id, orderId) as (OrderView & { invoiceDeletedAt?: string | null }) | undefined;
      if (!found) return notFound(`Order ${orderId} has no sync record`);
      const invoice = found.invoice?.number ?? found.invoice?.id;
      if (!found.invoiceDeletedAt || !found.invoice) {
        return conflict(`Order ${orderId}: rebook is only for an order whose invoice was deleted in Zoho, and ${invoice ? `its invoice ${invoice} was not found deleted` : 'it has no invoice'}; use retry instead`);
      }
      const booked = [
        ...(s.payments[orderId] ? [`payment ${s.payments[orderId].paymentId}`] : []),
        ...(s.creditNotes[orderId] ?? []).map((c) => `credit note ${c.creditNote?.number ?? c.creditNote?.id}`),
      ];
      if (booked.length > 0) {
        return conflict(`Order ${orderId}: Connector booked ${booked.join(' and ')} with the deleted invoice ${invoice}, which Zoho keeps apart from it; a new invoice from Connector could count that money twice, so book this order in Zoho by hand`);
      }
      // Like the server: the record forgets the deleted invoice, and the latest event runs again.
      Object.assign(found, {
        state: 'pending', reason: `rebooking: invoice ${invoice} was deleted in Zoho; a new invoice is being made`,
        invoice: null, zohoTotal: null, reconciled: false, adjustment: null, adjustmentReason: null, invoiceDeletedAt: null,
      });
      return ok(republish(Math.max(...found.streamSeqs)), 202);
    }));

    route('GET', '/api/connections/:id/products', withConnection(({ id }) => ok(s.products[id] ?? [])));
    route('PUT', '/api/connections/:id/products/:productId', withConnection(({ id, productId }, { body }) => {
      const dto = body as { zohoItemId: string; variationId?: number };
      if (!/^\d{1,30}$/.test(dto.zohoItemId)) return badRequest(['zohoItemId must be a Zoho item id (digits)']);
      if (!/^\d{1,18}$/.test(productId)) return notFound(`Product ${productId} is not a product id`);
      // Like the server: the link is created or moved to the item, and pinned.
      const variationId = dto.variationId ?? 0;
      const links = (s.products[id] ??= []);
      const link = findLink(id, productId, variationId);
      const pinned = { zohoItemId: dto.zohoItemId, matchedBy: 'pinned', pinned: true };
      if (link) Object.assign(link, pinned);
      else links.push({ productId: Number(productId), variationId, sku: null, name: `product ${productId}`, ...pinned });
      return ok({ productId: Number(productId), variationId, zohoItemId: dto.zohoItemId, pinned: true });
    }));
    route('DELETE', '/api/connections/:id/products/:productId/pin', withConnection(({ id, productId }, { query }) => {
      if (query.variationId !== undefined && !/^\d{1,15}$/.test(query.variationId)) {
        return badRequest('variationId must be a variation id (a whole number, 0 for none)');
      }
      if (!/^\d{1,18}$/.test(productId)) return notFound(`Product ${productId} is not a product id`);
      const variationId = Number(query.variationId ?? 0);
      const product = variationId > 0 ? `Product ${productId} variation ${variationId}` : `Product ${productId}`;
      const link = findLink(id, productId, variationId);
      if (!link) return notFound(`${product} has no item link on this connection`);
      if (!link.pinned) {
        const current = link.zohoItemId
          ? `it already uses Zoho item ${link.zohoItemId}${link.matchedBy ? ` (matched by ${link.matchedBy})` : ''}`
          : 'it gets a Zoho item automatically on its next order';
        return conflict(`${product} is not pinned, so there is nothing to unpin; ${current}`);
      }
      // Like the server: the item is forgotten, so the next order or catalogue import matches it again.
      Object.assign(link, { zohoItemId: null, matchedBy: null, pinned: false });
      return ok({ productId: Number(productId), variationId, pinned: false, zohoItemId: null });
    }));
    route('POST', '/api/connections/:id/catalog/sync', withConnection(() => ok({ products: 120, matched: 117, unmatched: 3 })));

    route('GET', '/api/dead-letters', (_, { query }) => {
      const status = query.status ?? 'open';
      return ok(s.deadLetters.filter((l) => l.status === status && (!query.connectionId || l.connectionId === query.connectionId)));
    });
    route('POST', '/api/dead-letters/retry', (_, { body }) => {
      const connectionId = (body as { connectionId?: string } | undefined)?.connectionId;
      const letters = s.deadLetters.filter((l) => l.status === 'open' && (!connectionId || l.connectionId === connectionId));
      return ok({ retried: letters.length, events: letters.map((l) => republish(Number(l.streamSeq))), failed: 0, failures: [] }, 202);
    });
    route('POST', '/api/dead-letters/:id/dismiss', ({ id }, { body }) => {
      const letter = s.deadLetters.find((l) => l.id === id);
      if (!letter) return notFound(`Dead letter ${id} does not exist`);
      if (letter.status !== 'open' && letter.status !== 'retrying') return conflict(`Dead letter ${id} is ${letter.status}; only an open or retrying one can be dismissed`);
      const reason = (body as { reason?: string } | undefined)?.reason ?? null;
      Object.assign(letter, { status: 'dismissed', dismissedReason: reason });
      return ok(letter);
    });
    route('POST', '/api/dead-letters/:id/retry', ({ id }) => {
      if (!/^[0-9a-f-]{36}$/.test(id)) return badRequest('Validation failed (uuid is expected)');
      const letter = s.deadLetters.find((l) => l.id === id);
      return letter ? ok(republish(Number(letter.streamSeq)), 202) : notFound(`Dead letter ${id} does not exist`);
    });

    route('POST', '/api/connections/:id/replay', withConnection(() => ok({ replayId: this.startJob('replay') }, 202)));
    route('GET', '/api/replays/:jobId', ({ jobId }) => this.progress(jobId, 'Replay'));
    route('POST', '/api/connections/:id/backfill', withConnection(() => ok({ jobId: this.startJob('backfill') }, 202)));
    route('GET', '/api/backfills/:jobId', ({ jobId }) => this.progress(jobId, 'Backfill'));
  }

  private startJob(kind: string): string {
    const id = `${kind}-${this.jobs.size + 1}`;
    this.jobs.set(id, { ...this.jobScript, processed: 0 });
    return id;
  }

  /** Each poll advances the job by one step, so a test sees the bar move and finish. */
  private progress(jobId: string, kind: string): Reply {
    const job = this.jobs.get(jobId);
    if (!job) return notFound(`${kind} ${jobId} does not exist`);
    job.processed = Math.min(job.total, job.processed + job.step);
    const done = job.processed >= job.total;
    return ok({ processed: job.processed, total: job.total, done, failures: done ? job.failures : 0 });
  }

  private async handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: text ? JSON.parse(text) : undefined,
      authorization: req.headers.authorization,
    };
    this.requests.push(request);
    if (request.authorization !== `Bearer ${TEST_TOKEN}`) {
      return error(401, 'Unauthorized', 'A valid admin token is required (Authorization: Bearer <ADMIN_TOKEN>)');
    }
    const isJobRoute = /\/(replay|backfill)$|^\/api\/(replays|backfills)\//.test(request.path);
    const isRebookRoute = /\/orders\/[^/]+\/rebook$/.test(request.path);
    const isUnpinRoute = request.method === 'DELETE' && /\/products\/[^/]+\/pin$/.test(request.path);
    const isUsageRoute = /\/usage$/.test(request.path);
    for (const { method, pattern, names, handler } of this.routes) {
      const match = pattern.exec(request.path);
      if (!match || method !== request.method || (isJobRoute && !this.jobsAvailable) || (isRebookRoute && !this.rebookAvailable) || (isUnpinRoute && !this.unpinAvailable) || (isUsageRoute && !this.usageAvailable)) continue;
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
      return handler(params, request);
    }
    return notFound(`Cannot ${request.method} ${request.path}`);
  }
}

