import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * X-WC-Webhook-Signature (specs/woocommerce.md §1.2): base64(HMAC-SHA256(exact body bytes, key)),
 * where the key is the stored secret passed through wp_specialchars_decode(secret, ENT_QUOTES).
 * The body must be the raw bytes received; re-serialized JSON differs (WooCommerce escapes `/`
 * and non-ASCII) and would never match.
 */

const SHA256_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The entities wp_specialchars_decode(…, ENT_QUOTES) turns back into characters: named, decimal
 * with any leading zeros, and hex (the `x` in any case). One pass, as WordPress's strtr does, so
 * `&amp;lt;` becomes `&lt;`, not `<`.
 */
const WP_SPECIAL_ENTITY = /&(?:(amp|lt|gt|quot)|#0*(38|60|62|34|39)|#[xX]0*(26|22|27));/g;
const DECODED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"',
  '38': '&', '60': '<', '62': '>', '34': '"', '39': "'",
  '26': '&', '22': '"', '27': "'",
};

/** The HMAC key WooCommerce actually uses for a stored secret. */
export function webhookSigningKey(secret: string): string {
  return secret.replace(WP_SPECIAL_ENTITY, (_entity, named?: string, decimal?: string, hex?: string) => DECODED[(named ?? decimal ?? hex)!]!);
}

/** The header value WooCommerce sends for `rawBody` signed with `secret`. */
export function computeWebhookSignature(rawBody: Uint8Array, secret: string): string {
  return createHmac('sha256', webhookSigningKey(secret)).update(rawBody).digest('base64');
}

/** Whether `header` is the signature of `rawBody` under `secret`, compared in constant time. */
export function verifyWebhookSignature(rawBody: Uint8Array, header: string | null | undefined, secret: string): boolean {
  return verifiedWebhookDigest(rawBody, header, secret) !== undefined;
}

/**
 * The HMAC-SHA256 of `rawBody` when `header` is its signature under `secret` (compared in constant
 * time), else undefined. The digest is a hash of the exact bytes, so whoever verified a delivery
 * can name its content with it instead of hashing the body a second time.
 */
export function verifiedWebhookDigest(rawBody: Uint8Array, header: string | null | undefined, secret: string): Buffer | undefined {
  if (typeof header !== 'string') return undefined;
  const presented = header.trim();
  if (presented === '' || !BASE64.test(presented)) return undefined;
  const received = Buffer.from(presented, 'base64');
  if (received.length !== SHA256_BYTES) return undefined;
  const expected = createHmac('sha256', webhookSigningKey(secret)).update(rawBody).digest();
  return timingSafeEqual(received, expected) ? expected : undefined;
}
