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

  // A rotated webhook secret: the one before stays readable during its grace period, sealed too.
  await before.rotateWebhookSecret(created.id, 'whsec_newer_secret', 60_000);
  const [rotatedRow] = await dataSource.query('SELECT webhook_secret, previous_webhook_secret FROM connections WHERE id = $1', [created.id]);
  for (const value of Object.values(rotatedRow) as string[]) assert.ok(/^v1\.old\./.test(value) && !/secret/.test(value.slice(7)), value);
  const rekeyed = await before.get(created.id);
  assert.equal(before.webhookSecret(rekeyed), 'whsec_newer_secret');
  assert.equal(before.previousWebhookSecret(rekeyed)?.secret, 'whsec_very_secret');
  assert.equal(before.previousWebhookSecret(rekeyed, Date.now() + 61_000), undefined, 'not after its grace period');

  // Rotation: the new key is active, the old one still configured.
  const rotating = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(`${newKey},${oldKey}`, 'new')));
  assert.equal(await rotating.rotateKeys(), 1);
  assert.equal(await rotating.rotateKeys(), 0, 'nothing left to rotate');

  // The old key can now be removed.
  const after = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(newKey)));
  const connection = await after.get(created.id);
  assert.equal(after.wooCredentials(connection).consumerSecret, 'cs_very_secret');
  assert.equal(after.webhookSecret(connection), 'whsec_newer_secret');
  assert.equal(after.previousWebhookSecret(connection)?.secret, 'whsec_very_secret', 'the secret in its grace period is re-sealed too');
  assert.equal(after.zohoCredentials(connection).refreshToken, '1000.refresh.token');
});

test('the alert webhook URL is sealed with the credentials (host in clear), rotated with them, and an unsealed one is sealed by rotate-keys', async () => {
  const alertUrl = 'https://hooks.slack.com/services/T000/B000/SECRETalertpath';
  const keep = { name: 'Alerting store', storeUrl: 'https://shop.example.com', woo: { consumerKey: 'ck', consumerSecret: 'cs' }, webhookSecret: 'wh', zohoAccountsUrl: 'https://accounts.zoho.eu', zoho: { clientId: 'c', clientSecret: 's', refreshToken: 'r' } };
  const store = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(oldKey)));
  const sealed = await store.create({ ...keep, settings: { storeTimeZone: 'Europe/Berlin' }, alertWebhookUrl: ` ${alertUrl} ` });
  const none = await store.create(keep);
  const dump = async (id: string) => (await dataSource.query('SELECT row_to_json(c)::text AS dump FROM connections c WHERE id = $1', [id]))[0].dump as string;
  assert.ok(!(await dump(sealed.id)).includes('SECRETalertpath'), 'the URL is not stored in clear');
  const stored = await store.get(sealed.id);
  assert.equal(stored.settings.alertWebhook?.host, 'hooks.slack.com');
  assert.equal(stored.settings.storeTimeZone, 'Europe/Berlin', 'the other settings as given');
  assert.equal(store.alertWebhookUrl(stored), alertUrl);
  assert.equal(store.alertWebhookUrl(await store.get(none.id)), undefined);
  // The ciphertext is bound to its row: copied to another connection it does not open.
  assert.throws(() => store.alertWebhookUrl({ ...stored, id: none.id }), /could not be decrypted/);

  // A row that kept the URL in clear (from before it was sealed) is still read, and sealed by rotate-keys.
  const legacy = await store.create(keep);
  await dataSource.query(`UPDATE connections SET settings = jsonb_build_object('alertWebhookUrl', $2::text) WHERE id = $1`, [legacy.id, alertUrl]);
  assert.equal(store.alertWebhookUrl(await store.get(legacy.id)), alertUrl);
  const rotating = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(`${newKey},${oldKey}`, 'new')));
  await rotating.rotateKeys();
  assert.equal(await rotating.rotateKeys(), 0, 'nothing left to rotate or seal');
  const after = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(newKey)));
  for (const id of [sealed.id, legacy.id]) {
    assert.ok(!(await dump(id)).includes('SECRETalertpath'), 'sealed after rotate-keys');
    assert.equal(after.alertWebhookUrl(await after.get(id)), alertUrl);
  }
  assert.equal((await after.get(legacy.id)).settings.alertWebhookUrl, undefined);
});

test('a rotation that never reached the store keeps the secret the store signs with; storeRekeyed only for the secret still current', async () => {
  const store = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(newKey)));
  const { id } = await store.create({
    name: 'Unreachable store',
    storeUrl: 'https://down.example.com',
    woo: { consumerKey: 'ck_key', consumerSecret: 'cs_secret' },
    webhookSecret: 'whsec_store_has_this',
    zohoAccountsUrl: 'https://accounts.zoho.eu',
    zoho: { clientId: '1000.client', clientSecret: 'zoho_client_secret', refreshToken: '1000.refresh.token' },
  });
  const previous = async () => store.previousWebhookSecret(await store.get(id))?.secret;
  await store.rotateWebhookSecret(id, 'whsec_never_given_1', 60_000);
  await store.rotateWebhookSecret(id, 'whsec_never_given_2', 60_000);
  assert.equal(await previous(), 'whsec_store_has_this');

  const heldBefore = await store.get(id);
  await store.rotateWebhookSecret(id, 'whsec_never_given_3', 60_000);
  await store.storeRekeyed(heldBefore); // re-keyed with a secret a rotation has replaced meanwhile: still behind
  await store.rotateWebhookSecret(id, 'whsec_given_4', 60_000);
  assert.equal(await previous(), 'whsec_store_has_this');

  await store.storeRekeyed(await store.get(id));
  await store.rotateWebhookSecret(id, 'whsec_5', 60_000);
  assert.equal(await previous(), 'whsec_given_4', 'the store had the current one: it becomes the previous one');
});

test('a deleted connection is found only as deleted, restored once, and listed among all', async () => {
  const store = new ConnectionStore(dataSource, new SecretBox(KeyRing.parse(newKey)));
  const { id } = await store.create({
    name: 'Deleted store',
    storeUrl: 'https://deleted.example.com',
    woo: { consumerKey: 'ck_key', consumerSecret: 'cs_secret' },
    webhookSecret: 'whsec_secret_value',
    zohoAccountsUrl: 'https://accounts.zoho.eu',
    zoho: { clientId: '1000.client', clientSecret: 'zoho_client_secret', refreshToken: '1000.refresh.token' },
  });
  assert.equal(await store.findDeleted(id), null, 'live');
  assert.equal(await store.softDelete(id), true);
  assert.equal(await store.find(id), null);
  assert.equal((await store.findDeleted(id))?.id, id);
  assert.ok((await store.listIncludingDeleted()).some((c) => c.id === id && c.deletedAt));
  assert.equal(await store.restore(id), true);
  assert.equal(await store.restore(id), false, 'not deleted any more');
  assert.equal(store.zohoCredentials((await store.get(id))).refreshToken, '1000.refresh.token');
  assert.equal(await store.restore('not-a-uuid'), false);
});
