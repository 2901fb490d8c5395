import type { MsgHdrs } from '@nats-io/nats-core';

/**
 * A message's NATS header block, written as the wire format (`NATS/1.0`, a `Key: value` line per
 * header, an empty line), byte for byte what nats.js's MsgHdrs encodes (a unit test compares them).
 * Why not MsgHdrs: it re-validates every key and searches the keys already there on each append,
 * about 5 µs for a delivery's dozen headers on the gateway's hot path (bench/, scenario 1). Here
 * each key is checked once per process. nats.js's publish asks its `headers` option for nothing
 * but `encode()` (MsgHdrsImpl's, not in the MsgHdrs type, hence the cast; the int test of
 * DeliveryPublisher reads the stored headers back, so a nats.js that changed this would fail it).
 *
 * `fromClient` values are made single-line ASCII and cut at 512 characters, never trusted;
 * `own` values (a message id, a stream name) are kept whole, and a line break in one is a bug.
 */
export function encodedHeaders(fromClient: Record<string, string | undefined>, own: Record<string, string> = {}): MsgHdrs {
  let block = 'NATS/1.0';
  for (const key in fromClient) {
    const value = fromClient[key];
    const line = value === undefined ? '' : sanitizeHeader(value);
    if (line !== '') block += `\r\n${checkedKey(key)}: ${line}`;
  }
  for (const key in own) {
    const value = own[key]!;
    if (LINE_BREAK.test(value)) throw new Error(`NATS header ${key} cannot hold a line break`);
    block += `\r\n${checkedKey(key)}: ${value.trim()}`;
  }
  const bytes = Buffer.from(`${block}\r\n\r\n`, 'utf8');
  const encoded: EncodedHeaders = { encode: () => bytes };
  return encoded as unknown as MsgHdrs;
}

/** What nats.js's publish uses of the headers it is given. */
export interface EncodedHeaders {
  encode(): Uint8Array;
}

const LINE_BREAK = /[\r\n]/;

/** NATS headers are single-line ASCII; anything else from a client is replaced, never trusted. */
function sanitizeHeader(value: string): string {
  const printable = SINGLE_LINE_ASCII.test(value) ? value : value.replace(/[^\x20-\x7e]/g, '?');
  return (printable.length > 512 ? printable.slice(0, 512) : printable).trim();
}

const SINGLE_LINE_ASCII = /^[\x20-\x7e]*$/;

/** A header name is printable ASCII without a colon (RFC 822 §3.1.2, as nats.js checks it). */
function checkedKey(key: string): string {
  if (!checkedKeys.has(key)) {
    if (!HEADER_NAME.test(key)) throw new Error(`not a valid NATS header name: ${JSON.stringify(key)}`);
    checkedKeys.add(key);
  }
  return key;
}

const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const checkedKeys = new Set<string>();
