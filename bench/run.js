#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: the performance suite. Starts the real stack (five service processes over the
 * real NATS JetStream and PostgreSQL, the sandbox fakes in this process, a unique stream, subject
 * prefix and database that are removed afterwards), runs the scenarios in bench/scenarios/, and
 * prints one table that is also written to bench/results/<timestamp>.md and bench/results/latest.md.
 *
 * Needs the compiled dist/ (npm run build). Sizes: BENCH_SCALE (default 1 ≈ 6 minutes; 0.2 for a
 * smoke run). Only some scenarios: BENCH_ONLY=intake,e2e,calls,quota,replay,memory,storage.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { setTimeout: sleep } = require('node:timers/promises');
const { config, wants } = require('./lib/config');
const { newClient } = require('./lib/http-load');
const { Monitor } = require('./lib/monitor');
const { machineDescription, rssBytes } = require('./lib/proc');
const { render } = require('./lib/report');
const { servicePids, startStack } = require('./lib/stack');
const { watchZoho } = require('./lib/zoho-watch');

const SCENARIOS = {
  intake: require('./scenarios/gateway-intake'),
  e2e: require('./scenarios/end-to-end'),
  calls: require('./scenarios/calls-per-order'),
  quota: require('./scenarios/quota'),
  replay: require('./scenarios/replay'),
  memory: require('./scenarios/memory'),
  storage: require('./scenarios/storage'),
};

/** A full garbage collection of the bench process, run before each measurement (no --expose-gc needed). */
const collectGarbage = (() => {
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    return require('node:vm').runInNewContext('gc');
  } catch {
    return () => undefined;
  }
})();

function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function gitDescription() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: config.root, encoding: 'utf8' }).trim();
    return `commit ${commit}`;
  } catch {
    return 'an unknown commit';
  }
}

function createContext() {
  const deferred = [];
  const ctx = {
    config,
    rows: [],
    diagnoses: [],
    cpuWindows: [],
    notes: [],
    results: {},
    memory: {},
    monitor: new Monitor({ natsUrl: process.env.NATS_URL || 'nats://127.0.0.1:4222' }),
    row(row) {
      ctx.rows.push(row);
      log(`${row.scenario} — ${row.metric}: ${row.measured}${row.pass === false ? '  [MISS]' : row.pass === true ? '  [pass]' : ''}`);
    },
    /** Before a measurement: wait (bounded) for the machine to be free of other work; note it if not. */
    async quiet(label) {
      collectGarbage(); // so the generator's own heap does not pause it mid-measurement
      const q = await ctx.monitor.waitQuiet({ maxOtherCores: 0.25, maxWaitMs: config.quietWaitMs });
      if (q.other > 0.25) {
        ctx.notes.push(`${label}: started while processes outside the bench used ${q.other.toFixed(2)} cores (waited ${(q.waitedMs / 1000).toFixed(0)} s for the machine to be quiet).`);
        log(`${label}: machine busy with other work (${q.other.toFixed(2)} cores), measuring anyway`);
      }
    },
    diagnose(text) {
      ctx.diagnoses.push(text);
    },
    /** Registers a clean-up for an abort; returns a function that runs it now (once). */
    defer(fn) {
      let done = false;
      const entry = async () => {
        if (done) return;
        done = true;
        deferred.splice(deferred.indexOf(entry), 1);
        await fn();
      };
      deferred.push(entry);
      return entry;
    },
    async cleanup() {
      for (const fn of [...deferred].reverse()) await fn().catch((e) => log(`clean-up failed: ${e.message}`));
    },
  };
  return ctx;
}

/** Scenarios 2–6 on one stack of all five services; returns the machine's description. */
async function runOnStack(ctx) {
  log('starting the stack (five services, NATS JetStream, PostgreSQL, sandbox)');
  const stack = await startStack({ env: { LOG_LEVEL: config.logLevel, ZOHO_RATE_LIMIT_PER_MINUTE: String(config.quota.perMinute), ...config.serviceEnv } });
  const stopStack = ctx.defer(() => stack.stop());
  ctx.stack = stack;
  ctx.watch = watchZoho(stack.zoho);
  ctx.client = newClient(256);
  ctx.monitor.attach(stack, servicePids(stack));
  const machine = await machineDescription((sql) => stack.db.dataSource.query(sql), undefined);
  await sleep(2_000);
  ctx.memory.idle = ctx.monitor.rssNow();
  ctx.monitor.peaks.clear();
  if (wants('storage')) await SCENARIOS.storage.baseline(ctx);

  for (const name of ['e2e', 'calls', 'quota', 'replay']) {
    if (!wants(name)) continue;
    log(name);
    await SCENARIOS[name].run(ctx);
  }
  ctx.monitor.sampleRss();
  ctx.memory.peak = Object.fromEntries(ctx.monitor.peaks);
  ctx.memory.natsEnd = ctx.monitor.natsPid ? rssBytes(ctx.monitor.natsPid) : undefined;
  ctx.memory.end = ctx.monitor.rssNow();
  if (wants('memory')) SCENARIOS.memory.run(ctx);
  if (wants('storage')) await SCENARIOS.storage.run(ctx);

  ctx.client.destroy();
  ctx.watch.stop();
  await stopStack();
  return machine;
}

async function main() {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const ctx = createContext();
  let aborted = false;
  const abort = async (why) => {
    if (aborted) return;
    aborted = true;
    log(`aborting: ${why}`);
    await ctx.cleanup();
    process.exit(2);
  };
  const watchdog = setTimeout(() => void abort(`the run exceeded BENCH_MAX_MINUTES (${config.maxRunMs / 60_000} min)`), config.maxRunMs);
  process.once('SIGINT', () => void abort('interrupted'));
  process.once('SIGTERM', () => void abort('terminated'));

  ctx.monitor.startSampling(250);
  let machine;
  try {
    if (wants('intake')) {
      log('1. gateway intake (token-service + gateway only)');
      await SCENARIOS.intake.run(ctx);
    }
    if (['e2e', 'calls', 'quota', 'replay', 'memory', 'storage'].some(wants)) machine = await runOnStack(ctx);
  } catch (error) {
    log(`failed: ${error.stack || error}`);
    await ctx.cleanup();
    clearTimeout(watchdog);
    process.exitCode = 1;
    return;
  } finally {
    ctx.monitor.stopSampling();
  }
  clearTimeout(watchdog);

  ctx.notes.push('Each figure is measured in the same run as its baseline, on the same machine, with the load generator and the sandbox fakes in the bench process; on 2 cores they compete with the services, so every figure is a lower bound for a dedicated host.');
  if (wants('intake')) ctx.notes.push(`Intake: closed loops with ${config.intake.concurrencies.join(', ')} keep-alive connections (HTTP/1.1 over plain sockets, requests prepared as bytes, in a worker thread of the bench process: its own event loop and heap), each bounded to ${config.intake.maxRequests} requests or ${config.intake.maxMs / 1000} s after a warm-up, the gateway and the bare handler each keeping its best; "half the max rate" is an open loop at rate/2 with the gateway's best number of connections, ${config.intake.halfRateMs / 1000} s timed after ${config.intake.halfRateWarmupMs / 1000} s of warm-up at the same rate, latency counted from each request's scheduled time. Only token-service and the gateway run during it.`);
  if (wants('e2e')) ctx.notes.push(`End to end: latency from the start of the gateway POST of an order's first delivery to the moment FakeZoho records the invoice; ${config.bothTopics ? 'each order is delivered as order.created then order.updated (a paid checkout fires both), ' : ''}FakeZoho adds ${config.e2e.latencyMs} ms to every call.`);
  if (wants('quota')) ctx.notes.push(`Quota: FakeZoho enforces ${config.quota.perMinute} calls per sliding minute per organization (concurrency 10) and the services run with ZOHO_RATE_LIMIT_PER_MINUTE=${config.quota.perMinute}; utilisation = admitted calls per minute between the first and the last call of the drain / the limit (a drain shorter than a minute can exceed 100%: the product's burst of 10 and Zoho's sliding window allow it; the busiest-window column is the check against the limit).`);
  if (wants('memory')) ctx.notes.push('Memory: VmRSS from /proc/<pid>/status; "idle" after start-up and connection set-up, "peak" sampled every 250 ms during the measurements.');
  ctx.notes.push('The bench is the only sender of deliveries: the fake stores\' own webhook queues are paused (token-service\'s reconciliation sweep registers webhooks in them), and customers sign up with customer.created before they order.');
  const meta = {
    startedAt,
    commit: gitDescription(),
    scale: config.scale,
    durationMinutes: ((Date.now() - started) / 60_000).toFixed(1),
    logLevel: config.logLevel,
    serviceEnv: Object.entries(config.serviceEnv).map(([k, v]) => `${k}=${v}`).join(', '),
  };
  machine = machine || ctx.machine || (await machineDescription(async () => [{ v: 'not queried' }]));
  const markdown = render({ ...ctx, machine, meta });
  process.stdout.write(`\n${markdown}\n`);
  fs.mkdirSync(config.resultsDir, { recursive: true });
  const file = path.join(config.resultsDir, `${startedAt.replace(/[:.]/g, '-')}.md`);
  fs.writeFileSync(file, markdown);
  const latest = path.join(config.resultsDir, 'latest.md');
  fs.writeFileSync(latest, markdown);
  log(`written to ${path.relative(config.root, file)} and ${path.relative(config.root, latest)}`);
}

main().catch((error) => {
  log(`failed: ${error.stack || error}`);
  process.exit(1);
});
