import type { NatsConnection } from '@nats-io/nats-core';
import { PermanentError, TransientError } from '@connector/common';
import type { RpcReply } from '@connector/contracts';

/**
 * Calls another service over core NATS request/reply. A missing or silent responder is a
 * transient failure (the service may be restarting); an error reply keeps its class across the wire.
 */
export class NatsRpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  async call<T>(subject: string, payload: unknown, timeoutMs = this.defaultTimeoutMs): Promise<T> {
    let reply: RpcReply<T>;
    try {
      const msg = await this.nc.request(subject, JSON.stringify(payload), { timeout: timeoutMs });
      reply = msg.json<RpcReply<T>>();
    } catch (error) {
      throw new TransientError(`${subject} did not answer: ${(error as Error).message}`, { cause: error });
    }
    if (reply.ok) return reply.data;
    const { message, transient, code, retryAfterMs } = reply.error;
    throw transient ? new TransientError(message, { code, retryAfterMs }) : new PermanentError(message, { code });
  }
}
