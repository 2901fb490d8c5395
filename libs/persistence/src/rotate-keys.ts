#!/usr/bin/env node
/**
 * `node libs/persistence/dist/rotate-keys.js`: re-seals every stored credential under the active
 * encryption key (ENCRYPTION_KEY_ID, or the first of ENCRYPTION_KEYS). Run it after adding a new
 * key and making it active; when it reports 0 left, the old key can be removed. Cached Zoho access
 * tokens are dropped instead of re-sealed: they are re-minted on the next call.
 */
import 'reflect-metadata';
import { KeyRing, SecretBox } from '@connector/crypto';
import { ConnectionStore } from './connection-store';
import { createDataSource } from './data-source';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const keys = process.env.ENCRYPTION_KEYS;
  if (!url || !keys) throw new Error('DATABASE_URL and ENCRYPTION_KEYS are required');
  const keyRing = KeyRing.parse(keys, process.env.ENCRYPTION_KEY_ID || undefined);
  const box = new SecretBox(keyRing);
  const dataSource = createDataSource({ url, applicationName: 'connector-rotate-keys' });
  await dataSource.initialize();
  try {
    const rotated = await new ConnectionStore(dataSource, box).rotateKeys();
    // A row holding only a token-refresh block (no token yet) keeps it while it lasts: a refresh
    // inside Zoho's block would prolong it.
    const tokens = await dataSource.query(
      `DELETE FROM zoho_tokens WHERE access_token NOT LIKE $1 AND (refresh_blocked_until IS NULL OR refresh_blocked_until <= now() OR expires_at > 'epoch')`,
      [`v1.${keyRing.activeKeyId}.%`],
    );
    console.log(`re-sealed ${rotated} connection(s); dropped ${tokens[1] ?? 0} cached access token(s) sealed with an old key`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(`key rotation failed: ${(error as Error).message}`);
  process.exit(1);
});
