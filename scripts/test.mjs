#!/usr/bin/env node
// Runs every compiled test (`*.spec.js`) with Node's own test runner.
// Integration tests (`*.int.spec.js`) talk to the real NATS JetStream and PostgreSQL named by
// NATS_URL and DATABASE_URL (defaults: the local services on loopback); each test creates its own
// database, stream and consumers and removes them afterwards.
//   node scripts/test.mjs            all tests
//   node scripts/test.mjs --unit     unit tests only
//   node scripts/test.mjs gateway    only files whose path contains "gateway"
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.spec.js')) out.push(path);
  }
  return out;
}

const files = ['libs', 'services', 'tests', 'scripts']
  .flatMap((top) => {
    try { return walk(join(root, top)).filter((f) => f.includes('/dist/') || top === 'scripts'); } catch { return []; }
  })
  .filter((f) => !unitOnly || !f.endsWith('.int.spec.js'))
  .filter((f) => filters.length === 0 || filters.some((needle) => f.includes(needle)))
  .sort();

if (files.length === 0) {
  console.error('No test files found. Did the build run?');
  process.exit(1);
}
console.log(`Running ${files.length} test files:\n  ${files.map((f) => relative(root, f)).join('\n  ')}`);

const env = {
  ...process.env,
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  NODE_ENV: 'test',
};
// One file at a time: RPC subjects are global on a NATS server, so two test files answering the
// same RPC could cross-talk. A per-test timeout and force-exit keep a stuck test from hanging CI.
const child = spawn(process.execPath, [
  '--enable-source-maps', '--test', '--test-reporter=spec', '--test-concurrency=1', '--test-timeout=600000', '--test-force-exit',
  ...files,
], {
  stdio: 'inherit',
  env,
  cwd: root,
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
