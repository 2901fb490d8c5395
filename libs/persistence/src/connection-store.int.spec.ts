import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { KeyRing, SecretBox } from '@connector/crypto';
import { ConnectionStore } from './connection-store';
import { openScratchDatabase } from './test-support/scratch-database';

let db: Awaited<ReturnType<typeof openScratchDatabase>>;
let dataSource: DataSource;
const oldKey = KeyRing.generateSpec('old');
const newKey = KeyRing.generateSpec('new');

before(async () => {
  db = await openScratchDatabase('cs');
  dataSource = db.dataSource;
});

after(async () => {
  await db?.drop();
});

test('credentials are sealed per row and field, and survive a key rotation', async () => {
  const before = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(oldKey)));
  const created = await before.create({
    name: 'Rotating store',
    storeUrl: 'https://shop.example.com',
    woo: { consumerKey: 'ck_key', consumerSecret: 'cs_very_secret' },
    webhookSecret: 'whsec_very_secret',
    zohoAccountsUrl: 'https://accounts.zoho.eu',
    zoho: { clientId: '1000.client', clientSecret: 'zoho_client_secret', refreshToken: '1000.refresh.token' },
  });
  const [row] = await dataSource.query('SELECT woo_credentials, webhook_secret, zoho_credentials FROM connections WHERE id = $1', [created.id]);
  for (const value of Object.values(row) as string[]) {
    assert.match(value, /^v1\.old\./);
    assert.ok(!/very_secret|zoho_client_secret|refresh\.token/.test(value));
  }

  // Rotation: the new key is active, the old one still configured.
  const rotating = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(`${newKey},${oldKey}`, 'new')));
  assert.equal(await rotating.rotateKeys(), 1);
  assert.equal(await rotating.rotateKeys(), 0, 'nothing left to rotate');

  // The old key can now be removed.
  const after = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(newKey)));
  const connection = await after.get(created.id);
  assert.equal(after.wooCredentials(connection).consumerSecret, 'cs_very_secret');
  assert.equal(after.webhookSecret(connection), 'whsec_very_secret');
  assert.equal(after.zohoCredentials(connection).refreshToken, '1000.refresh.token');
});
