import { isIP } from 'node:net';
import { Agent } from 'undici';
import { httpExchange, type HttpExchange, type UnavailableErrorFactory } from './http-exchange';
import { NonPublicAddressError, nonPublicAddressError, publicAddressLookup, type ResolveAll, systemResolveAll } from './public-address-lookup';

/**
 * An `httpExchange` that only connects to public addresses, for URLs someone typed in (a store, an
 * alert webhook) when ALLOW_PRIVATE_ENDPOINTS is off. Its connections come from an undici Agent
 * whose `lookup` refuses a name resolving to any non-public address, on every connection it
 * opens, so a name that resolves privately, at once or only after the URL was validated (DNS
 * rebinding), is refused without a byte sent. The refusal is made by the caller's `unavailable`
 * (code ERR_NON_PUBLIC_ADDRESS) and names the host only: an alert URL's path is its secret.
 */
export function createPublicHttpExchange(resolveAll: ResolveAll = systemResolveAll): HttpExchange {
  const agent = new Agent({ connect: { lookup: publicAddressLookup(resolveAll) } });
  return (url, init, timeoutMs, operation, unavailable) => {
    const refuse = (refusal: NonPublicAddressError) => unavailable(`${operation} was not sent: ${refusal.message}`, { code: refusal.code, cause: refusal });
    // A connection to an IP literal asks no `lookup`.
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const literal = nonPublicAddressError(host, isIP(host) ? [host] : []);
    if (literal) return Promise.reject(refuse(literal));
    const refusing: UnavailableErrorFactory = (message, options) => {
      const refusal = refusalIn(options.cause);
      return refusal ? refuse(refusal) : unavailable(message, options);
    };
    return httpExchange(url, init, timeoutMs, operation, refusing, agent);
  };
}

/** fetch wraps the lookup's refusal ("fetch failed", its `cause`). */
function refusalIn(error: unknown): NonPublicAddressError | undefined {
  for (let cause = error, depth = 0; cause && depth < 4; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (cause instanceof NonPublicAddressError) return cause;
  }
  return undefined;
}

/** The exchange of every client whose private endpoints are not allowed. */
export const publicHttpExchange: HttpExchange = createPublicHttpExchange();
