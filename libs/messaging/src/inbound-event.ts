import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';
import { HEADERS, subjects, Topology } from '@connector/contracts';
import type { RetryHistory } from './retry-ledger';

/**
 * One audit-stream message as a handler sees it: the WooCommerce body (parsed; raw bytes kept),
 * where it sits in the log, and how often it has been tried.
 */
export interface InboundEvent<T = unknown> {
  stream: string;
  seq: number;
  subject: string;
  connectionId: string;
  resource: string;
  event: string;
  topic: string;
  msgId: string | null;
  /** The resource's id as its publisher named it (Connector-Resource-Id), read without parsing the body. */
  resourceId: string | null;
  correlationId: string | null;
  receivedAt: string | null;
  deliveryCount: number;
  /**
   * What this event's earlier deliveries settled as (set by the consumer runner from its
   * RetryLedger on a redelivery; undefined on a first delivery, in replays, or when unreadable).
   * Handlers pass the event to `givesUp`, which needs it.
   */
  retries?: RetryHistory;
  /** For a retried copy of an event: the stream sequence of the original. */
  retryOf: number | null;
  /**
   * Parsed JSON body, or undefined when the body is not JSON (kept in `raw`). Parsed on first
   * read: a replay passes over most events it has already applied by their bytes alone.
   */
  body: T;
  raw: Uint8Array;
}

export function toInboundEvent(topology: Topology, msg: JsMsg): InboundEvent {
  const route = subjects.parse(topology, msg.subject);
  const headers = headerValues(msg.headers);
  const header = (name: string) => headers.get(name) ?? null;
  let parsed = false;
  let body: unknown;
  return {
    stream: msg.info.stream,
    seq: msg.seq,
    subject: msg.subject,
    connectionId: route?.connectionId ?? header(HEADERS.connectionId) ?? '',
    resource: route?.resource ?? '',
    event: route?.event ?? '',
    topic: header(HEADERS.topic) ?? `${route?.resource}.${route?.event}`,
    msgId: header(HEADERS.msgId),
    resourceId: header(HEADERS.resourceId),
    correlationId: header(HEADERS.correlationId),
    receivedAt: header(HEADERS.receivedAt),
    deliveryCount: msg.info.deliveryCount,
    retryOf: Number(header(HEADERS.retryOf)) || null,
    // An own enumerable accessor, so `{ ...event }` copies the parsed value like a plain field.
    get body(): unknown {
      if (!parsed) {
        parsed = true;
        try {
          body = msg.json();
        } catch {
          body = undefined;
        }
      }
      return body;
    },
    raw: msg.data,
  };
}

/**
 * The first value of each header, read in one pass: MsgHdrs.get lists and filters every key on
 * each call, and an event reads seven of them (a replay's hot path, bench/ scenario 5). An empty
 * value counts as absent.
 */
function headerValues(headers: MsgHdrs | undefined): Map<string, string> {
  const values = new Map<string, string>();
  if (headers) {
    for (const [key, list] of headers) {
      if (list[0]) values.set(key, list[0]);
    }
  }
  return values;
}
