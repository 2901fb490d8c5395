import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { describeError, jsonObjectFieldReader, Logger } from '@connector/common';
import { deliveryMessageId, HEADERS, parseTopic, subjects, Topology } from '@connector/contracts';
import { DeliveryPublisher } from '@connector/messaging';
import { LOGGER, TOPOLOGY } from '@connector/platform';
import { verifiedWebhookDigest } from '@connector/woocommerce';
import { GatewayMetrics } from './gateway.metrics';
import { WebhookPingNotices } from './webhook-ping-notices';
import { WebhookSecretCache, WebhookSecrets } from './webhook-secret.cache';

export interface IncomingDelivery {
  connectionId: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface IntakeResult {
  status: number;
  body: Record<string, unknown>;
}

/** WooCommerce's unsigned "is this URL alive?" ping, sent when a webhook is created or activated. */
const PING_BODY = /^webhook_id=(\d{1,15})$/;

/**
 * Decides what happens to one delivery. Order matters: authenticate before parsing (an
 * unauthenticated body is never interpreted or stored), store before answering 200.
 */
@Injectable()
export class DeliveryIntake {
  constructor(
    private readonly secrets: WebhookSecretCache,
    private readonly publisher: DeliveryPublisher,
    private readonly metrics: GatewayMetrics,
    private readonly pings: WebhookPingNotices,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async accept(delivery: IncomingDelivery): Promise<IntakeResult> {
    const { connectionId, body } = delivery;
    const header = (name: string) => first(delivery.headers[name]);

    let secrets: WebhookSecrets | null;
    try {
      secrets = await this.secrets.secretsFor(connectionId);
    } catch (error) {
      return this.lookupFailed(connectionId, error);
    }
    if (secrets === null) return this.reject(404, 'unknown_connection', 'No connection with this id', connectionId);

    const signature = header('x-wc-webhook-signature');
    if (!signature) {
      const ping = PING_BODY.exec(body.toString('latin1').trim());
      if (ping) {
        const webhookId = Number(ping[1]);
        this.metrics.deliveries.inc({ outcome: 'ping', reason: 'ping' });
        this.pings.announce(connectionId, webhookId);
        this.logger.info({ connectionId, webhookId }, 'webhook ping answered');
        return { status: 200, body: { status: 'ok', ping: true } };
      }
      return this.reject(401, 'missing_signature', 'X-WC-Webhook-Signature header is missing', connectionId);
    }
    let bodyDigest = signedWith(body, signature, secrets);
    if (!bodyDigest) {
      // The secret may have been rotated since the cache read it, and WooCommerce never sends this
      // delivery again: check once more against the connection's secrets as stored now.
      let reloaded: WebhookSecrets | null | undefined;
      try {
        reloaded = await this.secrets.reloaded(connectionId);
      } catch (error) {
        return this.lookupFailed(connectionId, error);
      }
      if (reloaded === null) return this.reject(404, 'unknown_connection', 'No connection with this id', connectionId);
      if (reloaded) bodyDigest = signedWith(body, signature, reloaded);
    }
    if (!bodyDigest) return this.reject(401, 'bad_signature', 'X-WC-Webhook-Signature does not match the body', connectionId);

    // The gateway stores the bytes as they came; of their content it needs only that they are one
    // JSON object and two fields, so it reads those without parsing the order (the consumers do).
    const envelope = readEnvelope(body);
    if (!envelope) return this.rejectNonObject(body, connectionId);

    const topic = header('x-wc-webhook-topic');
    const parsedTopic = parseTopic(topic);
    const resourceId = idOf(envelope.id);
    const modifiedGmt = nonEmptyString(envelope.date_modified_gmt);
    const msgId = deliveryMessageId({ connectionId, topic: topic ?? 'none', resourceId, modifiedGmt, bodyDigest });
    const correlationId = randomUUID();
    const subject = subjects.delivery(this.topology, connectionId, parsedTopic.resource, parsedTopic.event);

    const started = process.hrtime.bigint();
    try {
      const ack = await this.publisher.publish({
        subject,
        body,
        msgId,
        headers: {
          [HEADERS.connectionId]: connectionId,
          [HEADERS.topic]: topic,
          [HEADERS.resourceId]: resourceId === undefined ? undefined : String(resourceId),
          [HEADERS.modifiedGmt]: modifiedGmt,
          [HEADERS.webhookId]: header('x-wc-webhook-id'),
          [HEADERS.deliveryId]: header('x-wc-webhook-delivery-id'),
          [HEADERS.source]: header('x-wc-webhook-source'),
          [HEADERS.receivedAt]: new Date().toISOString(),
          [HEADERS.correlationId]: correlationId,
          [HEADERS.origin]: 'webhook',
        },
      });
      this.metrics.publishSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
      const outcome = parsedTopic.known ? 'accepted' : 'recorded';
      this.metrics.deliveries.inc({ outcome, reason: ack.duplicate ? 'duplicate' : parsedTopic.known ? 'ok' : 'unknown_topic' });
      this.logger.info(
        { connectionId, topic, resourceId, seq: ack.seq, duplicate: ack.duplicate, correlationId },
        parsedTopic.known ? 'delivery recorded' : 'delivery with unknown topic recorded, not processed',
      );
      return parsedTopic.known
        ? { status: 200, body: { status: 'accepted', sequence: ack.seq, duplicate: ack.duplicate } }
        : { status: 202, body: { status: 'recorded', sequence: ack.seq, reason: `topic "${topic ?? ''}" is not processed` } };
    } catch (error) {
      // Not stored means not acknowledged: WooCommerce counts a failure, and the reconciliation
      // sweep picks the order up. A 200 here would lose it.
      this.metrics.deliveries.inc({ outcome: 'failed', reason: 'store_unavailable' });
      this.logger.error({ connectionId, topic, resourceId, err: describeError(error) }, 'delivery could not be stored');
      return { status: 503, body: { error: 'store_unavailable', message: 'The delivery could not be recorded; try again later' } };
    }
  }

  /** Why the body is not one JSON object, in JSON.parse's words (a rare path: only here is it parsed). */
  private rejectNonObject(body: Buffer, connectionId: string): IntakeResult {
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return this.reject(400, 'malformed_json', `Body is not valid JSON: ${describeError(error)}`, connectionId);
    }
    const shape = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : `a ${typeof payload}`;
    return this.reject(400, 'wrong_shape', `Body must be a JSON object, not ${shape}`, connectionId);
  }

  /**
   * PostgreSQL unreachable and no recent secrets cached: the delivery cannot be verified, so it is
   * not stored. 503 makes WooCommerce count a failure and the reconciliation sweep picks the
   * change up later.
   */
  private lookupFailed(connectionId: string, error: unknown): IntakeResult {
    this.metrics.deliveries.inc({ outcome: 'failed', reason: 'connections_unavailable' });
    this.logger.error({ connectionId, err: describeError(error) }, 'connection lookup failed; delivery not recorded');
    return { status: 503, body: { error: 'connections_unavailable', message: 'The connection could not be looked up; try again later' } };
  }

  private reject(status: number, reason: string, message: string, connectionId: string): IntakeResult {
    this.metrics.deliveries.inc({ outcome: 'rejected', reason });
    this.logger.warn({ connectionId, status, reason }, `delivery rejected: ${message}`);
    return { status, body: { error: reason, message } };
  }
}

/**
 * The HMAC of a delivery signed with the current secret, or with the one before the last rotation
 * during its grace period; undefined when signed with neither.
 */
function signedWith(body: Buffer, signature: string, secrets: WebhookSecrets): Buffer | undefined {
  const { previous } = secrets;
  return (
    verifiedWebhookDigest(body, signature, secrets.current) ??
    (previous && previous.until > Date.now() ? verifiedWebhookDigest(body, signature, previous.secret) : undefined)
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const readEnvelope = jsonObjectFieldReader(['id', 'date_modified_gmt']);

/**
 * The two fields go into headers, the message id and log lines, so only as WooCommerce sends them
 * (an integer id, a short timestamp); anything else is left out here and the body, stored as it
 * came, is judged by the consumer that reads it (which dead-letters it with the reason).
 */
function idOf(id: unknown): number | string | undefined {
  if (typeof id === 'number') return Number.isFinite(id) ? id : undefined;
  return typeof id === 'string' && SHORT_LINE.test(id) ? id : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && SHORT_LINE.test(value) ? value : undefined;
}

const SHORT_LINE = /^[\x20-\x7e]{1,64}$/;
