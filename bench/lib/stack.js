'use strict';
/**
 * The product as the e2e tests run it (tests/e2e/dist/stack.js: five service processes over the
 * real NATS JetStream and PostgreSQL, a unique stream, subject prefix and database, the sandbox
 * fakes in this process), plus what the bench needs on top: a subset of services, the service
 * pids, connections made without registering store webhooks (the bench sends the deliveries
 * itself, signed as WooCommerce signs them), and a view of the stream and its consumers.
 */
const { createHmac, randomBytes, randomUUID } = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');
const { jetstreamManager } = require('@nats-io/jetstream');
const { Stack } = require('../../tests/e2e/dist/stack.js');

const ALL_SERVICES = ['token-service', 'webhook-gateway', 'customer-sync', 'catalog-sync', 'invoice-sync'];
const SYNC_CONSUMERS = ['invoice-sync', 'customer-sync', 'catalog-sync'];

/**
 * Stack.start with only `services` started (Stack.start starts all five; the intake scenario
 * needs just token-service and the gateway). Everything else — env, unique stream, database,
 * FakeZoho — is exactly the e2e Stack's.
 */
async function startStack({ services = ALL_SERVICES, env = {} } = {}) {
  const original = Stack.prototype.startService;
  Stack.prototype.startService = function startSome(name, instance) {
    return services.includes(name) ? original.call(this, name, instance) : Promise.resolve();
  };
  try {
    return await Stack.start(env);
  } finally {
    Stack.prototype.startService = original;
  }
}

/** Pids of the running service processes, by service name. */
function servicePids(stack) {
  const pids = {};
  // Private in TypeScript; the map is `instances` (key → { process }) in the current Stack.
  const table = stack.instances || stack.running || new Map();
  for (const [key, entry] of table) if (entry.process && entry.process.exitCode === null) pids[key] = entry.process.pid;
  return pids;
}

/** A Zoho organization with the tax the benchmark store charges, and the given per-minute limit. */
function createOrganization(zoho, { name, perMinute, concurrency = 10 }) {
  const org = zoho.createOrganization({ name, currencyCode: 'USD', taxes: [{ name: 'VAT 20', percentage: 20 }] });
  zoho.setLimits(org.organization_id, { perMinute, daily: 10_000_000, concurrency });
  return org.organization_id;
}

/**
 * A connection between a fake store and a fake Zoho organization through the admin API, like
 * Stack.connect but without registering the store's webhooks: deliveries come from the bench.
 */
async function connect(stack, store, organizationId, name) {
  const client = stack.zoho.registerClient();
  const webhookSecret = `bench-webhook-secret-${randomBytes(12).toString('hex')}`;
  const created = await stack.api('POST', '/api/connections', {
    name,
    woocommerce: { url: store.url, consumerKey: store.consumerKey, consumerSecret: store.consumerSecret, webhookSecret },
    zoho: {
      ...client,
      refreshToken: stack.zoho.issueRefreshToken(client.clientId, [organizationId]),
      accountsUrl: stack.zoho.accountsUrl,
      organizationId,
    },
    settings: { storeTimeZone: store.timeZone },
  });
  if (created.status !== 201) throw new Error(`connection not created: ${JSON.stringify(created.json)}`);
  stack.webhookSecrets.set(created.json.id, webhookSecret);
  return created.json.id;
}

/** A delivery as WooCommerce sends it: the exact body bytes and their HMAC-SHA256 signature. */
function deliveryRequest(connectionId, secret, topic, body, webhookId = 1) {
  const [resource, event] = topic.split('.');
  return {
    path: `/webhooks/woocommerce/${connectionId}`,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/9.9.0 Hookshot (WordPress/6.8)',
      'x-wc-webhook-source': 'http://127.0.0.1/',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event,
      'x-wc-webhook-signature': createHmac('sha256', secret).update(body).digest('base64'),
      'x-wc-webhook-id': String(webhookId),
      'x-wc-webhook-delivery-id': randomUUID(),
    },
  };
}

async function jsm(stack) {
  if (!stack.benchJsm) stack.benchJsm = await jetstreamManager(stack.topo.nc);
  return stack.benchJsm;
}

async function streamMessages(stack) {
  const info = await (await jsm(stack)).streams.info(stack.topo.topology.stream);
  return info.state.messages;
}

/** Pending (not yet delivered) and in-flight (delivered, not acked) events per sync consumer. */
async function consumerBacklog(stack, names = SYNC_CONSUMERS) {
  const manager = await jsm(stack);
  const out = {};
  for (const name of names) {
    try {
      const info = await manager.consumers.info(stack.topo.topology.stream, name);
      out[name] = { pending: info.num_pending, inFlight: info.num_ack_pending, redelivered: info.num_redelivered, delivered: info.delivered.stream_seq };
    } catch {
      out[name] = { pending: 0, inFlight: 0, redelivered: 0, delivered: 0 };
    }
  }
  return out;
}

/** Waits (bounded) until every sync consumer has nothing pending or in flight. */
async function waitConsumersIdle(stack, timeoutMs, names = SYNC_CONSUMERS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await consumerBacklog(stack, names);
    if (Object.values(last).every((c) => c.pending === 0 && c.inFlight === 0)) return { idle: true, backlog: last };
    await sleep(100);
  }
  return { idle: false, backlog: last };
}

module.exports = {
  ALL_SERVICES,
  SYNC_CONSUMERS,
  startStack,
  servicePids,
  createOrganization,
  connect,
  deliveryRequest,
  jsm,
  streamMessages,
  consumerBacklog,
  waitConsumersIdle,
};
