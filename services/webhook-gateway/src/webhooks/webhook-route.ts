import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { BodyTooLargeError, readRawBody } from './raw-body';
import type { DeliveryIntake, IntakeResult } from './delivery-intake.service';

/** `POST /webhooks/woocommerce/:connectionId`, the URL a WooCommerce store delivers to. */
const WEBHOOK_PATH = /^\/webhooks\/woocommerce\/([^/?#]+)\/?(?:\?.*)?$/;

/**
 * Serves the delivery route straight from node:http, ahead of Nest/Express, which keep every other
 * route (health, metrics). Why: this route is the product's hot path — a busy store's checkouts
 * land here — and the framework pipeline (router, middleware, response helpers) cost more CPU per
 * delivery than verifying, parsing and storing it (measured in bench/, scenario 1). Everything the
 * route decides is in DeliveryIntake; this only moves bytes.
 */
export function serveWebhooksFirst(server: Server, intake: DeliveryIntake, maxBodyBytes: () => number): void {
  const framework = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = req.method === 'POST' ? WEBHOOK_PATH.exec(req.url ?? '') : null;
    if (!match) {
      for (const listener of framework) listener(req, res);
      return;
    }
    receive(req, res, match[1]!, intake, maxBodyBytes()).catch((error: unknown) => {
      // DeliveryIntake answers every failure itself; reaching this is a bug, still never a hang.
      respond(res, { status: 500, body: { error: 'internal_error', message: (error as Error)?.message ?? 'unexpected error' } });
    });
  });
}

async function receive(req: IncomingMessage, res: ServerResponse, rawId: string, intake: DeliveryIntake, limit: number): Promise<void> {
  let connectionId: string;
  try {
    connectionId = decodeURIComponent(rawId);
  } catch {
    req.resume();
    return respond(res, { status: 400, body: { error: 'bad_connection_id', message: 'The connection id in the URL is not valid percent-encoding' } });
  }
  let body: Buffer;
  try {
    body = await readRawBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return respond(res, { status: 413, body: { error: 'body_too_large', message: error.message } });
    return respond(res, { status: 400, body: { error: 'unreadable_body', message: 'The request body could not be read' } });
  }
  respond(res, await intake.accept({ connectionId, headers: req.headers, body }));
}

function respond(res: ServerResponse, result: IntakeResult): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(result.body);
  res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}
