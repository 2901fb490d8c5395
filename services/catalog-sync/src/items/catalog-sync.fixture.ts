import type { INestApplication } from '@nestjs/common';
import { jetstream } from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/nats-core';
import {
  EnsureItemsReply, EnsureItemsRequest, ItemRequestLine, RPC, RpcReply, rpcSubject, subjects, SyncCatalogReply, SyncCatalogRequest,
  ZohoSessionReply, ZohoSessionRequest,
} from '@connector/contracts';
import { NatsRpcClient } from '@connector/messaging';
import { ConnectionStore } from '@connector/persistence';
import { FakeZoho, type FakeZohoOptions } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, TestDatabase, testEncryptionKeys, TestTopology } from '@connector/testing';
import { ZohoBooksClient } from '@connector/zoho-books';
import { startCatalogSync } from '../main';

/* Shared by catalog-sync's integration tests: the service running for real, a fake Zoho, helpers. */

/** One connection of the test: its own Zoho organization, and a Books client to seed it directly. */
export interface TestConnection {
  id: string;
  orgId: string;
  books: ZohoBooksClient;
}

interface WooStoreAccess {
  url: string;
  consumerKey: string;
  consumerSecret: string;
}

/**
 * catalog-sync running for real (NestJS, JetStream transport, PostgreSQL) on a unique stream,
 * subject prefix and database, with a fake Zoho behind it. The token-service is played by a tiny
 * responder on `RPC.zohoSession` handing out tokens minted by the fake (services never import
 * each other, tests included). RPC subjects carry the run's subject prefix, so other runs on the
 * same NATS server never answer this one's requests.
 */
export class Harness {
  private readonly sessions = new Map<string, ZohoSessionReply>();
  private tokenResponder?: Subscription;
  app!: INestApplication;
  db!: TestDatabase;
  topo!: TestTopology;
  zoho!: FakeZoho;
  rpc!: NatsRpcClient;

  /** `zohoOptions`: how the fake Zoho behaves where the spec leaves it open (e.g. searchTextMatchesSku). */
  constructor(private readonly zohoOptions: FakeZohoOptions = {}) {}

  async start(): Promise<void> {
    this.db = await createTestDatabase('catalog_sync_test');
    this.topo = await createTestTopology();
    this.zoho = await FakeZoho.start(this.zohoOptions);
    this.answerTokenRequests();
    this.app = await startCatalogSync({
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      DATABASE_URL: this.db.url,
      NATS_STREAM: this.topo.topology.stream,
      NATS_SUBJECT_PREFIX: this.topo.topology.subjectPrefix,
      ENCRYPTION_KEYS: testEncryptionKeys(),
      HTTP_PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      ALLOW_PRIVATE_ENDPOINTS: 'true',
      RETRY_INITIAL_MS: '50',
      RETRY_MAX_MS: '200',
    });
    this.rpc = new NatsRpcClient(this.topo.nc, this.topo.topology, 30_000);
  }

  /** A connection row (sealed by the service's own store) with a fresh Zoho organization. */
  async connect(store: WooStoreAccess = { url: 'http://127.0.0.1:9', consumerKey: 'ck_test', consumerSecret: 'cs_test' }): Promise<TestConnection> {
    const org = this.zoho.createOrganization();
    const oauth = this.zoho.registerClient();
    const refreshToken = this.zoho.issueRefreshToken(oauth.clientId, [org.organization_id]);
    const connection = await this.app.get(ConnectionStore).create({
      name: `catalog test ${org.organization_id}`,
      storeUrl: store.url,
      woo: { consumerKey: store.consumerKey, consumerSecret: store.consumerSecret },
      webhookSecret: 'webhook-secret',
      zohoAccountsUrl: this.zoho.accountsUrl,
      zoho: { clientId: oauth.clientId, clientSecret: oauth.clientSecret, refreshToken },
      zohoOrganizationId: org.organization_id,
    });
    const session: ZohoSessionReply = {
      accessToken: await mintAccessToken(this.zoho, oauth, refreshToken),
      apiDomain: this.zoho.apiDomain,
      organizationId: org.organization_id,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    this.sessions.set(connection.id, session);
    const books = new ZohoBooksClient({
      session: { getAccessToken: async () => session, invalidate: async () => undefined },
      organizationId: org.organization_id,
      allowPrivate: true,
    });
    return { id: connection.id, orgId: org.organization_id, books };
  }

  ensureItems(connection: TestConnection, lines: ItemRequestLine[], options: Pick<EnsureItemsRequest, 'refusedItemIds' | 'dryRun'> = {}): Promise<EnsureItemsReply> {
    return this.rpc.call<EnsureItemsReply>(RPC.ensureItems, { connectionId: connection.id, lines, ...options } satisfies EnsureItemsRequest);
  }

  /** Marks an item inactive as its owner would in Zoho (the Books client has no call for it). */
  async markItemInactive(connection: TestConnection, itemId: string): Promise<void> {
    const session = this.sessions.get(connection.id)!;
    const url = `${this.zoho.booksBaseUrl}/items/${itemId}/inactive?organization_id=${connection.orgId}`;
    const response = await fetch(url, { method: 'POST', headers: { Authorization: `Zoho-oauthtoken ${session.accessToken}` } });
    if (!response.ok) throw new Error(`the fake Zoho refused to mark item ${itemId} inactive: HTTP ${response.status}`);
  }

  /** Books API calls the fake received for one organization since `mark` (FakeZoho.mark()). */
  zohoCallsSince(mark: number, connection: TestConnection) {
    return this.zoho.callsSince(mark).filter((call) => call.organizationId === connection.orgId);
  }

  async links(connection: TestConnection): Promise<Array<{ product_id: string; variation_id: string; sku: string | null; name: string; zoho_item_id: string | null; matched_by: string | null }>> {
    return this.db.dataSource.query(
      'SELECT product_id, variation_id, sku, name, zoho_item_id, matched_by FROM item_links WHERE connection_id = $1 ORDER BY product_id, variation_id',
      [connection.id],
    );
  }

  syncCatalog(connection: TestConnection): Promise<SyncCatalogReply> {
    return this.rpc.call<SyncCatalogReply>(RPC.syncCatalog, { connectionId: connection.id } satisfies SyncCatalogRequest, 120_000);
  }

  /** Appends a product delivery to the audit stream, as the gateway would. */
  async publishProduct(connection: TestConnection, event: string, body: object): Promise<number> {
    const subject = subjects.delivery(this.topo.topology, connection.id, 'product', event);
    return (await jetstream(this.topo.nc).publish(subject, JSON.stringify(body))).seq;
  }

  async audit(connection: TestConnection): Promise<Array<{ action: string; outcome: string; resource_id: string | null; stream_seq: string | null; message: string }>> {
    return this.db.dataSource.query(
      'SELECT action, outcome, resource_id, stream_seq, message FROM audit_entries WHERE connection_id = $1 ORDER BY id',
      [connection.id],
    );
  }

  async stop(): Promise<void> {
    this.tokenResponder?.unsubscribe();
    await this.app?.close();
    await this.zoho?.stop();
    await this.topo?.destroy();
    await this.db?.drop();
  }

  private answerTokenRequests(): void {
    this.tokenResponder = this.topo.nc.subscribe(rpcSubject(this.topo.topology, RPC.zohoSession), {
      callback: (_error, msg) => {
        const { connectionId } = msg.json<ZohoSessionRequest>();
        const session = this.sessions.get(connectionId);
        const reply: RpcReply<ZohoSessionReply> = session
          ? { ok: true, data: session }
          : { ok: false, error: { message: `Connection ${connectionId} does not exist`, transient: false } };
        msg.respond(JSON.stringify(reply));
      },
    });
  }
}

async function mintAccessToken(zoho: FakeZoho, client: { clientId: string; clientSecret: string }, refreshToken: string): Promise<string> {
  const response = await fetch(`${zoho.accountsUrl}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken }).toString(),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`the fake Zoho refused to mint a token: ${body.error ?? 'no access_token'}`);
  return body.access_token;
}

export function productLine(fields: Partial<ItemRequestLine> & Pick<ItemRequestLine, 'productId' | 'name'>): ItemRequestLine {
  return { key: `line:${fields.productId}:${fields.variationId ?? 0}`, variationId: 0, sku: null, rate: '10.00', kind: 'product', ...fields };
}

export const SHIPPING: ItemRequestLine = { key: 'shipping', productId: -1, variationId: 0, sku: null, name: 'Shipping', rate: '0', kind: 'shipping' };
export const FEE: ItemRequestLine = { key: 'fee', productId: -2, variationId: 0, sku: null, name: 'Fees', rate: '0', kind: 'fee' };

/** A product as `GET /wc/v3/products/{id}` (and so a product webhook) shows it, reduced to what matters here. */
export function wooProduct(fields: { id: number; name: string; sku?: string; type?: string; parent_id?: number; variations?: number[] }) {
  return {
    type: 'simple', sku: '', price: '9.99', regular_price: '9.99', sale_price: '', description: '', short_description: '',
    status: 'publish', parent_id: 0, variations: [], attributes: [], meta_data: [], ...fields,
  };
}

export const creates = (calls: Array<{ method: string; resourcePath: string }>) => calls.filter((c) => c.method === 'POST' && c.resourcePath === '/items');
export const itemGets = (calls: Array<{ method: string; resourcePath: string }>, itemId: string) => calls.filter((c) => c.method === 'GET' && c.resourcePath === `/items/${itemId}`);

