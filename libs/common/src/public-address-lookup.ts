import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { nonPublicAddressKind } from './private-network';

/*
 * The connect-time half of the private-address rule (the other half, isPrivateHost, sees only the
 * URL as written). A public-looking name can resolve to 127.0.0.1, 10.x or 169.254.169.254, or
 * resolve publicly when a URL is checked and privately a moment later when it is called (DNS
 * rebinding); so the addresses are checked where the socket is opened, on every connection.
 */

/** Every address a name resolves to: the system resolver (as `dns.lookup`) by default, a stub in tests. */
export type ResolveAll = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

export const systemResolveAll: ResolveAll = (hostname, options) => dns.lookup(hostname, { ...options, all: true });

/** A host that is, or resolves to, an address no public server has. Names the host, never a URL's path. */
export class NonPublicAddressError extends Error {
  override readonly name = 'NonPublicAddressError';
  readonly code = 'ERR_NON_PUBLIC_ADDRESS';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly kind: string,
  ) {
    const what = host === address ? `${address} (${kind})` : `${host} resolves to ${address} (${kind}), which`;
    super(`${what} is not a public address; only sandboxes and tests may call such hosts (ALLOW_PRIVATE_ENDPOINTS=true)`);
  }
}

/** The refusal for the first of `addresses` that is not public, or null when all are. */
export function nonPublicAddressError(host: string, addresses: readonly string[]): NonPublicAddressError | null {
  for (const address of addresses) {
    const kind = nonPublicAddressKind(address);
    if (kind !== null) return new NonPublicAddressError(host, address, kind);
  }
  return null;
}

/**
 * For validating a URL before it is stored: the refusal when `host` is or resolves to an address
 * that is not public; null when every address is public, and also when the name does not resolve
 * (calling it will say so; a DNS outage must not make a URL invalid).
 */
export async function findNonPublicAddress(host: string, resolveAll: ResolveAll = systemResolveAll): Promise<NonPublicAddressError | null> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return nonPublicAddressError(bare, [bare]);
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(bare, {});
  } catch {
    return null;
  }
  return nonPublicAddressError(bare, addresses.map((entry) => entry.address));
}

/**
 * A `lookup` for node's net, tls and http(s) connect options (and agents): resolves with
 * `resolveAll` and fails the connection with NonPublicAddressError when ANY address is not public,
 * rather than picking a public one, because a name mixing both is not a plain public server.
 * Answers in the shape asked for: one address, or all of them (`all`, as Node's happy-eyeballs
 * connect asks). Node does not call `lookup` for an IP literal: check those with `nonPublicAddressError`.
 */
export function publicAddressLookup(resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    const { all, ...resolveOptions } = options;
    resolvePublic(hostname, resolveOptions, resolveAll).then(
      (addresses) => (all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

async function resolvePublic(hostname: string, options: LookupOptions, resolveAll: ResolveAll): Promise<LookupAddress[]> {
  const addresses = await resolveAll(hostname, options);
  if (addresses.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
  const refusal = nonPublicAddressError(hostname, addresses.map((entry) => entry.address));
  if (refusal) throw refusal;
  return addresses;
}
