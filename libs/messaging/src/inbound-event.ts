import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/nats-core';
import { HEADERS, subjects, Topology } from '@connector/contracts';

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
  const header = (name: string) => readHeader(msg.headers, name);
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

export function readHeader(headers: MsgHdrs | undefined, name: string): string | null {
  if (!headers) return null;
  const value = headers.get(name);
  return value === '' ? null : value;
}
