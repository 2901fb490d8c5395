import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FakeZoho } from '@connector/sandbox';

export interface HeldCall {
  method: string;
  path: string;
  /** `reference_number` of the request body (invoices: the order number). */
  reference?: string;
  status: number;
  /** Epoch ms when Zoho's answer reached the proxy (the call had taken effect by then). */
  answeredAt: number;
  /** True when the client was gone by the time the answer was released. */
  clientGone?: boolean;
}

/**
 * Stands between the services and the fake Zoho (Accounts and Books on one port; the token
 * responses name the proxy as `api_domain`, so every Books call passes through it). It can hold
 * Zoho's answer to matching calls for a while *after* Zoho processed them: a process killed in
 * that window has had its invoice created in Zoho and never learns it, which is the window
 * between Zoho's create and the ack.
 */
export class ZohoProxy {
  readonly held: HeldCall[] = [];
  /** Every access and refresh token Zoho's Accounts server handed out through the proxy. */
  readonly tokensSeen = new Set<string>();
  private holds: Array<{ method: string; pathPrefix: string; ms: number }> = [];
  private readonly sockets = new Set<Socket>();
  private server = createServer((req, res) => void this.handle(req, res));
  url = '';

  private constructor(private readonly zoho: FakeZoho) {}

  static async start(zoho: FakeZoho): Promise<ZohoProxy> {
    const proxy = new ZohoProxy(zoho);
    proxy.server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.once('close', () => proxy.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address() as { port: number };
    proxy.url = `http://127.0.0.1:${address.port}`;
    return proxy;
  }

  /** Holds the answers of matching calls for `ms` after Zoho answered them (no argument: off). */
  holdAnswers(...rules: Array<{ method: string; pathPrefix: string; ms: number }>): void {
    this.holds = rules.filter((rule) => rule.ms > 0);
  }

  /** Calls whose answer is being held right now. */
  inFlight(): HeldCall[] {
    return this.held.filter((h) => h.clientGone === undefined);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const upstream = new URL(path.startsWith('/books/') ? this.zoho.apiDomain : this.zoho.accountsUrl);
      const answer = await forward(upstream, req, body);
      let payload = answer.body;
      if (!path.startsWith('/books/') && answer.headers['content-type']?.toString().includes('json')) {
        try {
          const token = JSON.parse(payload.toString('utf8')) as { access_token?: string; refresh_token?: string };
          for (const value of [token.access_token, token.refresh_token]) if (value) this.tokensSeen.add(value);
        } catch {
          // not a token response
        }
        // Token responses: the Books API is reached through this proxy too.
        payload = Buffer.from(payload.toString('utf8').split(JSON.stringify(this.zoho.apiDomain)).join(JSON.stringify(this.url)));
      }
      const pathname = path.split('?')[0]!;
      const hold = this.holds.find((rule) => req.method === rule.method && pathname.startsWith(rule.pathPrefix));
      if (hold) {
        const entry: HeldCall = { method: req.method ?? '', path: pathname, reference: referenceOf(body), status: answer.status, answeredAt: Date.now() };
        this.held.push(entry);
        await new Promise((resolve) => setTimeout(resolve, hold.ms));
        entry.clientGone = res.destroyed || req.socket.destroyed;
      }
      if (res.destroyed) return;
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      delete headers.connection;
      headers['content-length'] = String(payload.length);
      res.writeHead(answer.status, headers);
      res.end(payload);
    } catch {
      // Zoho dropped the connection (or the client went away): pass the drop on.
      res.destroy();
    }
  }
}

function forward(upstream: URL, req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

function referenceOf(body: Buffer): string | undefined {
  try {
    const reference = (JSON.parse(body.toString('utf8')) as { reference_number?: unknown }).reference_number;
    return typeof reference === 'string' ? reference : undefined;
  } catch {
    return undefined;
  }
}
