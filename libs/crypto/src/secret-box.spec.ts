import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyRing } from './key-ring';
import { SecretBox } from './secret-box';

const k1 = KeyRing.generateSpec('k1');
const k2 = KeyRing.generateSpec('k2');

test('round-trips a secret and never contains the plaintext', () => {
  const box = new SecretBox(KeyRing.parse(k1));
  const sealed = box.encrypt('cs_supersecret', 'connection:1:woo');
  assert.ok(!sealed.includes('supersecret'));
  assert.match(sealed, /^v1\.k1\./);
  assert.equal(box.decrypt(sealed, 'connection:1:woo'), 'cs_supersecret');
});

test('uses a fresh IV each time', () => {
  const box = new SecretBox(KeyRing.parse(k1));
  assert.notEqual(box.encrypt('same', 'ad'), box.encrypt('same', 'ad'));
});

test('refuses a ciphertext moved to another row (associated data)', () => {
  const box = new SecretBox(KeyRing.parse(k1));
  const sealed = box.encrypt('secret', 'connection:1:woo');
  assert.throws(() => box.decrypt(sealed, 'connection:2:woo'), /could not be decrypted/);
});

test('refuses tampered ciphertext', () => {
  const box = new SecretBox(KeyRing.parse(k1));
  const parts = box.encrypt('secret', 'ad').split('.');
  parts[4] = Buffer.from('other').toString('base64url');
  assert.throws(() => box.decrypt(parts.join('.'), 'ad'), /could not be decrypted/);
});

test('rotation: old ciphertexts still decrypt after a new active key is added', () => {
  const old = new SecretBox(KeyRing.parse(k1));
  const sealed = old.encrypt('secret', 'ad');
  const rotated = new SecretBox(KeyRing.parse(`${k2},${k1}`, 'k2'));
  assert.equal(rotated.decrypt(sealed, 'ad'), 'secret');
  assert.equal(rotated.needsRotation(sealed), true);
  assert.equal(rotated.needsRotation(rotated.encrypt('secret', 'ad')), false);
});

test('rejects malformed key specs with a clear message', () => {
  assert.throws(() => KeyRing.parse('nokey'), /must look like/);
  assert.throws(() => KeyRing.parse('k1:AAAA'), /32 bytes/);
  assert.throws(() => KeyRing.parse(k1, 'k9'), /not among/);
});
