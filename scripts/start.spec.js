// `npm start` as a new user runs it: the launcher brings up the five services plus the sandbox,
// links them with a ready connection, places a sample order, and that order becomes an invoice and a payment.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createTestDatabase, createTestTopology, freePort } = require('../libs/testing/dist');

const root = join(__dirname, '..');

test('npm start runs the product against the built-in sandbox', { timeout: 240_000 }, async () => {
  const db = await createTestDatabase('connector_start');
  const topo = await createTestTopology();
  const stateDir = mkdtempSync(join(tmpdir(), 'connector-state-'));
  const ports = {};
  for (const name of ['GATEWAY_PORT', 'ADMIN_PORT', 'CUSTOMER_SYNC_PORT', 'CATALOG_SYNC_PORT', 'INVOICE_SYNC_PORT']) ports[name] = String(await freePort());
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], {
    cwd: root,
    env: {
      ...process.env,
      ...ports,
      DATABASE_URL: db.url,
      NATS_STREAM: topo.topology.stream,
      NATS_SUBJECT_PREFIX: topo.topology.subjectPrefix,
      CONNECTOR_STATE_DIR: stateDir,
      LOG_LEVEL: 'warn',
      SANDBOX: 'auto',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    // The waits (and the stop below) together stay under the test's timeout, so one that runs out reports the output.
    const placed = await waitFor(() => /placed sample order #(\d+).*connections\/([0-9a-f-]{36})\/orders\/(\d+)/.exec(output), 100_000, () => output);
    const [, , connectionId, orderId] = placed;
    assert.match(output, /ping: WooCommerce ok, Zoho ok; webhooks: the store reached http:\/\/127\.0\.0\.1:\d+\/webhooks\/woocommerce\//);
    const token = /ADMIN_TOKEN=(.+)/.exec(readFileSync(join(stateDir, 'local.env'), 'utf8'))[1];
    const admin = `http://127.0.0.1:${ports.ADMIN_PORT}`;
    const record = await waitFor(async () => {
      const res = await fetch(`${admin}/api/connections/${connectionId}/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
      const json = res.ok ? await res.json() : undefined;
      return json && (json.state === 'synced' || json.state === 'failed') ? json : undefined;
    }, 35_000, () => output);
    assert.equal(record.state, 'synced', `the sample order failed: ${record.reason}\n${output.slice(-2000)}`);
    assert.equal(record.reconciled, true);
    assert.equal(record.orderTotal, record.zohoTotal);
    // The sandbox connection books payments: the paid sample order's payment follows its invoice.
    let lastPayment;
    const paid = await waitFor(async () => {
      const res = await fetch(`${admin}/api/connections/${connectionId}/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } });
      const json = res.ok ? await res.json() : undefined;
      lastPayment = json?.payment;
      return json?.payment?.state === 'recorded' ? json : undefined;
    }, 35_000, () => `${output}\npayment: ${JSON.stringify(lastPayment)}`);
    assert.equal(paid.payment.zohoAmount, record.orderTotal);
    assert.equal(paid.invoice.status, 'paid');
    for (const port of Object.values(ports)) {
      assert.equal((await fetch(`http://127.0.0.1:${port}/health/ready`)).status, 200);
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    // start.mjs kills a service that does not stop within 20 s; more than that is a hung launcher.
    const hung = await Promise.race([exited.then(() => false), new Promise((resolve) => setTimeout(() => resolve(true), 35_000))]);
    if (hung) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(stateDir, { recursive: true, force: true });
    await topo.destroy();
    await db.drop();
  }
  assert.equal(child.exitCode, 0, `npm start did not stop cleanly on SIGTERM:\n${output.slice(-2000)}`);
});

async function waitFor(probe, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out; output so far:\n${describe().slice(-4000)}`);
}

test('npm start says which dependency is missing and how to start it', async () => {
  const closed = await freePort();
  for (const [name, env, pattern] of [
    ['NATS', { NATS_URL: `nats://127.0.0.1:${closed}` }, /NATS is not reachable at 127\.0\.0\.1:\d+; start it with: nats-server -js/],
    ['PostgreSQL', { DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/connector` }, /PostgreSQL is not reachable at 127\.0\.0\.1:\d+; start it with: pg_ctlcluster/],
  ]) {
    const stateDir = mkdtempSync(join(tmpdir(), 'connector-state-'));
    const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env: { ...process.env, ...env, CONNECTOR_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    rmSync(stateDir, { recursive: true, force: true });
    assert.equal(code, 1, name);
    assert.match(output, pattern);
  }
});
