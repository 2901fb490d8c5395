import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { sleep } from '@connector/common';
import { freePort } from './private-nats';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication, loopback only). */
  url: string;
  port: number;
  /** The cluster's directory (data and socket). */
  dir: string;
  /** A crash: every server process is aborted at once (`pg_ctl stop -m immediate`), no checkpoint. */
  kill(): Promise<void>;
  /** Stops the server if it runs (fast shutdown), then starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Starts a stopped or killed server again. */
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

const PG_BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/**
 * A PostgreSQL server of the test's own: `initdb` into a temporary directory and `pg_ctl start`
 * on a free loopback port, so a test can crash or restart the database without disturbing the
 * shared server or other tests. As root, the binaries run as the `postgres` user (PostgreSQL
 * refuses to run as root) and the directory is handed to that user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'connector-pg-'));
  const dataDir = join(dir, 'data');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (binary: string, args: string[], timeoutMs = 60_000) => {
    const command = asRoot ? 'runuser' : join(PG_BIN, binary);
    const argv = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, binary), ...args] : args;
    return run(command, argv, { cwd: dir, timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' } });
  };

  await pg('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions']);
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c max_connections=200',
    '-c shared_buffers=32MB',
    '-c logging_collector=off',
  ].join(' ');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = false;

  const start = async () => {
    if (running) return;
    await pg('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options]);
    running = true;
    await waitForPostgres(url);
  };
  const stopWith = async (mode: 'fast' | 'immediate') => {
    if (!running) return;
    running = false;
    await pg('pg_ctl', ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '60']).catch(() => undefined);
  };

  await start();
  return {
    url,
    port,
    dir,
    kill: () => stopWith('immediate'),
    start,
    async restart() {
      await stopWith('fast');
      await start();
    },
    async stop() {
      await stopWith('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPostgres(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      last = error;
      await client.end().catch(() => undefined);
      await sleep(100);
    }
  }
  throw new Error(`private PostgreSQL at ${url} did not accept connections: ${(last as Error)?.message}`);
}
