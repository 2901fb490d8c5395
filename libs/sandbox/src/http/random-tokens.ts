import { randomBytes, randomInt } from 'node:crypto';

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function randomUpperAlnum(length: number): string {
  return randomFrom(UPPER_ALNUM, length);
}

export function randomAlnum(length: number): string {
  return randomFrom(ALNUM, length);
}

/** A random number with exactly `digits` digits (no leading zero), as text. */
export function randomDigits(digits: number): string {
  let out = String(1 + randomInt(9));
  for (let i = 1; i < digits; i++) out += String(randomInt(10));
  return out;
}
