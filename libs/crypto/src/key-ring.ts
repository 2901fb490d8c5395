import { randomBytes } from 'node:crypto';

/**
 * The encryption keys of the deployment. Each key has an id that is written next to every
 * ciphertext, so keys can be rotated: add a new key, make it active, re-encrypt, then retire the
 * old one. Configured as `ENCRYPTION_KEYS="k2:<base64 32 bytes>,k1:<base64 32 bytes>"` with
 * `ENCRYPTION_KEY_ID=k2` naming the key used for new ciphertexts (default: the first one).
 */
export class KeyRing {
  private readonly keys: Map<string, Buffer>;

  constructor(keys: Map<string, Buffer>, readonly activeKeyId: string) {
    if (!keys.has(activeKeyId)) throw new Error(`ENCRYPTION_KEY_ID "${activeKeyId}" is not among ENCRYPTION_KEYS`);
    this.keys = keys;
  }

  static parse(spec: string, activeKeyId?: string): KeyRing {
    const keys = new Map<string, Buffer>();
    for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
      const separator = entry.indexOf(':');
      if (separator <= 0) throw new Error('ENCRYPTION_KEYS entries must look like "<id>:<base64 key>"');
      const id = entry.slice(0, separator);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new Error(`Encryption key id "${id}" must be 1-32 of [A-Za-z0-9_-]`);
      const key = Buffer.from(entry.slice(separator + 1), 'base64');
      if (key.length !== 32) throw new Error(`Encryption key "${id}" must be 32 bytes (base64), got ${key.length}`);
      if (keys.has(id)) throw new Error(`Encryption key id "${id}" appears twice`);
      keys.set(id, key);
    }
    if (keys.size === 0) throw new Error('ENCRYPTION_KEYS holds no key');
    return new KeyRing(keys, activeKeyId ?? keys.keys().next().value!);
  }

  static generateSpec(id = 'k1'): string {
    return `${id}:${randomBytes(32).toString('base64')}`;
  }

  key(id: string): Buffer {
    const key = this.keys.get(id);
    if (!key) throw new Error(`No encryption key with id "${id}" is configured (needed to decrypt a stored secret)`);
    return key;
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }
}
