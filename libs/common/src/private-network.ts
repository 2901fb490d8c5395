import { isIPv4, isIPv6 } from 'node:net';

/*
 * Classifies a URL host as "this machine or a private network" (shared by both API clients). Only
 * sandboxes and tests may talk to such hosts (ALLOW_PRIVATE_ENDPOINTS); in production they would let a configured URL reach
 * internal services. The check is on the URL as written: WHATWG URL parsing has already turned
 * tricks such as `0x7f.1` or `2130706433` into dotted quads, so those are caught too.
 */

/** Names that never resolve on the public internet (RFC 6761, RFC 6762, RFC 8375, ICANN `.internal`). */
const PRIVATE_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa'];

/** `hostname` as `URL.hostname` gives it (IPv6 in brackets allowed). */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIPv4(host)) return isPrivateIPv4(host);
  if (isIPv6(host)) return isPrivateIPv6(host);
  if (host === 'localhost' || PRIVATE_SUFFIXES.some((suffix) => host.endsWith(suffix))) return true;
  // A single-label name ("sandbox", "wordpress") only resolves through a local resolver or a
  // container network, never on the public internet.
  return !host.includes('.');
}

function isPrivateIPv4(address: string): boolean {
  const [a, b] = address.split('.').map(Number) as [number, number, number, number];
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 || // loopback
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, including cloud metadata endpoints
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

function isPrivateIPv6(address: string): boolean {
  const words = expandIPv6(address);
  if (words.slice(0, 7).every((word) => word === 0) && words[7]! <= 1) return true; // :: and ::1
  if ((words[0]! & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((words[0]! & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  const mappedIPv4 = words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff;
  if (mappedIPv4) {
    const v4 = [words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff].join('.');
    return isPrivateIPv4(v4);
  }
  return false;
}

/** The eight 16-bit words of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function expandIPv6(address: string): number[] {
  let text = address.split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headWords = head ? head.split(':') : [];
  const tailWords = tail ? tail.split(':') : [];
  const missing = 8 - headWords.length - tailWords.length;
  const words = tail === undefined ? headWords : [...headWords, ...Array<string>(missing).fill('0'), ...tailWords];
  return words.map((word) => parseInt(word, 16));
}
