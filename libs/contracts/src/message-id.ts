import { createHash } from 'node:crypto';

/**
 * The deterministic JetStream message id of a delivery. WooCommerce's X-WC-Webhook-Delivery-ID
 * changes per attempt, so it cannot deduplicate; the snapshot itself can: the resource id, its
 * `date_modified_gmt` and a hash of the exact bytes. Two deliveries of the same snapshot get the
 * same id and JetStream stores one. The hash matters because `date_modified_gmt` has one-second
 * resolution: an order created and cancelled within the same second must stay two events.
 *
 * The hash is `bodyDigest` when the caller already has one of the exact bytes (the gateway has
 * the HMAC-SHA256 it verified the signature with: the connection's secret is the same for every
 * delivery of the connection, so equal bytes give an equal digest), else SHA-256 of `rawBody`.
 */
export function deliveryMessageId(
  input: {
    connectionId: string;
    topic: string;
    resourceId?: string | number | null;
    modifiedGmt?: string | null;
  } & ({ rawBody: Uint8Array } | { bodyDigest: Uint8Array }),
): string {
  const resource = input.resourceId === undefined || input.resourceId === null ? 'none' : idPart(String(input.resourceId));
  const modified = input.modifiedGmt ? idPart(input.modifiedGmt) : 'none';
  const digest = 'bodyDigest' in input ? Buffer.from(input.bodyDigest.buffer, input.bodyDigest.byteOffset, input.bodyDigest.byteLength).toString('hex') : sha256Hex(input.rawBody);
  return `${input.connectionId}:${idPart(input.topic)}:${resource}:${modified}:${digest.slice(0, 24)}`;
}

/**
 * A part of the id as it came (short printable ASCII, as WooCommerce sends ids, dates and topics),
 * else a hash of it. The parts come from the delivery's body and headers, which a signed but odd
 * delivery can fill with anything: the id travels as a NATS header (one line of ASCII) and must
 * stay short, while equal values must still give equal ids.
 */
function idPart(value: string): string {
  return PLAIN_PART.test(value) ? value : `h${sha256Hex(value).slice(0, 16)}`;
}

const PLAIN_PART = /^[\x21-\x7e]{1,64}$/;

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
