import { createHmac } from 'node:crypto';

/**
 * `X-WC-Webhook-Signature`: base64 of the raw HMAC-SHA256 of the exact body bytes, keyed with the
 * secret after `wp_specialchars_decode(…, ENT_QUOTES)` (WC_Webhook::generate_signature).
 */
export function webhookSignature(body: string | Buffer, secret: string): string {
  return createHmac('sha256', wpSpecialcharsDecode(secret)).update(body).digest('base64');
}

/** wp_specialchars_decode with ENT_QUOTES: the five HTML entities WordPress encodes. */
export function wpSpecialcharsDecode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;|&#0*34;|&#x0*22;/gi, '"')
    .replace(/&#0*39;|&#x0*27;/gi, "'")
    .replace(/&amp;|&#0*38;|&#x0*26;/gi, '&');
}

/**
 * `X-WC-Webhook-Delivery-ID`: wp_hash(webhook_id . time()), i.e. an HMAC-MD5 with the site's
 * auth salt: 32 hex characters, identical for deliveries of one webhook within the same second.
 */
export function deliveryId(webhookId: number, unixSeconds: number, salt: string): string {
  return createHmac('md5', salt).update(`${webhookId}${unixSeconds}`).digest('hex');
}
