'use strict';
/**
 * Benchmark settings, all from the environment so a run can be made shorter or longer without
 * editing code. BENCH_SCALE multiplies every count and duration (0.2 = a quick smoke run).
 */
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

function num(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, not "${raw}"`);
  return value;
}

const scale = num('BENCH_SCALE', 1);
if (scale <= 0) throw new Error('BENCH_SCALE must be > 0');
const scaled = (name, base, min = 1) => Math.max(min, Math.round(num(name, base * scale)));

const config = {
  root: ROOT,
  scale,
  /** Comma-separated scenario names to run (default all): intake,e2e,calls,quota,replay,memory. */
  only: (process.env.BENCH_ONLY || '').split(',').map((s) => s.trim()).filter(Boolean),
  logLevel: process.env.BENCH_LOG_LEVEL || 'warn',
  /** Hard stop for the whole run (the bench cleans up and exits non-zero). */
  maxRunMs: num('BENCH_MAX_MINUTES', 20) * 60_000,
  /** Longest wait, before each measurement, for other work on the machine to stop. */
  quietWaitMs: num('BENCH_QUIET_WAIT_SECONDS', 20) * 1000,
  resultsDir: process.env.BENCH_RESULTS_DIR || path.join(ROOT, 'bench', 'results'),
  orderFixture: process.env.BENCH_ORDER_FIXTURE || path.join(ROOT, '..', 'shared', 'fixtures', 'woocommerce', 'order.json'),

  intake: {
    /**
     * Keep-alive connections of the max-rate runs: the gateway and the bare handler are each run
     * at every one of these and keep their best, so each is measured at the load it sustains best
     * (a delivery waits for its JetStream ack, so the gateway needs more in flight than a handler
     * that answers at once).
     */
    concurrencies: (process.env.BENCH_INTAKE_CONCURRENCY || '32,64,128').split(',').map(Number).filter((n) => n > 0),
    warmupRequests: scaled('BENCH_INTAKE_WARMUP', 1000, 50),
    maxRequests: scaled('BENCH_INTAKE_REQUESTS', 30000, 200),
    maxMs: scaled('BENCH_INTAKE_SECONDS', 12, 2) * 1000,
    halfRateMs: scaled('BENCH_INTAKE_HALF_SECONDS', 8, 2) * 1000,
    /** Sent at the half rate before the timed part begins (see http-load's openLoop). */
    halfRateWarmupMs: 1000,
    /**
     * The gateway's GATEWAY_WORKERS for this scenario: one process per core. On 2 cores, with the
     * socket-level load generator (lib/http-load.js), one process is bound by its thread (0.9
     * cores) with the machine a quarter idle; two use the whole machine, for about the same rate
     * (5,700–7,900 req/s, 33–43% of the bare handler, against 5,000–7,700 and 34–41%) and a lower
     * p99 at half rate (15–32 ms against 12–51 ms), in four and six runs of 2026-11-28. With
     * node:http's client, which took a core of its own, one process had been the better choice.
     */
    gatewayWorkers: num('BENCH_GATEWAY_WORKERS', require('node:os').availableParallelism()),
  },
  e2e: {
    latencyMs: num('BENCH_ZOHO_LATENCY_MS', 150),
    ratePerSecond: num('BENCH_E2E_RATE', 3),
    phaseMs: scaled('BENCH_E2E_SECONDS', 25, 4) * 1000,
    customers: 20,
    products: 20,
  },
  calls: {
    repeatOrders: scaled('BENCH_CALLS_REPEAT_ORDERS', 40, 5),
    mixOrders: scaled('BENCH_CALLS_MIX_ORDERS', 60, 10),
    ratePerSecond: num('BENCH_CALLS_RATE', 8),
  },
  quota: {
    perMinute: num('BENCH_QUOTA_PER_MINUTE', 600),
    latencyMs: num('BENCH_QUOTA_LATENCY_MS', 150),
    backlogOrders: scaled('BENCH_QUOTA_ORDERS', 1000, 50),
    orgs: Math.max(2, Math.round(num('BENCH_QUOTA_ORGS', 4))),
    perOrgOrders: scaled('BENCH_QUOTA_ORDERS_PER_ORG', 300, 30),
  },
  replay: {
    /** Minimum events in the recorded stream; topped up with already-synced re-deliveries if short. */
    minEvents: scaled('BENCH_REPLAY_EVENTS', 2000, 100),
  },
  /** Extra settings for the five services, e.g. BENCH_SERVICE_ENV="CONCURRENCY=16,LOG_LEVEL=info" (experiments). */
  serviceEnv: Object.fromEntries(
    (process.env.BENCH_SERVICE_ENV || '')
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  ),
  /** BENCH_PROFILE=1: CPU-profile the gateway during the intake scenario (adds sampling overhead). */
  profile: process.env.BENCH_PROFILE === '1',
  /** Both order.created and order.updated per paid checkout, as WooCommerce sends them. */
  bothTopics: (process.env.BENCH_BOTH_TOPICS ?? '1') !== '0',
};

function wants(name) {
  return config.only.length === 0 || config.only.includes(name);
}

module.exports = { config, wants };
