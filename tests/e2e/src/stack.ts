import { ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sleep } from '@connector/common';
import { FakeWooStore, FakeZoho } from '@connector/sandbox';
import { createTestDatabase, createTestTopology, freePort, TestDatabase, TestTopology, testEncryptionKeys } from '@connector/testing';

const ROOT = join(__dirname, '../../..');
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export type ServiceName = 'token-service' | 'webhook-gateway' | 'customer-sync' | 'catalog-sync' | 'invoice-sync';
const SERVICES: ServiceName[] = ['token-service', 'webhook-gateway', 'customer-sync', 'catalog-sync', 'invoice-sync'];

interface RunningService {
  name: ServiceName;
  port: number;
  process: ChildProcess;
  output: string[];
}

/**
 * The whole product as in production: five separate Node processes, talking over the real NATS
 * JetStream and PostgreSQL, with only Zoho Books and WooCommerce replaced by the sandbox fakes.
 */
export class Stack {
  private readonly running = new Map<ServiceName, RunningService>();
  zoho!: FakeZoho;
  db!: TestDatabase;
  topo!: TestTopology;
  env!: Record<string, string>;
  adminUrl = '';
  gatewayUrl = '';
  /** Webhook secret of each connection (set explicitly here so tests can sign deliveries themselves). */
  readonly webhookSecrets = new Map<string, string>();

  static async start(extraEnv: Record<string, string> = {}): Promise<Stack> {
    const stack = new Stack();
    stack.zoho = await FakeZoho.start();
    stack.db = await createTestDatabase('connector_e2e');
    stack.topo = await createTestTopology();
    stack.env = {
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      DATABASE_URL: stack.db.url,
      NATS_STREAM: stack.topo.topology.stream,
      NATS_SUBJECT_PREFIX: stack.topo.topology.subjectPrefix,
      ENCRYPTION_KEYS: testEncryptionKeys(),
      ADMIN_TOKEN,
      ALLOW_PRIVATE_ENDPOINTS: 'true',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      RETRY_INITIAL_MS: '200',
      RETRY_MAX_MS: '2000',
      ...extraEnv,
    };
    for (const name of SERVICES) await stack.startService(name);
    return stack;
  }

  async startService(name: ServiceName, instance = ''): Promise<void> {
    const port = await freePort();
    const portVar = name === 'token-service' ? 'ADMIN_PORT' : name === 'webhook-gateway' ? 'GATEWAY_PORT' : 'HTTP_PORT';
    const env: Record<string, string> = { ...process.env as Record<string, string>, ...this.env, [portVar]: String(port) };
    if (name === 'token-service') env.PUBLIC_URL = this.gatewayUrl || 'http://127.0.0.1:1';
    const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'services', name, 'dist/main.js')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 400) output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const key = `${name}${instance}` as ServiceName;
    this.running.set(key, { name, port, process: child, output });
    await this.waitReady(key, port);
    if (name === 'token-service') this.adminUrl = `http://127.0.0.1:${port}`;
    if (name === 'webhook-gateway') {
      this.gatewayUrl = `http://127.0.0.1:${port}`;
      // The admin service builds webhook URLs from PUBLIC_URL: restart it now that the gateway's port is known.
      await this.restart('token-service');
    }
  }

  async restart(name: ServiceName): Promise<void> {
    await this.stopService(name);
    await this.startService(name);
  }

  async stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const service = this.running.get(name);
    if (!service) return;
    this.running.delete(name);
    if (service.process.exitCode !== null) return;
    const exited = new Promise((resolve) => service.process.once('exit', resolve));
    service.process.kill(signal);
    await exited;
  }

  logs(name: ServiceName): string {
    return this.running.get(name)?.output.join('') ?? '';
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stopService(name)));
    await this.zoho?.stop();
    await this.topo?.destroy();
    await this.db?.drop();
  }

  async api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${this.adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Links a fake store to a fake Zoho organization through the admin API, and registers the webhooks. */
  async connect(woo: FakeWooStore, organizationId: string, settings: Record<string, unknown> = {}): Promise<string> {
    const client = this.zoho.registerClient();
    const webhookSecret = `e2e-webhook-secret-${randomBytes(8).toString('hex')}`;
    const created = await this.api('POST', '/api/connections', {
      name: `e2e ${woo.currency} store`,
      woocommerce: { url: woo.url, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret, webhookSecret },
      zoho: { ...client, refreshToken: this.zoho.issueRefreshToken(client.clientId, [organizationId]), accountsUrl: this.zoho.accountsUrl, organizationId },
      settings: { storeTimeZone: woo.timeZone, ...settings },
    });
    if (created.status !== 201) throw new Error(`connection not created: ${JSON.stringify(created.json)}`);
    const hooks = await this.api('POST', `/api/connections/${created.json.id}/webhooks`);
    if (hooks.status !== 200) throw new Error(`webhooks not registered: ${JSON.stringify(hooks.json)}`);
    this.webhookSecrets.set(created.json.id, webhookSecret);
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
      const res = await this.api('GET', `/api/connections/${connectionId}/orders/${orderId}`);
      last = res.json;
      if (res.status === 200 && states.includes(last.state) && (!options.until || options.until(last))) return last;
      await sleep(100);
    }
    throw new Error(`order ${orderId} did not settle: ${JSON.stringify(last)}\n--- invoice-sync logs ---\n${this.logs('invoice-sync').slice(-4000)}`);
  }

  /** Posts a body to the gateway signed as WooCommerce would (for stale or replayed snapshots). */
  async postSigned(connectionId: string, topic: string, body: string): Promise<Response> {
    const signature = createHmac('sha256', this.webhookSecrets.get(connectionId)!).update(body).digest('base64');
    const [resource, event] = topic.split('.');
    return fetch(`${this.gatewayUrl}/webhooks/woocommerce/${connectionId}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-topic': topic,
        'x-wc-webhook-resource': resource,
        'x-wc-webhook-event': event,
        'x-wc-webhook-signature': signature,
      },
    });
  }

  private async waitReady(name: ServiceName, port: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    const service = this.running.get(name)!;
    while (Date.now() < deadline) {
      if (service.process.exitCode !== null) throw new Error(`${name} exited during start:\n${service.output.join('')}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${name} did not become ready:\n${service.output.join('')}`);
  }
}
