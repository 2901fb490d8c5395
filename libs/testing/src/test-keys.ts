import { KeyRing } from '@connector/crypto';

/** A throwaway encryption key set for tests (never a real deployment key). */
export function testEncryptionKeys(): string {
  return KeyRing.generateSpec('test1');
}
