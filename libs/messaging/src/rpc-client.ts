import { headers } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { callerGaveUp, msUntilCallDeadline, PermanentError, TransientError } from '@connector/common';
import { RPC_TIMEOUT_HEADER, rpcSubject, RpcReply, Topology } from '@connector/contracts';

/**
 * Calls another service over core NATS request/reply. A missing or silent responder is a
 * transient failure (the service may be restarting); an error reply keeps its class across the wire.
 *
 * Requests waiting when the connection to NATS drops, or made while it was down, fail when it
 * drops or comes back: core NATS keeps nothing, so a request or reply in flight through a server
 * that went away is gone, and one sent from the reconnect buffer can race the responder's own
 * reconnect. Waiting out the whole timeout would only hold the caller's event (and whatever it
 * queued behind) for nothing; the operations are idempotent, so the caller simply asks again.
 * A call made while handling another call never outwaits that call's own caller, and every
 * request tells the callee how long its caller waits (RPC_TIMEOUT_HEADER).
 */
export class NatsRpcClient {
  private readonly pending = new Set<(error: Error) => void>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly topology: Topology,
    private readonly defaultTimeoutMs = 30_000,
  ) {
    void this.failPendingOnConnectionChange();
  }

  /** Calls the operation `name` (one of `RPC`) of this deployment. */
  async call<T>(name: string, payload: unknown, timeoutMs = this.defaultTimeoutMs): Promise<T> {
    const subject = rpcSubject(this.topology, name);
    const timeout = Math.min(timeoutMs, msUntilCallDeadline() ?? timeoutMs);
    if (timeout <= 0) throw callerGaveUp(`${subject} not called`);
    let reply: RpcReply<T>;
    try {
      const msg = await this.request(subject, JSON.stringify(payload), timeout);
      reply = msg.json<RpcReply<T>>();
    } catch (error) {
      throw new TransientError(`${subject} did not answer: ${(error as Error).message}`, { cause: error });
    }
    if (reply.ok) return reply.data;
    const { message, transient, code, retryAfterMs } = reply.error;
    throw transient ? new TransientError(message, { code, retryAfterMs }) : new PermanentError(message, { code });
  }

  private request(subject: string, body: string, timeout: number) {
    const h = headers();
    h.set(RPC_TIMEOUT_HEADER, String(timeout));
    const answered = this.nc.request(subject, body, { timeout, headers: h });
    let fail!: (error: Error) => void;
    const dropped = new Promise<never>((_, reject) => {
      fail = reject;
    });
    this.pending.add(fail);
    // The request's own timer still settles it after a disconnect; nobody listens then.
    answered.catch(() => undefined);
    return Promise.race([answered, dropped]).finally(() => this.pending.delete(fail));
  }

  private async failPendingOnConnectionChange(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type !== 'disconnect' && status.type !== 'reconnect') continue;
      const lost = new Error(`connection to NATS ${status.type === 'disconnect' ? 'lost' : 'reestablished'} while waiting for the reply`);
      for (const fail of this.pending) fail(lost);
      this.pending.clear();
    }
  }
}
