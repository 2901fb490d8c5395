import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';

/**
 * Connects to NATS with reconnects that never give up (a NATS restart must not kill a service),
 * but fails fast with a useful message when the server is not there at boot.
 */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url.split(',').map((s) => s.trim()),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: false,
      timeout: 5_000,
      // Without this every request (each JetStream publish, RPC and ack) builds two Error objects
      // with captured stack traces in case it fails; on the gateway that was a tenth of its CPU.
      // Failures still carry their message and subject, only not the caller's async stack.
      noAsyncTraces: true,
    });
  } catch (error) {
    throw new Error(
      `Cannot reach NATS at ${redactUrl(url)} (${(error as Error).message}). Start it with JetStream enabled, e.g. ` +
        '`nats-server -js` (or `docker compose up nats`), or set NATS_URL.',
    );
  }
}

/**
 * NATS_URL with every server's credentials (user:password, a user alone, or a token, which NATS
 * takes as the user part: nats://TOKEN@host) replaced by ***, for printing. The URL is a
 * comma-separated list of servers, each with or without a scheme.
 */
export function redactUrl(url: string): string {
  return url
    .split(',')
    .map((server) => server.replace(/^(\s*(?:[a-z][a-z0-9+.-]*:\/\/)?)[^/?#]*@/i, '$1***@'))
    .join(',');
}

export type { NatsConnection } from '@nats-io/nats-core';
