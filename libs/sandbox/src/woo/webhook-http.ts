import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';

/**
 * The outbound side of WordPress's HTTP API as webhook delivery uses it: a fresh connection per
 * request (HTTP/1.0 semantics, `Connection: close`), no redirects followed, a hard timeout, and a
 * transport error reported as status 0 (WP_Error → intval 0).
 */
export interface OutboundResult {
  status: number;
  body: string;
  error?: string;
  durationMs: number;
}

export function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number, inFlight: Set<() => void>): Promise<OutboundResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<OutboundResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inFlight.delete(abort);
      resolve({ ...result, durationMs: performance.now() - started });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      finish({ status: 0, body: '', error: 'http_request_failed: A valid URL was not provided.' });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' },
    });
    const abort = () => {
      req.destroy();
      finish({ status: 0, body: '', error: 'http_request_failed: delivery aborted (store stopped)' });
    };
    inFlight.add(abort);
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: 0, body: '', error: `http_request_failed: Operation timed out after ${timeoutMs} milliseconds` });
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => finish({ status: 0, body: '', error: `http_request_failed: ${error.message}` }));
    });
    req.on('error', (error) => finish({ status: 0, body: '', error: `http_request_failed: ${error.message}` }));
    req.end(body);
  });
}

/**
 * wp_http_validate_url as `wp_safe_remote_*` applies it: loopback/private hosts and ports other
 * than 80/443/8080 are refused unless they are the site's own host and port.
 */
export function isSafeDeliveryUrl(url: string, siteUrl: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const site = new URL(siteUrl);
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const sitePort = site.port || (site.protocol === 'https:' ? '443' : '80');
  if (target.hostname === site.hostname && port === sitePort) return true;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || isPrivateAddress(host)) return false;
  return ['80', '443', '8080'].includes(port);
}

function isPrivateAddress(host: string): boolean {
  const version = isIP(host);
  if (version === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (version === 6) return host === '::1' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80');
  return false;
}
