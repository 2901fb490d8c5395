/**
 * The one place that spells NATS subjects, stream and consumer names. Services never build a
 * subject string by hand, so a rename cannot leave a publisher and its consumer out of step.
 *
 * Audit stream subjects: `<prefix>.<connection>.<resource>.<event>`, e.g.
 * `woo.3f0c…e1.order.created`. The connection token is the connection's UUID, which is slug-safe
 * (NATS tokens must not contain `.`, `*`, `>` or whitespace).
 */
export interface Topology {
  /** JetStream stream holding every accepted delivery (the audit log). */
  stream: string;
  /** First subject token of the audit stream. Tests use a unique prefix so runs never collide. */
  subjectPrefix: string;
}

export const DEFAULT_TOPOLOGY: Topology = { stream: 'WOO', subjectPrefix: 'woo' };

/** Topics the gateway records and the sync services act on. Anything else is recorded, not processed. */
export const WOO_RESOURCES = ['order', 'customer', 'product', 'coupon'] as const;
export type WooResource = (typeof WOO_RESOURCES)[number];
export const WOO_EVENTS = ['created', 'updated', 'deleted', 'restored'] as const;
export type WooEvent = (typeof WOO_EVENTS)[number];

/** The topics the product subscribes a store to. */
export const SUBSCRIBED_TOPICS = ['order.created', 'order.updated', 'customer.created', 'customer.updated'] as const;

const TOKEN = /^[A-Za-z0-9_-]+$/;

export function assertSubjectToken(value: string, what: string): string {
  if (!TOKEN.test(value)) throw new Error(`${what} "${value}" is not a valid NATS subject token`);
  return value;
}

export interface ParsedTopic {
  resource: string;
  event: string;
  /** False for topics outside the resource/event vocabulary (recorded under `unknown`). */
  known: boolean;
}

/** Splits `order.updated`; unknown or malformed topics map to `unknown.<slug>` so they can still be stored. */
export function parseTopic(topic: string | undefined): ParsedTopic {
  const [resource = '', event = '', ...rest] = (topic ?? '').trim().toLowerCase().split('.');
  const known =
    rest.length === 0 &&
    (WOO_RESOURCES as readonly string[]).includes(resource) &&
    (WOO_EVENTS as readonly string[]).includes(event);
  if (known) return { resource, event, known };
  const slug = (topic ?? 'none').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').slice(0, 64) || 'none';
  return { resource: 'unknown', event: slug, known: false };
}

export const subjects = {
  /** Subject of one delivery in the audit stream. */
  delivery(topology: Topology, connectionId: string, resource: string, event: string): string {
    return [
      topology.subjectPrefix,
      assertSubjectToken(connectionId, 'connection id'),
      assertSubjectToken(resource, 'resource'),
      assertSubjectToken(event, 'event'),
    ].join('.');
  },
  /** Filter for one resource across all connections, e.g. `woo.*.order.>`. */
  resourceFilter(topology: Topology, resource: string): string {
    return `${topology.subjectPrefix}.*.${resource}.>`;
  },
  /** Filter for everything of one connection. */
  connectionFilter(topology: Topology, connectionId: string): string {
    return `${topology.subjectPrefix}.${assertSubjectToken(connectionId, 'connection id')}.>`;
  },
  all(topology: Topology): string {
    return `${topology.subjectPrefix}.>`;
  },
  /**
   * Core NATS, not persisted (outside the audit stream's subjects): the gateway received
   * WooCommerce's creation ping for one of the connection's webhooks (a WebhookPingNotice).
   */
  webhookPinged(topology: Topology, connectionId: string): string {
    return `notice.${topology.subjectPrefix}.webhook-pinged.${assertSubjectToken(connectionId, 'connection id')}`;
  },
  /** Parses an audit subject back into its parts. */
  parse(topology: Topology, subject: string): { connectionId: string; resource: string; event: string } | undefined {
    const parts = subject.split('.');
    const prefixParts = topology.subjectPrefix.split('.');
    if (parts.length !== prefixParts.length + 3) return undefined;
    if (parts.slice(0, prefixParts.length).join('.') !== topology.subjectPrefix) return undefined;
    const [connectionId, resource, event] = parts.slice(prefixParts.length);
    return { connectionId, resource, event };
  },
};

/** Durable consumer names, one per service concern. */
export const CONSUMERS = {
  customerSync: 'customer-sync',
  catalogSync: 'catalog-sync',
  invoiceSync: 'invoice-sync',
} as const;

/**
 * Core NATS request/reply operations between services (not persisted: queries, not facts). The
 * wire subject is `rpc.<subjectPrefix>.<name>` (see `rpcSubject`), so two deployments (or two
 * test runs) sharing one NATS server never answer each other's requests.
 */
export const RPC = {
  /** token-service: a valid Zoho access token + api domain + organization id for a connection. */
  zohoSession: 'token.zoho-session',
  /** token-service: drop a token that Zoho rejected, so the next call refreshes. */
  zohoInvalidate: 'token.zoho-invalidate',
  /** customer-sync: the Zoho contact for an order's customer (creating it if needed). */
  ensureContact: 'customer.ensure-contact',
  /** catalog-sync: Zoho items for an order's lines (creating missing ones). */
  ensureItems: 'catalog.ensure-items',
  /** catalog-sync: resolve the whole store catalogue up front. */
  syncCatalog: 'catalog.sync',
  /** Each sync service: replay audit-stream events through its handler (`replay.start.<service>`, see `replayRpc`). */
  startReplay: 'replay.start',
} as const;

/**
 * The start-replay operation of one sync service. All three answer `replay.start`, so the name
 * carries the service: a plain shared name would reach all three and return only the first reply.
 */
export function replayRpc(service: string): string {
  return `${RPC.startReplay}.${assertSubjectToken(service, 'service')}`;
}

/** The NATS subject of an RPC operation within one deployment (outside the audit stream's subjects). */
export function rpcSubject(topology: Topology, name: string): string {
  return `rpc.${topology.subjectPrefix}.${name}`;
}
