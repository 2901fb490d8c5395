#!/usr/bin/env node
// `npm start`: runs the whole product (five services) against NATS_URL and DATABASE_URL.
// With no connection configured (or SANDBOX=on) it also starts the built-in sandbox (a fake
// WooCommerce store and a fake Zoho Books) and links them with a ready connection, so a new user
// sees an order become an invoice at once. SANDBOX=off never starts it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const say = (line) => console.log(`[connector] ${line}`);
/** The sandbox's deposit account for payments and refunds (its fake Books keeps no chart of accounts). */
const SANDBOX_BANK_ACCOUNT_ID = '460000000000358';

// 1. Local secrets: generated once and kept in .connector/local.env (git-ignored), so a restart
//    can still decrypt what it stored. Real deployments set ENCRYPTION_KEYS and ADMIN_TOKEN.
const stateDir = process.env.CONNECTOR_STATE_DIR ?? join(root, '.connector');
const localEnvFile = join(stateDir, 'local.env');
mkdirSync(stateDir, { recursive: true });
const local = existsSync(localEnvFile) ? parseEnv(readFileSync(localEnvFile, 'utf8')) : {};
if (!local.ENCRYPTION_KEYS) local.ENCRYPTION_KEYS = `local1:${randomBytes(32).toString('base64')}`;
if (!local.ADMIN_TOKEN) local.ADMIN_TOKEN = randomBytes(24).toString('base64url');
writeFileSync(localEnvFile, Object.entries(local).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
chmodSync(localEnvFile, 0o600);

const env = {
  NATS_URL: 'nats://127.0.0.1:4222',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/connector',
  GATEWAY_PORT: '3000',
  ADMIN_PORT: '3001',
  ...local,
  ...process.env,
};
env.PUBLIC_URL ??= `http://127.0.0.1:${env.GATEWAY_PORT}`;
const sandboxMode = (env.SANDBOX ?? 'auto').toLowerCase();

// 2. Dependencies: say which one is missing and how to start it.
await requireTcp('NATS', env.NATS_URL, 4222,
  'start it with: nats-server -js   (or: docker compose up -d nats)');
await requireTcp('PostgreSQL', env.DATABASE_URL, 5432,
  'start it with: pg_ctlcluster 15 main start   (or: docker compose up -d postgres)');

const persistence = require(join(root, 'libs/persistence/dist/index.js'));
await persistence.ensureDatabase(env.DATABASE_URL);
{
  const ds = persistence.createDataSource({ url: env.DATABASE_URL, applicationName: 'connector-start' });
  await ds.initialize();
  const applied = await persistence.runMigrations(ds);
  if (applied.length) say(`database migrated (${applied.join(', ')})`);
  const existing = await ds.query('SELECT id, settings FROM connections WHERE deleted_at IS NULL');
  await ds.destroy();
  var useSandbox = sandboxMode === 'on' || (sandboxMode === 'auto' && existing.every((c) => c.settings?.sandbox));
  var staleSandboxConnections = existing.filter((c) => c.settings?.sandbox).map((c) => c.id);
}

let sandbox;
if (useSandbox) {
  const { startSandbox } = require(join(root, 'libs/sandbox/dist/index.js'));
  // The scopes the README tells an owner to grant, so the sandbox connection can do what a real one can, and no more.
  const { ZOHO_BOOKS_SCOPES } = require(join(root, 'libs/zoho-books/dist/index.js'));
  sandbox = await startSandbox({ scopes: ZOHO_BOOKS_SCOPES });
  env.ALLOW_PRIVATE_ENDPOINTS = 'true'; // the sandbox lives on loopback over http
  say(`sandbox: fake WooCommerce at ${sandbox.woo.url}, fake Zoho accounts at ${sandbox.zoho.accountsUrl}, Books API at ${sandbox.zoho.apiDomain}`);
}

// 3. The five services, each its own process (as in production).
const services = [
  ['token-service', {}],
  ['webhook-gateway', {}],
  ['customer-sync', { HTTP_PORT: env.CUSTOMER_SYNC_PORT ?? '3002' }],
  ['catalog-sync', { HTTP_PORT: env.CATALOG_SYNC_PORT ?? '3003' }],
  ['invoice-sync', { HTTP_PORT: env.INVOICE_SYNC_PORT ?? '3004' }],
];
const children = [];
let stopping = false;
for (const [name, extra] of services) {
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'services', name, 'dist/main.js')], {
    env: { ...env, ...extra },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.serviceName = name;
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      shutdown(1);
    }
  });
  children.push(child);
}

const admin = `http://127.0.0.1:${env.ADMIN_PORT}`;
await waitForHttp(`${admin}/health/ready`);
await waitForHttp(`http://127.0.0.1:${env.GATEWAY_PORT}/health/ready`);
say(`admin API ${admin}/api (docs: ${admin}/api/docs, dashboard: ${admin}/), token in ${localEnvFile} (ADMIN_TOKEN)`);
say(`webhook gateway http://127.0.0.1:${env.GATEWAY_PORT}/webhooks/woocommerce/<connectionId>`);

if (sandbox) await provisionSandboxConnection();
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function provisionSandboxConnection() {
  const call = async (method, path, body) => {
    const res = await fetch(`${admin}${path}`, {
      method,
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  for (const id of staleSandboxConnections) await call('DELETE', `/api/connections/${id}`).catch(() => undefined);
  const connection = await call('POST', '/api/connections', {
    name: 'Sandbox store',
    woocommerce: { url: sandbox.woo.url, consumerKey: sandbox.woo.consumerKey, consumerSecret: sandbox.woo.consumerSecret },
    zoho: { ...sandbox.zohoClient, accountsUrl: sandbox.zoho.accountsUrl, organizationId: sandbox.org.organization_id },
    // Payments are booked from now on, into the sandbox's bank account, so a try-out shows the whole
    // story of an order: invoice, payment, refund given back.
    settings: { sandbox: true, storeTimeZone: sandbox.woo.timeZone ?? 'UTC', paymentsSince: new Date().toISOString().slice(0, 19), paymentAccountId: SANDBOX_BANK_ACCOUNT_ID },
  });
  const ping = await call('POST', `/api/connections/${connection.id}/ping`);
  const hooks = await call('POST', `/api/connections/${connection.id}/webhooks`);
  say(`sandbox connection ${connection.id} ready (ping: WooCommerce ${ping.woocommerce.ok ? 'ok' : ping.woocommerce.error}, Zoho ${ping.zoho.ok ? 'ok' : ping.zoho.error}; webhooks: ${hooks.deliveryCheck?.message ?? 'registered'})`);
  if (typeof sandbox.placeSampleOrder === 'function') {
    const order = await sandbox.placeSampleOrder();
    say(`placed sample order #${order.number}; see it sync: curl -H "Authorization: Bearer $ADMIN_TOKEN" ${admin}/api/connections/${connection.id}/orders/${order.id}`);
  }
}

/** A service still running this long after SIGTERM is killed, and named, so a stop never hangs. */
const STOP_GRACE_MS = 20_000;

function shutdown(code) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill('SIGTERM');
  let exitCode = code;
  const stopped = (child) =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => {
        say(`${child.serviceName} did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; killed`);
        exitCode = 1;
        child.kill('SIGKILL');
      }, STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  Promise.all(running.map(stopped))
    .then(() => sandbox?.close?.())
    .finally(() => process.exit(exitCode));
}

function parseEnv(text) {
  return Object.fromEntries(
    text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

async function requireTcp(name, url, defaultPort, hint) {
  const first = url.split(',')[0];
  const parsed = new URL(first);
  const host = parsed.hostname || '127.0.0.1';
  const port = Number(parsed.port || defaultPort);
  const ok = await new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 2000 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
  if (!ok) {
    console.error(`[connector] ${name} is not reachable at ${host}:${port}; ${hint}`);
    process.exit(1);
  }
}

async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready`);
}
