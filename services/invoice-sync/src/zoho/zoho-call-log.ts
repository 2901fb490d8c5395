import type { ZohoCallRecord } from '@connector/zoho-books';

/**
 * Collects the Zoho calls made while handling one event, for its audit entry (request and
 * response bodies; the client never puts tokens in these records).
 */
export class ZohoCallLog {
  readonly calls: ZohoCallRecord[] = [];
  readonly record = (call: ZohoCallRecord): void => {
    this.calls.push(call);
  };
}
