import { createInbox, headers } from '@nats-io/nats-core';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { callerGaveUp, msUntilCallDeadline, PermanentError, TransientError } from '@connector/common';
import { RPC_HEARTBEAT_HEADER, RPC_TIMEOUT_HEADER, RPC_WORKING_HEADER, rpcSubject, RpcReply, Topology } from '@connector/contracts';

export interface NatsRpcClientOptions {
  /** How often the callee says it is still working (RPC_HEARTBEAT_HEADER). */
  heartbeatMs?: number;
}

const DEFAULT_HEARTBEAT_MS = 2_000;
/** Heartbeats missed in a row before the callee counts as gone: generous, a busy event loop is late. */
const MISSED_HEARTBEATS = 5;

/**
 * Calls another service over core NATS request/reply. A missing or silent responder is a
 * transient failure (the service may be restarting); an error reply keeps its class across the wire.
 *
 * A call fails before its timeout when it cannot be answered any more:
 * - the callee went silent: no answer and no heartbeat (RPC_HEARTBEAT_HEADER) for several
 *   intervals, as when the process handling it was killed; a long call that is alive keeps going;
 * - the connection to NATS dropped or came back while it waited, or it was made while the
 *   connection was down: core NATS keeps nothing, so a request or reply in flight through a server
 *   that went away is gone, and one sent from the reconnect buffer can race the responder's own
 *   reconnect.
 * Waiting out the timeout would only hold the caller's event (and whatever it queued behind) for
 * nothing; the operations are idempotent, so the caller simply asks again. A call made while
 * handling another call never outwaits that call's own caller, and every request tells the callee
 * how long its caller waits (RPC_TIMEOUT_HEADER).
 */
export class NatsRpcClient {
  private readonly pending = new Set<(error: Error) => void>();
  private readonly heartbeatMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly topology: Topology,
    private readonly defaultTimeoutMs = 30_000,
    options: NatsRpcClientOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
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

  /** One request on a reply subject of its own, which hears the callee's heartbeats and its answer. */
  private request(subject: string, body: string, timeout: number): Promise<Msg> {
    const silentMs = this.heartbeatMs * MISSED_HEARTBEATS;
    return new Promise<Msg>((resolve, reject) => {
      let settled = false;
      let silence: NodeJS.Timeout | undefined;
      const finish = (error: Error | undefined, msg?: Msg) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        clearTimeout(silence);
        this.pending.delete(fail);
        replies.unsubscribe();
        if (error) reject(error);
        else resolve(msg!);
      };
      const fail = (error: Error) => finish(error);
      const listen = () => {
        clearTimeout(silence);
        silence = setTimeout(() => finish(new Error(`no answer and no sign of work for ${silentMs} ms (the responder stopped)`)), silentMs);
      };
      const inbox = createInbox();
      const replies = this.nc.subscribe(inbox, {
        callback: (error, msg) => {
          if (error) finish(error);
          // The server's own answer when nobody subscribes to the subject.
          else if (msg.headers?.code === 503) finish(new Error('no responders'));
          else if (msg.headers?.get(RPC_WORKING_HEADER)) listen();
          else finish(undefined, msg);
        },
      });
      const deadline = setTimeout(() => finish(new Error('timeout')), timeout);
      listen();
      this.pending.add(fail);
      const h = headers();
      h.set(RPC_TIMEOUT_HEADER, String(timeout));
      h.set(RPC_HEARTBEAT_HEADER, String(this.heartbeatMs));
      try {
        this.nc.publish(subject, body, { reply: inbox, headers: h });
      } catch (error) {
        finish(error as Error);
      }
    });
  }

  private async failPendingOnConnectionChange(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type !== 'disconnect' && status.type !== 'reconnect') continue;
      const lost = new Error(`connection to NATS ${status.type === 'disconnect' ? 'lost' : 'reestablished'} while waiting for the reply`);
      for (const fail of [...this.pending]) fail(lost);
    }
  }
}
