import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyRing } from './key-ring';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';

/**
 * AES-256-GCM for credentials at rest. Ciphertext format:
 * `v1.<keyId>.<iv b64url>.<tag b64url>.<ciphertext b64url>`. The associated data binds a
 * ciphertext to its row and field (e.g. `connection:<id>:zoho`), so a secret copied into another
 * row does not decrypt there.
 */
export class SecretBox {
  constructor(private readonly keyRing: KeyRing) {}

  encrypt(plaintext: string, associatedData: string): string {
    const keyId = this.keyRing.activeKeyId;
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.keyRing.key(keyId), iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, keyId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  decrypt(sealed: string, associatedData: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('Stored secret has an unknown format');
    const [, keyId, iv, tag, ciphertext] = parts;
    const decipher = createDecipheriv(ALGORITHM, this.keyRing.key(keyId), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('Stored secret could not be decrypted (wrong key or tampered data)');
    }
  }

  encryptJson(value: unknown, associatedData: string): string {
    return this.encrypt(JSON.stringify(value), associatedData);
  }

  decryptJson<T>(sealed: string, associatedData: string): T {
    return JSON.parse(this.decrypt(sealed, associatedData)) as T;
  }

  /** The key id a ciphertext was sealed with; rotation re-encrypts those not under the active key. */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }

  needsRotation(sealed: string): boolean {
    return SecretBox.keyIdOf(sealed) !== this.keyRing.activeKeyId;
  }
}
