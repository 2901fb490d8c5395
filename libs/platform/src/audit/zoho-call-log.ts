import type { ZohoCallRecord } from '@connector/zoho-books';

/**
 * The Zoho calls made for one decision, for its audit entry: request and response bodies as the
 * client recorded them (the client keeps tokens out of these records).
 */
export class ZohoCallLog {
  readonly calls: ZohoCallRecord[] = [];
  readonly record = (call: ZohoCallRecord): void => {
    this.calls.push(call);
  };

  get count(): number {
    return this.calls.length;
  }
}
