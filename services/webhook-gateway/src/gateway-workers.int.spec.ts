import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { eventually, freePort, TestDatabase, TestTopology } from '@connector/testing';
import { gatewayFixture, orderFixture, sign, wooHeaders } from './gateway.fixture';

/** Pids of the processes whose parent is `pid` (the cluster's workers). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('webhook-gateway with GATEWAY_WORKERS=2 (node:cluster)', () => {
  let db: TestDatabase;
  let topo: TestTopology;
  let gateway: ChildProcess;
  let base: string;
  let connectionId: string;

  before(async () => {
    const fx = await gatewayFixture();
    ({ db, topo } = fx);
    connectionId = fx.connection.id;
    const port = await freePort();
    gateway = spawn(process.execPath, [join(__dirname, 'main.js')], {
      env: { ...process.env, ...fx.env, GATEWAY_PORT: String(port), GATEWAY_WORKERS: '2', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    base = `http://127.0.0.1:${port}`;
    await eventually(() => childrenOf(gateway.pid!).length === 2, 30_000);
    await eventually(async () => (await fetch(`${base}/health/ready`)).status === 200, 30_000);
  });

  after(async () => {
    if (gateway && gateway.exitCode === null) {
      gateway.kill('SIGKILL');
      for (const pid of childrenOf(gateway.pid!)) process.kill(pid, 'SIGKILL');
    }
    await topo?.destroy();
    await db?.drop();
  });

  const deliver = async (n: number) => {
    const order = JSON.parse(orderFixture().toString('utf8'));
    const body = Buffer.from(JSON.stringify({ ...order, id: 50_000 + n }));
    // A new connection per request, so the primary spreads them over the workers.
    return fetch(`${base}/webhooks/woocommerce/${connectionId}`, {
      method: 'POST',
      body,
      headers: { ...wooHeaders('order.created', sign(body, 'wh-secret & more')), connection: 'close' },
    });
  };

  const acceptedInMetrics = async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: { connection: 'close' } })).text();
    const line = text.split('\n').find((l) => l.startsWith('connector_gateway_deliveries_total{') && l.includes('outcome="accepted"'));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  test('deliveries spread over the workers are all stored, and /metrics sums the workers', async () => {
    const responses = await Promise.all(Array.from({ length: 40 }, (_, n) => deliver(n)));
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));
    const jsm = await jetstreamManager(topo.nc);
    assert.equal((await jsm.streams.info(topo.topology.stream)).state.messages, 40);
    // Whichever worker answers the scrape, it reports all 40 (each worker alone took fewer).
    for (let i = 0; i < 4; i++) assert.equal(await acceptedInMetrics(), 40);
  });

  test('a worker that dies is replaced, and deliveries go on', async () => {
    const [victim] = childrenOf(gateway.pid!);
    process.kill(victim!, 'SIGKILL');
    await eventually(() => {
      const workers = childrenOf(gateway.pid!);
      return workers.length === 2 && !workers.includes(victim!);
    }, 30_000);
    await eventually(async () => (await fetch(`${base}/health/ready`, { headers: { connection: 'close' } })).status === 200, 30_000);
    const responses = await Promise.all(Array.from({ length: 10 }, (_, n) => deliver(100 + n)));
    assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([200]));
  });

  test('SIGTERM stops the workers and then the primary, cleanly', async () => {
    const workers = childrenOf(gateway.pid!);
    const exited = once(gateway, 'exit');
    gateway.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), 'worker is gone');
  });
});
