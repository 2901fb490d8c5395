import type { PubAck } from '@nats-io/jetstream';
import { createInbox } from '@nats-io/nats-core';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { HEADERS, Topology } from '@connector/contracts';
import { encodedHeaders } from './encoded-headers';

const UTF8 = new TextDecoder();

export interface PublishRequest {
  subject: string;
  body: Uint8Array;
  msgId: string;
  headers: Record<string, string | undefined>;
}

interface Pending {
  request: PublishRequest;
  resolve: (ack: PubAck) => void;
  reject: (error: unknown) => void;
}

interface Awaiting {
  resolve: (ack: PubAck) => void;
  reject: (error: unknown) => void;
  deadline: number;
}

/** JetStream refused a message (its API error), e.g. a wrong expected stream or a full stream. */
export class PublishRejectedError extends Error {
  override readonly name = 'PublishRejectedError';
  constructor(readonly code: number, description: string) {
    super(`JetStream refused the message: ${description} (${code})`);
  }
}

/**
 * Publishes to the audit stream and resolves only when JetStream has stored the message (PubAck).
 * The gateway answers WooCommerce after this resolves, so a 200 always means "stored".
 *
 * Built for the gateway's hot path (measured in bench/, scenario 1), in two ways:
 * - Publishes asked for during one turn of the event loop go out together at its end: the NATS
 *   client writes its buffer once per batch of synchronous publishes, so a busy gateway makes one
 *   socket write for the deliveries that arrived together instead of one each. The wait is the
 *   rest of the current turn, not a timer: an idle gateway publishes at once.
 * - Acknowledgements come back on one reply subscription, matched by token, with one sweep for
 *   timeouts: the client's request/reply machinery (a timer, promises and a discarded error per
 *   call) cost more CPU than the publish itself. The semantics are JetStream publish's: the
 *   message id and expected stream travel as headers; an API error, no responders (no stream for
 *   the subject) or no answer in time reject.
 */
export class DeliveryPublisher {
  private queue: Pending[] = [];
  private readonly awaiting = new Map<string, Awaiting>();
  private readonly inbox = createInbox();
  private replies: Subscription | undefined;
  private nextToken = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly topology: Topology,
    private readonly timeoutMs = 5_000,
  ) {}

  publish(request: PublishRequest): Promise<PubAck> {
    return new Promise<PubAck>((resolve, reject) => {
      if (this.queue.push({ request, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    for (const pending of batch) {
      try {
        this.send(pending);
      } catch (error) {
        pending.reject(error);
      }
    }
  }

  private send({ request, resolve, reject }: Pending): void {
    // Nats-Msg-Id is JetStream's de-duplication key; Nats-Expected-Stream makes a wrong stream an error.
    const headers = encodedHeaders(request.headers, { [HEADERS.msgId]: request.msgId, 'Nats-Expected-Stream': this.topology.stream });
    const token = (this.nextToken++).toString(36);
    this.listen();
    this.nc.publish(request.subject, request.body, { headers, reply: `${this.inbox}.${token}` });
    this.awaiting.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs });
    this.sweeper ??= setInterval(() => this.sweep(), Math.min(250, Math.max(10, this.timeoutMs / 4))).unref();
  }

  private listen(): void {
    if (this.replies && !this.replies.isClosed()) return;
    this.replies = this.nc.subscribe(`${this.inbox}.*`, { callback: (error, msg) => (error ? this.failAll(error) : this.settle(msg)) });
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length + 1);
    const waiter = this.awaiting.get(token);
    if (!waiter) return; // answered after its timeout: the caller already answered 503
    this.awaiting.delete(token);
    if (msg.headers?.code === 503) {
      waiter.reject(new Error('no JetStream stream listens on this subject (no responders)'));
      return;
    }
    try {
      const reply = JSON.parse(UTF8.decode(msg.data)) as PubAck & { error?: { code: number; err_code?: number; description: string } };
      if (reply.error) waiter.reject(new PublishRejectedError(reply.error.err_code ?? reply.error.code, reply.error.description));
      else if (!reply.stream) waiter.reject(new Error('JetStream sent an acknowledgement without a stream'));
      else waiter.resolve({ ...reply, duplicate: reply.duplicate === true });
    } catch (error) {
      waiter.reject(new Error(`unreadable JetStream acknowledgement: ${(error as Error).message}`));
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, waiter] of this.awaiting) {
      if (waiter.deadline > now) continue;
      this.awaiting.delete(token);
      waiter.reject(new Error(`JetStream did not acknowledge within ${this.timeoutMs} ms`));
    }
    if (this.awaiting.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private failAll(error: Error): void {
    for (const waiter of this.awaiting.values()) waiter.reject(error);
    this.awaiting.clear();
  }
}
