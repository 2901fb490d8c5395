import { TransientError } from '@connector/common';
import { ZohoUnavailableError } from '@connector/zoho-books';

/**
 * Whether a create that failed may still be processed by Zoho: it went out and no answer came back
 * (a timeout, a dropped connection), or Zoho's side failed (a 5xx, code 1000: a gateway's 502/504
 * says nothing of whether the backend went on to create it). A refusal (4xx, a rate limit) settles
 * it, and a call the product's own rate limit held back was never sent.
 */
export function createMayStillLand(error: unknown): boolean {
  return error instanceof ZohoUnavailableError;
}

/**
 * A create is held back while an earlier one of the order may still land in Zoho. Why: the search
 * for a lost create only shows what Zoho holds now. A create sent by an instance killed mid-call
 * (its order lock freed with its database session) or one that timed out can still be processed
 * after the next instance searched and found nothing, and creating then makes a second invoice.
 * Retried when the earlier create can no longer land, when the search tells for sure.
 */
export function createInFlight(orderId: number, sentForMs: number, inFlightMs: number): TransientError {
  const waitMs = Math.max(1_000, inFlightMs - sentForMs);
  return new TransientError(
    `order ${orderId}: an earlier invoice create was sent ${Math.round(sentForMs / 1000)} s ago with no answer and may still reach Zoho; ` +
      `searching for it again in ${Math.ceil(waitMs / 1000)} s before creating`,
    { code: 'create_in_flight', retryAfterMs: waitMs },
  );
}
