import type { NatsConnection } from '@nats-io/nats-core';
import { PermanentError, TransientError } from '@connector/common';
import { rpcSubject, RpcReply, Topology } from '@connector/contracts';

/**
 * Calls another service over core NATS request/reply. A missing or silent responder is a
 * transient failure (the service may be restarting); an error reply keeps its class across the wire.
 */
export class NatsRpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly topology: Topology,
    private readonly defaultTimeoutMs = 30_000,
  ) {}

  /** Calls the operation `name` (one of `RPC`) of this deployment. */
  async call<T>(name: string, payload: unknown, timeoutMs = this.defaultTimeoutMs): Promise<T> {
    const subject = rpcSubject(this.topology, name);
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
