import { AckPolicy, DeliverPolicy, DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { ConsumerConfig, ConsumerInfo, JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { subjects, Topology } from '@connector/contracts';

/** JetStream API error code for "stream not found" / "consumer not found". */
export const STREAM_NOT_FOUND = 10059;
export const CONSUMER_NOT_FOUND = 10014;

export interface AuditStreamOptions {
  /** Replicas: 1 on a single server, 3 in a cluster. */
  replicas?: number;
  /** How long JetStream remembers message ids for deduplication. */
  duplicateWindowMs?: number;
  /** Largest message accepted (bytes). */
  maxMsgSize?: number;
}

/**
 * The audit stream: Limits retention (never WorkQueue: acks must not delete history), file
 * storage, no deletes or purges through the API, kept forever, direct-get enabled so the admin
 * API can page through it. Idempotent: creates the stream or brings its config up to date.
 */
export async function ensureAuditStream(jsm: JetStreamManager, topology: Topology, options: AuditStreamOptions = {}): Promise<StreamInfo> {
  const config: Partial<StreamConfig> = {
    name: topology.stream,
    subjects: [subjects.all(topology)],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msg_size: options.maxMsgSize ?? -1,
    num_replicas: options.replicas ?? 1,
    duplicate_window: nanos(options.duplicateWindowMs ?? 2 * 60_000),
    deny_delete: true,
    deny_purge: true,
    allow_direct: true,
    description: 'Connector audit log: every accepted WooCommerce delivery, byte for byte',
  };
  try {
    const existing = await jsm.streams.info(topology.stream);
    if (existing.config.retention !== RetentionPolicy.Limits) {
      throw new Error(`Stream ${topology.stream} exists with ${existing.config.retention} retention; the audit log needs Limits`);
    }
    const { name: _name, retention: _retention, storage: _storage, ...editable } = config;
    return await jsm.streams.update(topology.stream, editable);
  } catch (error) {
    if (isApiError(error, STREAM_NOT_FOUND)) return jsm.streams.add({ ...config, name: topology.stream });
    throw error;
  }
}

export interface DurableConsumerOptions {
  durable: string;
  filterSubject: string;
  /** Time a message may be held before redelivery; handlers extend it with working(). */
  ackWaitMs: number;
  /**
   * Bound on un-acked messages across all instances sharing the durable. Events put back with a
   * delay (nak) count until they settle: at the bound JetStream delivers nothing to anyone, so it
   * must exceed what one blocked connection can hold back.
   */
  maxAckPending: number;
  description?: string;
}

/**
 * A durable pull consumer shared by every instance of a service (per-service scaling). No
 * `backoff` list: it would override ack_wait; the retry curve is applied with nak(delay).
 * max_deliver is unlimited: at its limit JetStream drops an event silently (a nak to keep it,
 * a handler that crashed the process on every delivery); the transport ends every event it gives
 * up on as a dead letter instead (settle policy). Updating an existing consumer lifts a limit an
 * older version provisioned.
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, stream: string, options: DurableConsumerOptions): Promise<ConsumerInfo> {
  const config: Partial<ConsumerConfig> = {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: options.filterSubject,
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: options.maxAckPending,
    description: options.description,
  };
  try {
    const existing = await jsm.consumers.info(stream, options.durable);
    if (existing.config.filter_subject !== options.filterSubject) {
      throw new Error(
        `Consumer ${options.durable} on ${stream} filters ${existing.config.filter_subject}, expected ${options.filterSubject}; delete it to re-provision`,
      );
    }
    return await jsm.consumers.update(stream, options.durable, {
      ack_wait: config.ack_wait,
      max_deliver: config.max_deliver,
      max_ack_pending: config.max_ack_pending,
      description: config.description,
    });
  } catch (error) {
    if (isApiError(error, CONSUMER_NOT_FOUND)) return jsm.consumers.add(stream, config);
    throw error;
  }
}

export function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
