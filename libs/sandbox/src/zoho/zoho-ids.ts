import { randomInt } from 'node:crypto';
import { randomDigits } from '../http/random-tokens';

/**
 * Record IDs the way Zoho Books prints them: decimal strings of 19 digits (beyond 2^53, so a
 * client that parses them as JavaScript numbers corrupts them, which is the point). Each fake
 * instance has its own random 7-digit prefix and counts up from a random offset.
 */
export class ZohoIdSequence {
  private readonly prefix = randomDigits(7);
  private counter = BigInt(100_000 + randomInt(800_000));

  next(): string {
    this.counter += 1n;
    return `${this.prefix}${this.counter.toString().padStart(12, '0')}`;
  }
}

/** Organisation IDs are shorter than record IDs in Zoho (e.g. `20051234567`): 11 digits here. */
export function newOrganizationId(): string {
  return `20${randomDigits(9)}`;
}
