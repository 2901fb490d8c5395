import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Real WooCommerce payload shapes (copied from the shared reference fixtures into the repo, so a
 * clean clone tests without anything beside it). Returned as the exact bytes of the file.
 */
export function wooFixture(name: string): Buffer {
  return readFileSync(join(__dirname, '../fixtures/woocommerce', name.endsWith('.json') ? name : `${name}.json`));
}
