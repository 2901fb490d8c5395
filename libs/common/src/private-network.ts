import { isIPv4, isIPv6 } from 'node:net';

/*
 * Classifies hosts and addresses as "this machine, a private network, or nothing a public server
 * can be" (shared by both API clients, the alert sender and the connect-time guard in
 * public-address-lookup.ts). Only sandboxes and tests may talk to such hosts (ALLOW_PRIVATE_ENDPOINTS);
 * in production they would let a configured URL reach internal services. `isPrivateHost` checks a
 * URL as written: WHATWG URL parsing has already turned tricks such as `0x7f.1` or `2130706433`
 * into dotted quads, so those are caught too. What a name resolves to is checked when connecting.
 */

/** Names that never resolve on the public internet (RFC 6761, RFC 6762, RFC 8375, ICANN `.internal`). */
const PRIVATE_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa'];

/** `hostname` as `URL.hostname` gives it (IPv6 in brackets allowed). */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIPv4(host) || isIPv6(host)) return nonPublicAddressKind(host) !== null;
  if (host === 'localhost' || PRIVATE_SUFFIXES.some((suffix) => host.endsWith(suffix))) return true;
  // A single-label name ("sandbox", "wordpress") only resolves through a local resolver or a
  // container network, never on the public internet.
  return !host.includes('.');
}

/** True for an IP address a public server can have; false for every kind `nonPublicAddressKind` names. */
export function isPublicAddress(address: string): boolean {
  return nonPublicAddressKind(address) === null;
}

/**
 * What an IP address is when it is not a public unicast one ("loopback", "private network", …),
 * for messages; null for a public address. IANA's special-purpose registries, less the few blocks
 * that are globally reachable. Anything that is not an IP address at all counts as "not an IP address".
 */
export function nonPublicAddressKind(address: string): string | null {
  const text = address.replace(/^\[|\]$/g, '');
  if (isIPv4(text)) return ipv4Kind(ipv4Number(text));
  if (isIPv6(text)) return ipv6Kind(expandIPv6(text.toLowerCase()));
  return 'not an IP address';
}

/** [first address, prefix length, kind]; the first match wins. */
const IPV4_NON_PUBLIC: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private network'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private network'],
  ['192.0.0.0', 24, 'reserved (IETF protocol assignments)'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved (6to4 relay)'],
  ['192.168.0.0', 16, 'private network'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (including broadcast)'],
];

const IPV4_BLOCKS = IPV4_NON_PUBLIC.map(([first, prefix, kind]) => ({ network: ipv4Number(first), mask: prefixMask(prefix), kind }));

function ipv4Kind(value: number): string | null {
  return IPV4_BLOCKS.find((block) => ((value & block.mask) >>> 0) === block.network)?.kind ?? null;
}

function ipv6Kind(words: number[]): string | null {
  const [w0, w1, w2] = words as [number, number, number];
  const zeroFrom = (start: number, end: number) => words.slice(start, end).every((word) => word === 0);
  if (zeroFrom(0, 7) && words[7] === 0) return 'unspecified';
  if (zeroFrom(0, 7) && words[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 address itself on a dual-stack socket; NAT64
  // (64:ff9b::/96) and 6to4 (2002::/16) are routed to the IPv4 address they carry.
  if (zeroFrom(0, 5) && words[5] === 0xffff) return embeddedIPv4Kind(words[6]!, words[7]!);
  if (w0 === 0x64 && w1 === 0xff9b && zeroFrom(2, 6)) return embeddedIPv4Kind(words[6]!, words[7]!);
  if (w0 === 0x2002) return embeddedIPv4Kind(w1, w2);
  if ((w0 & 0xfe00) === 0xfc00) return 'private network (unique local)';
  if ((w0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((w0 & 0xffc0) === 0xfec0) return 'private network (site-local)';
  if ((w0 & 0xff00) === 0xff00) return 'multicast';
  // Only 2000::/3 is assigned for global unicast; the rest (::/8 with IPv4-compatible addresses,
  // local-use NAT64 64:ff9b:1::/48, discard-only 100::/64, …) is reserved.
  if ((w0 & 0xe000) !== 0x2000) return 'reserved (outside global unicast)';
  if (w0 === 0x2001 && w1 === 0xdb8) return 'documentation';
  if (w0 === 0x2001 && w1 < 0x200) return 'reserved (IETF protocol assignments, Teredo)';
  if (w0 === 0x3fff && w1 < 0x1000) return 'documentation';
  return null;
}

/** The kind of the IPv4 address carried in two IPv6 words ("IPv4 loopback"). */
function embeddedIPv4Kind(high: number, low: number): string | null {
  const kind = ipv4Kind(((high << 16) | low) >>> 0);
  return kind === null ? null : `IPv4 ${kind}`;
}

function ipv4Number(address: string): number {
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** The eight 16-bit words of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted, a zone dropped). */
function expandIPv6(address: string): number[] {
  let text = address.split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const value = ipv4Number(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headWords = head ? head.split(':') : [];
  const tailWords = tail ? tail.split(':') : [];
  const missing = 8 - headWords.length - tailWords.length;
  const words = tail === undefined ? headWords : [...headWords, ...Array<string>(missing).fill('0'), ...tailWords];
  return words.map((word) => parseInt(word, 16));
}
