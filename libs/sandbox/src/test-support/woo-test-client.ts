import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { FakeWooStore } from '../woo/fake-woo-store';

/**
 * Test helpers for the fake store: a request signer written from RFC 5849 (independent of the
 * fake's own verifier), and a webhook receiver that records what arrives.
 */

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** RFC 5849 §3.4.1 signature over the query parameters plus the oauth ones. */
export function rfc5849Sign(method: string, url: string, secret: string, oauth: Record<string, string>, algorithm: 'sha1' | 'sha256' = 'sha256'): string {
  const u = new URL(url);
  const pairs: Array<[string, string]> = [...u.searchParams.entries(), ...Object.entries(oauth)].map(([k, v]) => [enc(k), enc(v)]);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  const base = `${method.toUpperCase()}&${enc(`${u.origin}${u.pathname}`)}&${enc(normalized)}`;
  return createHmac(algorithm, `${secret}&`).update(base).digest('base64');
}

export function oauthParams(consumerKey: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    oauth_consumer_key: consumerKey,
    oauth_nonce: randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    ...overrides,
  };
}

/** A signed URL (query transport). */
export function signedUrl(method: string, url: string, key: string, secret: string, overrides: Record<string, string> = {}): string {
  const oauth = oauthParams(key, overrides);
  const algorithm = oauth.oauth_signature_method === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  const signature = rfc5849Sign(method, url, secret, oauth, algorithm);
  const u = new URL(url);
  for (const [k, v] of Object.entries(oauth)) u.searchParams.set(k, v);
  u.searchParams.set('oauth_signature', signature);
  return u.toString();
}

export interface WooResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Calls the store's REST API as a TLS-terminating proxy would forward it (Basic auth over "HTTPS"). */
export async function wooRequest(store: FakeWooStore, method: string, path: string, body?: unknown, auth: { key: string; secret: string } = { key: store.consumerKey, secret: store.consumerSecret }): Promise<WooResponse> {
  const res = await fetch(`${store.restBase}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${auth.key}:${auth.secret}`).toString('base64')}`,
      'x-forwarded-proto': 'https',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export interface ReceivedRequest {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** An HTTP receiver for webhooks; `respond` decides the status per request. */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  respond: (req: ReceivedRequest) => number = () => 200;
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver!: WebhookReceiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const entry = { method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        receiver.received.push(entry);
        res.writeHead(receiver.respond(entry));
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${address.port}/hook`);
    return receiver;
  }

  deliveries(): ReceivedRequest[] {
    return this.received.filter((r) => r.headers['x-wc-webhook-topic'] !== undefined);
  }

  pings(): ReceivedRequest[] {
    return this.received.filter((r) => r.headers['x-wc-webhook-topic'] === undefined);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
