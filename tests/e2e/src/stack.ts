import { ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '@connector/common';
import { FakeWooStore, FakeZoho } from '@connector/sandbox';
import type { FakeZohoOptions } from '@connector/sandbox';
import { ZOHO_BOOKS_SCOPES } from '@connector/zoho-books';
import {
  createTestDatabase, createTestTopology, freePort, PrivateNats, PrivatePostgres, startPrivateNats, startPrivatePostgres, TestDatabase,
  TestTopology, testEncryptionKeys,
} from '@connector/testing';

const ROOT = join(__dirname, '../../..');
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export type ServiceName = 'token-service' | 'webhook-gateway' | 'customer-sync' | 'catalog-sync' | 'invoice-sync';
export const SERVICES: ServiceName[] = ['token-service', 'webhook-gateway', 'customer-sync', 'catalog-sync', 'invoice-sync'];
export const SYNC_SERVICES: ServiceName[] = ['customer-sync', 'catalog-sync', 'invoice-sync'];

/**
 * One running process of a service. The first instance of a service is keyed by its name
 * (`invoice-sync`), further ones by name and number (`invoice-sync#2`).
 */
export type InstanceKey = ServiceName | `${ServiceName}#${number}`;

export interface StackOptions {
  /** Run on a nats-server of the stack's own (`stack.nats`), so a test can kill and restart it. */
  privateNats?: boolean;
  /** Run on a PostgreSQL server of the stack's own (`stack.postgres`), so a test can crash and restart it. */
  privatePostgres?: boolean;
  /** Instances per service started by `Stack.start` (default 1 each). */
  instances?: Partial<Record<ServiceName, number>>;
  /** Options of the fake Zoho. */
  zoho?: FakeZohoOptions;
}

interface Instance {
  key: InstanceKey;
  name: ServiceName;
  port: number;
  /** Extra variables of this instance (kept for restarts). */
  env: Record<string, string>;
  process?: ChildProcess;
  /** Output of the current process (the last 400 chunks). */
  output: string[];
  /** Everything every process of this instance ever wrote, across restarts. */
  history: string[];
  /** Set when the stack itself stopped or killed the process. */
  expectedExit: boolean;
  /** Exits the stack did not cause (crashes). */
  crashes: Array<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The Zoho authorization a connection was created with (to revoke it, or issue another). */
export interface ZohoAuthorization {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  organizationId: string;
}

/**
 * The whole product as in production: five separate Node processes (or more: several instances
 * of a service), talking over the real NATS JetStream and PostgreSQL, with only Zoho Books and
 * WooCommerce replaced by the sandbox fakes. Optionally on a NATS and a PostgreSQL of its own, so
 * a test can kill and restart them.
 */
export class Stack {
  private readonly instances = new Map<InstanceKey, Instance>();
  zoho!: FakeZoho;
  db!: TestDatabase;
  topo!: TestTopology;
  env!: Record<string, string>;
  /** Set with `privateNats`. */
  nats?: PrivateNats;
  /** Set with `privatePostgres`. */
  postgres?: PrivatePostgres;
  adminUrl = '';
  gatewayUrl = '';
  /** Webhook secret of each connection (set explicitly here so tests can sign deliveries themselves). */
  readonly webhookSecrets = new Map<string, string>();
  /** Each connection's answer to registering its webhooks (`deliveryCheck` says whether the store reached the gateway). */
  readonly webhookRegistrations = new Map<string, { deliveryUrl: string; webhooks: unknown[]; deliveryCheck: { status: string; message: string } }>();
  /** Zoho OAuth client and refresh token of each connection. */
  readonly zohoAuthorizations = new Map<string, ZohoAuthorization>();
  /** Every secret handed to the product (for tests that make sure none leaks). */
  readonly secrets = new Set<string>();
  private gatewayPort = 0;
  private tokenServicePublicUrl = '';

  static async start(extraEnv: Record<string, string> = {}, options: StackOptions = {}): Promise<Stack> {
    const stack = new Stack();
    try {
      await stack.boot(extraEnv, options);
    } catch (error) {
      await stack.stop().catch(() => undefined);
      throw error;
    }
    return stack;
  }

  private async boot(extraEnv: Record<string, string>, options: StackOptions): Promise<void> {
    const [zoho, nats, postgres] = await Promise.all([
      FakeZoho.start(options.zoho),
      options.privateNats ? startPrivateNats() : undefined,
      options.privatePostgres ? startPrivatePostgres() : undefined,
    ]);
    this.zoho = zoho;
    this.nats = nats;
    this.postgres = postgres;
    const natsUrl = nats?.url ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    this.db = await createTestDatabase('connector_e2e', postgres?.url);
    this.topo = await createTestTopology(natsUrl);
    const encryptionKeys = testEncryptionKeys();
    this.secrets.add(ADMIN_TOKEN);
    for (const spec of encryptionKeys.split(',')) this.secrets.add(spec.slice(spec.indexOf(':') + 1));
    this.env = {
      NATS_URL: natsUrl,
      DATABASE_URL: this.db.url,
      NATS_STREAM: this.topo.topology.stream,
      NATS_SUBJECT_PREFIX: this.topo.topology.subjectPrefix,
      ENCRYPTION_KEYS: encryptionKeys,
      ADMIN_TOKEN,
      ALLOW_PRIVATE_ENDPOINTS: 'true',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      RETRY_INITIAL_MS: '200',
      RETRY_MAX_MS: '2000',
      // Tests that wait for an event's retries to run out count deliveries (MAX_DELIVER); the
      // retry window (a day by default) has its own test, retry-window.int.spec.ts.
      RETRY_WINDOW_MS: '0',
      // A create with no answer may still land in the sandbox for its slowest latency (2.5 s), not
      // the 45 s a real Zoho call may take: a lost create is searched again after 5 s.
      ZOHO_CREATE_IN_FLIGHT_MS: '5000',
      ...extraEnv,
    };
    // The gateway's port is chosen first: the admin service builds webhook URLs from PUBLIC_URL.
    this.gatewayPort = await freePort();
    this.gatewayUrl = `http://127.0.0.1:${this.gatewayPort}`;
    const count = (name: ServiceName) => Math.max(1, options.instances?.[name] ?? 1);
    await Promise.all(['token-service', 'webhook-gateway'].map((name) => this.startService(name as ServiceName)));
    await Promise.all(
      SYNC_SERVICES.flatMap((name) => Array.from({ length: count(name) }, (_, i) => this.startService(name, i === 0 ? '' : i + 1))),
    );
    for (const name of ['token-service', 'webhook-gateway'] as ServiceName[]) {
      for (let i = 2; i <= count(name); i++) await this.startService(name, i);
    }
  }

  /** The key of an instance: the service name for the first, `name#n` for the others. */
  static key(name: ServiceName, instance: string | number = ''): InstanceKey {
    return instance === '' || instance === 1 || instance === '1' ? name : (`${name}#${instance}` as InstanceKey);
  }

  /**
   * Starts an instance of a service (again on its former port if it ran before) and waits until
   * it is ready. `instance` '' or 1 is the first instance; 2, 3… start more of the same service.
   */
  async startService(name: ServiceName, instance: string | number = '', extraEnv: Record<string, string> = {}): Promise<InstanceKey> {
    const key = Stack.key(name, instance);
    let entry = this.instances.get(key);
    if (entry?.process && entry.process.exitCode === null && entry.process.signalCode === null) {
      throw new Error(`${key} is already running`);
    }
    if (!entry) {
      const port = name === 'webhook-gateway' && key === name && this.gatewayPort ? this.gatewayPort : await freePort();
      entry = { key, name, port, env: {}, output: [], history: [], expectedExit: false, crashes: [] };
      this.instances.set(key, entry);
    }
    entry.env = { ...entry.env, ...extraEnv };
    const portVar = name === 'token-service' ? 'ADMIN_PORT' : name === 'webhook-gateway' ? 'GATEWAY_PORT' : 'HTTP_PORT';
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...this.env, ...entry.env, [portVar]: String(entry.port) };
    if (name === 'token-service') env.PUBLIC_URL = this.gatewayUrl || 'http://127.0.0.1:1';
    if (key === 'token-service') this.tokenServicePublicUrl = env.PUBLIC_URL;
    const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'services', name, 'dist/main.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const record = entry;
    record.process = child;
    record.output = output;
    record.expectedExit = false;
    record.history.push(`\n=== ${key} started (pid ${child.pid}) at ${new Date().toISOString()} ===\n`);
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      if (output.length > 400) output.shift();
      record.history.push(text);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.once('exit', (code, signal) => {
      record.history.push(`\n=== ${key} (pid ${child.pid}) exited: code ${code}, signal ${signal} ===\n`);
      if (!record.expectedExit && record.process === child) record.crashes.push({ code, signal });
    });
    await this.waitReady(record);
    if (key === 'token-service') this.adminUrl = `http://127.0.0.1:${entry.port}`;
    if (name === 'webhook-gateway' && key === name) {
      this.gatewayUrl = `http://127.0.0.1:${entry.port}`;
      // The admin service builds webhook URLs from PUBLIC_URL: restart it if it was started without it.
      if (this.instances.get('token-service')?.process && this.tokenServicePublicUrl !== this.gatewayUrl) await this.restart('token-service');
    }
    return key;
  }

  /** Graceful restart (SIGTERM, then start on the same port). */
  async restart(key: InstanceKey): Promise<void> {
    await this.stopService(key);
    const entry = this.instances.get(key)!;
    await this.startService(entry.name, instanceOf(key));
  }

  /** Kills the instance (SIGKILL by default: a crash, nothing is cleaned up) and waits until it is gone. */
  async kill(key: InstanceKey, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const entry = this.instances.get(key);
    if (!entry?.process || entry.process.exitCode !== null || entry.process.signalCode !== null) return;
    const child = entry.process;
    entry.expectedExit = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Kills the instance (SIGKILL unless told otherwise) and starts it again on the same port. */
  async restartService(key: InstanceKey, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.kill(key, signal);
    const entry = this.instances.get(key);
    if (!entry) throw new Error(`${key} was never started`);
    await this.startService(entry.name, instanceOf(key));
  }

  /** Stops an instance (SIGTERM by default, SIGKILL after 15 s) and forgets it. */
  async stopService(key: InstanceKey, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const entry = this.instances.get(key);
    if (!entry?.process) return;
    const child = entry.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    entry.expectedExit = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** Keys of the instances of a service (running or not). */
  instancesOf(name: ServiceName): InstanceKey[] {
    return [...this.instances.values()].filter((i) => i.name === name).map((i) => i.key);
  }

  /** Keys of every instance started so far. */
  keys(): InstanceKey[] {
    return [...this.instances.keys()];
  }

  isRunning(key: InstanceKey): boolean {
    const child = this.instances.get(key)?.process;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  /** Output of the current process of an instance (recent part). */
  logs(key: InstanceKey): string {
    return this.instances.get(key)?.output.join('') ?? '';
  }

  /** Everything one instance ever logged, across restarts. */
  history(key: InstanceKey): string {
    return this.instances.get(key)?.history.join('') ?? '';
  }

  /** Everything every process logged, per instance. */
  allLogs(): Map<InstanceKey, string> {
    return new Map([...this.instances.values()].map((i) => [i.key, i.history.join('')]));
  }

  /**
   * With E2E_LOG_DIR set, every instance's whole output is written there when the stack stops (one
   * file per instance, named after the stream): what a failed CI run needs to be diagnosed, with
   * E2E_LOG_LEVEL=debug for the details.
   */
  private keepLogs(): void {
    const dir = process.env.E2E_LOG_DIR;
    if (!dir || !this.topo) return;
    mkdirSync(dir, { recursive: true });
    for (const [key, text] of this.allLogs()) writeFileSync(join(dir, `${this.topo.topology.stream}.${key}.log`), text);
  }

  /** Exits nobody asked for, per instance (empty when every process is healthy). */
  crashes(): Array<{ key: InstanceKey; code: number | null; signal: NodeJS.Signals | null; tail: string }> {
    return [...this.instances.values()].flatMap((i) => i.crashes.map((c) => ({ key: i.key, ...c, tail: i.history.join('').slice(-3000) })));
  }

  /** Asks every running instance's /health/ready; returns the keys that are not ready. */
  async notReady(): Promise<InstanceKey[]> {
    const bad: InstanceKey[] = [];
    for (const entry of this.instances.values()) {
      if (!entry.process || entry.expectedExit) continue;
      try {
        const res = await fetch(`http://127.0.0.1:${entry.port}/health/ready`, { signal: AbortSignal.timeout(5_000) });
        if (!res.ok) bad.push(entry.key);
      } catch {
        bad.push(entry.key);
      }
    }
    return bad;
  }

  /** The instance's Prometheus metrics (text format). */
  async metrics(key: InstanceKey): Promise<string> {
    const entry = this.instances.get(key);
    if (!entry) throw new Error(`${key} was never started`);
    const res = await fetch(`http://127.0.0.1:${entry.port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return res.text();
  }

  /** Sum of a counter's samples in an instance's metrics whose labels include all of `labels`. */
  async counter(key: InstanceKey, name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = await this.metrics(key);
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.instances.keys()].map((key) => this.stopService(key)));
    this.keepLogs();
    await this.zoho?.stop();
    if (this.nats) {
      // The stream goes with the server's directory.
      await this.topo?.nc.close().catch(() => undefined);
      await this.nats.stop();
    } else {
      await this.topo?.destroy();
    }
    if (this.postgres) {
      if (this.db?.dataSource.isInitialized) await this.db.dataSource.destroy().catch(() => undefined);
      await this.postgres.stop();
    } else {
      await this.db?.drop();
    }
  }

  async api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${this.adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, json: json as T };
  }

  /** Starts a replay through the admin API and follows it until done, as the CLI does; its final progress. */
  async replay(connectionId: string, body: Record<string, unknown>, timeoutMs = 60_000): Promise<any> {
    const started = await this.api('POST', `/api/connections/${connectionId}/replay`, body);
    if (started.status !== 202) throw new Error(`replay not started: ${started.status} ${JSON.stringify(started.json)}`);
    return this.replayDone(started.json.replayId, timeoutMs);
  }

  /** Follows a started replay until done; its final progress. */
  async replayDone(replayId: string, timeoutMs = 60_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const progress = await this.api('GET', `/api/replays/${replayId}`);
      if (progress.status !== 200) throw new Error(`replay ${replayId}: ${progress.status} ${JSON.stringify(progress.json)}`);
      if (progress.json.done) return progress.json;
      if (Date.now() > deadline) throw new Error(`replay did not finish: ${JSON.stringify(progress.json)}`);
      await sleep(100);
    }
  }

  /** Links a fake store to a fake Zoho organization through the admin API, and registers the webhooks. */
  async connect(woo: FakeWooStore, organizationId: string, settings: Record<string, unknown> = {}, options: { accountsUrl?: string; storeUnreachable?: boolean } = {}): Promise<string> {
    const client = this.zoho.registerClient();
    const webhookSecret = `e2e-webhook-secret-${randomBytes(8).toString('hex')}`;
    // The scopes the product asks an owner to consent to, not full access: every suite then proves
    // they cover each call it makes (a missing one is Zoho's 401/57 in production).
    const refreshToken = this.zoho.issueRefreshToken(client.clientId, [organizationId], [...ZOHO_BOOKS_SCOPES]);
    for (const secret of [webhookSecret, client.clientSecret, refreshToken, woo.consumerSecret]) this.secrets.add(secret);
    // A Slack-style alert URL carries its token in the path: the URL is a secret too.
    if (typeof settings.alertWebhookUrl === 'string') this.secrets.add(settings.alertWebhookUrl);
    const created = await this.api('POST', '/api/connections', {
      name: `e2e ${woo.currency} store`,
      woocommerce: { url: woo.url, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret, webhookSecret },
      zoho: { ...client, refreshToken, accountsUrl: options.accountsUrl ?? this.zoho.accountsUrl, organizationId },
      settings: { storeTimeZone: woo.timeZone, ...settings },
    });
    if (created.status !== 201) throw new Error(`connection not created: ${JSON.stringify(created.json)}`);
    const hooks = await this.api('POST', `/api/connections/${created.json.id}/webhooks`);
    if (hooks.status !== 200) throw new Error(`webhooks not registered: ${JSON.stringify(hooks.json)}`);
    // Every suite's stores prove they reached the gateway when their webhooks were created.
    if (!options.storeUnreachable && hooks.json.deliveryCheck?.status !== 'reached') throw new Error(`the store did not reach the gateway: ${JSON.stringify(hooks.json.deliveryCheck)}`);
    this.webhookRegistrations.set(created.json.id, hooks.json);
    this.webhookSecrets.set(created.json.id, webhookSecret);
    this.zohoAuthorizations.set(created.json.id, { ...client, refreshToken, organizationId });
    return created.json.id;
  }

  /** Waits until the order's sync record reaches a settled state and returns it. */
  async settledOrder(
    connectionId: string,
    orderId: number,
    states = ['synced', 'voided', 'failed', 'skipped'],
    options: { timeoutMs?: number; until?: (record: any) => boolean } = {},
  ): Promise<any> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let last: any;
    while (Date.now() < deadline) {
      const res = await this.api('GET', `/api/connections/${connectionId}/orders/${orderId}`).catch(() => undefined);
      last = res?.json;
      if (res?.status === 200 && states.includes(last.state) && everyEventNoted(last) && (!options.until || options.until(last))) return last;
      await sleep(100);
    }
    throw new Error(`order ${orderId} did not settle: ${JSON.stringify(last)}\n--- invoice-sync logs ---\n${this.logs('invoice-sync').slice(-4000)}`);
  }

  /** Posts a body to the gateway signed as WooCommerce would (for stale or replayed snapshots). */
  async postSigned(connectionId: string, topic: string, body: string): Promise<Response> {
    const signature = createHmac('sha256', this.webhookSecrets.get(connectionId)!).update(body).digest('base64');
    return this.postRaw(connectionId, body, signedHeaders(topic, signature));
  }

  /** Posts anything to the gateway's webhook endpoint (for bad input). */
  async postRaw(connectionId: string, body: string | Buffer, headers: Record<string, string>): Promise<Response> {
    return fetch(`${this.gatewayUrl}/webhooks/woocommerce/${connectionId}`, { method: 'POST', body, headers });
  }

  private async waitReady(entry: Instance): Promise<void> {
    const deadline = Date.now() + 60_000;
    const child = entry.process!;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${entry.key} exited during start:\n${entry.output.join('')}`);
      try {
        const res = await fetch(`http://127.0.0.1:${entry.port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${entry.key} did not become ready:\n${entry.output.join('')}`);
  }
}

/** The headers WooCommerce sends with a delivery of `topic`. */
export function signedHeaders(topic: string, signature: string): Record<string, string> {
  const [resource, event] = topic.split('.');
  return {
    'content-type': 'application/json',
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-resource': resource ?? '',
    'x-wc-webhook-event': event ?? '',
    'x-wc-webhook-signature': signature,
  };
}

function instanceOf(key: InstanceKey): string {
  const hash = key.indexOf('#');
  return hash === -1 ? '' : key.slice(hash + 1);
}

/** One entry of an order's audit trail, as its story shows it. */
export interface StoryAuditEntry {
  service: string;
  action: string;
  outcome: string;
  message: string;
  streamSeq: string;
}

/**
 * What every order story has (GET /api/connections/:id/orders/:orderId); a suite extends it with
 * the fields it reads.
 */
export interface OrderStoryBase {
  state: string;
  reason: string | null;
  streamSeqs: number[];
  deadLetters: Array<{ status: string; reason: string; streamSeq: string }>;
  audit: StoryAuditEntry[];
}

/**
 * Every event the order's record lists has an invoice-sync outcome in the audit trail. The record
 * (and a payment's or credit note's row) is saved as each step lands; the event's outcomes are
 * noted when its handling ends, a moment later. A story read in between shows the new state
 * without its notes, so a test that reads the notes waits for this too.
 */
export function everyEventNoted(story: Pick<OrderStoryBase, 'streamSeqs' | 'audit'>): boolean {
  const noted = new Set(story.audit.filter((entry) => entry.service === 'invoice-sync').map((entry) => Number(entry.streamSeq)));
  return story.streamSeqs.every((seq) => noted.has(Number(seq)));
}
