import { randomBytes } from 'node:crypto';

/** A URL-safe random secret, e.g. for a generated webhook secret (256 bits by default). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
