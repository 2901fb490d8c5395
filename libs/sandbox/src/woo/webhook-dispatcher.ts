import { randomBytes } from 'node:crypto';
import { phpJsonEncode } from './php-json';
import type { WebhookRecord } from './store-records';
import { splitTopic } from './webhook-topics';
import { deliveryId, webhookSignature } from './webhook-signature';
import { isSafeDeliveryUrl, postOnce } from './webhook-http';

/** One webhook delivery attempt (pings are recorded separately). */
export interface DeliveryRecord {
  webhookId: number;
  topic: string;
  resourceId: number;
  url: string;
  /** HTTP status, or 0 for a transport failure (refused, timeout, unsafe URL). */
  status: number;
  success: boolean;
  deliveryId: string;
  /** Epoch ms when the delivery started. */
  at: number;
  durationMs: number;
  /** The exact request body (signed bytes). */
  body: string;
  headers: Record<string, string>;
  responseBody: string;
  error?: string;
}

/** One ping (`webhook_id=N`), sent on create and on saves while the webhook awaits a 200. */
export interface PingRecord {
  webhookId: number;
  url: string;
  status: number;
  at: number;
  body: string;
  headers: Record<string, string>;
  error?: string;
}

export interface DispatcherSettings {
  /** `woocommerce_max_webhook_delivery_failures` (default 5: the 7th consecutive failure disables). */
  maxDeliveryFailures: number;
  /** Delivery timeout (WooCommerce: 60 s). */
  deliveryTimeoutMs: number;
  /** Ping timeout (WordPress default: 5 s). */
  pingTimeoutMs: number;
  /** Delay before a queued delivery runs, like the Action Scheduler's cron (default 0). */
  deliveryDelayMs: number;
  /** Deliveries sent at once (default 1, like one queue runner). */
  deliveryConcurrency: number;
  /** Apply wp_safe_remote_post's URL checks (loopback/private hosts refused). Default false. */
  rejectUnsafeUrls: boolean;
  userAgent: string;
  /** `home_url('/')`. */
  sourceUrl: string;
}

export interface DispatcherDeps {
  webhooks: Map<number, WebhookRecord>;
  /** The payload for a topic and resource id as of now (GET representation, `{id}` or a REST error). */
  payload(topic: string, resourceId: number): unknown;
  now(): number;
  /** Called after a webhook record changed (failure count, status). */
  saved(webhook: WebhookRecord): void;
}

interface Job {
  webhookId: number;
  resourceId: number;
  readyAt: number;
}

/**
 * WooCommerce webhook delivery: events are queued (like Action Scheduler actions), a pending job
 * with the same (webhook, resource) absorbs new events, and the payload is built only when the job
 * runs, so it shows the resource's current state. Results update failure_count and auto-disable;
 * nothing is ever retried.
 */
export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  readonly pings: PingRecord[] = [];
  private queue: Job[] = [];
  private running = 0;
  private paused = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private readonly aborts = new Set<() => void>();
  private readonly salt = randomBytes(32).toString('hex');
  private pingsInFlight = 0;

  constructor(
    readonly settings: DispatcherSettings,
    private readonly deps: DispatcherDeps,
  ) {}

  /** Queues deliveries of `topic` for `resourceId` to every active webhook on that topic. */
  enqueue(topic: string, resourceId: number): void {
    if (this.stopped) return;
    const readyAt = this.deps.now() + this.settings.deliveryDelayMs;
    for (const webhook of this.deps.webhooks.values()) {
      if (webhook.status !== 'active' || webhook.topic !== topic) continue;
      if (this.queue.some((job) => job.webhookId === webhook.id && job.resourceId === resourceId)) continue;
      this.queue.push({ webhookId: webhook.id, resourceId, readyAt });
    }
    this.schedule();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /** Resolves when nothing is queued (or the queue is paused) and nothing is in flight. */
  flush(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  pendingCount(): number {
    return this.queue.length;
  }

  /** Delivers one payload now, outside the queue (e.g. to test duplicate handling). */
  async deliverNow(webhook: WebhookRecord, resourceId: number, overrides: { body?: string; secret?: string } = {}): Promise<DeliveryRecord> {
    this.running += 1;
    try {
      return await this.deliver(webhook, resourceId, overrides);
    } finally {
      this.running -= 1;
      this.notifyIfIdle();
    }
  }

  /**
   * The ping WooCommerce sends on create and on saves while `pending_delivery` is set:
   * `webhook_id=N` as a form body, no X-WC headers, success only on exactly 200.
   */
  async ping(webhook: WebhookRecord): Promise<PingRecord> {
    const body = `webhook_id=${webhook.id}`;
    const headers = { 'User-Agent': this.settings.userAgent, 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' };
    const at = this.deps.now();
    this.pingsInFlight += 1;
    try {
      const result = this.settings.rejectUnsafeUrls && !isSafeDeliveryUrl(webhook.deliveryUrl, this.settings.sourceUrl)
        ? { status: 0, body: '', error: 'http_request_failed: A valid URL was not provided.', durationMs: 0 }
        : await postOnce(webhook.deliveryUrl, headers, body, this.settings.pingTimeoutMs, this.aborts);
      if (result.status === 200) webhook.pendingDelivery = false;
      const record: PingRecord = { webhookId: webhook.id, url: webhook.deliveryUrl, status: result.status, at, body, headers, error: result.error };
      this.pings.push(record);
      return record;
    } finally {
      this.pingsInFlight -= 1;
      this.notifyIfIdle();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.queue = [];
    for (const abort of [...this.aborts]) abort();
    this.notifyIfIdle();
  }

  private schedule(): void {
    if (this.stopped || this.paused) {
      this.notifyIfIdle();
      return;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const now = this.deps.now();
    while (this.running < this.settings.deliveryConcurrency) {
      const index = this.queue.findIndex((job) => job.readyAt <= now);
      if (index === -1) break;
      const [job] = this.queue.splice(index, 1);
      this.running += 1;
      // Deliver after the current call stack, like WordPress's shutdown-time queue.
      setImmediate(() => {
        void this.runJob(job!).finally(() => {
          this.running -= 1;
          this.schedule();
        });
      });
    }
    if (this.queue.length > 0 && this.running < this.settings.deliveryConcurrency) {
      const next = Math.min(...this.queue.map((job) => job.readyAt));
      this.timer = setTimeout(() => this.schedule(), Math.max(1, next - now));
    }
    this.notifyIfIdle();
  }

  private async runJob(job: Job): Promise<void> {
    const webhook = this.deps.webhooks.get(job.webhookId);
    // A queued delivery still goes out after the webhook was disabled: deliver() does not re-check status.
    if (!webhook || this.stopped) return;
    await this.deliver(webhook, job.resourceId, {});
  }

  private async deliver(webhook: WebhookRecord, resourceId: number, overrides: { body?: string; secret?: string }): Promise<DeliveryRecord> {
    const topic = webhook.topic;
    const { resource, event } = splitTopic(topic);
    const body = overrides.body ?? phpJsonEncode(this.deps.payload(topic, resourceId)).trim();
    const at = this.deps.now();
    const id = deliveryId(webhook.id, Math.floor(at / 1000), this.salt);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': this.settings.userAgent,
      'X-WC-Webhook-Source': this.settings.sourceUrl,
      'X-WC-Webhook-Topic': topic,
      'X-WC-Webhook-Resource': resource,
      'X-WC-Webhook-Event': event,
      'X-WC-Webhook-Signature': webhookSignature(body, overrides.secret ?? webhook.secret),
      'X-WC-Webhook-ID': String(webhook.id),
      'X-WC-Webhook-Delivery-ID': id,
    };
    const result =
      this.settings.rejectUnsafeUrls && !isSafeDeliveryUrl(webhook.deliveryUrl, this.settings.sourceUrl)
        ? { status: 0, body: '', error: 'http_request_failed: A valid URL was not provided.', durationMs: 0 }
        : await postOnce(webhook.deliveryUrl, headers, body, this.settings.deliveryTimeoutMs, this.aborts);
    const success = result.status >= 200 && result.status < 303;
    const record: DeliveryRecord = {
      webhookId: webhook.id,
      topic,
      resourceId,
      url: webhook.deliveryUrl,
      status: result.status,
      success,
      deliveryId: id,
      at,
      durationMs: result.durationMs,
      body,
      headers,
      responseBody: result.body,
      error: result.error,
    };
    this.deliveries.push(record);
    if (!this.stopped) this.logDelivery(webhook, success);
    return record;
  }

  /** WC_Webhook::log_delivery / failed_delivery. */
  private logDelivery(webhook: WebhookRecord, success: boolean): void {
    if (success) {
      webhook.failureCount = 0;
    } else if (webhook.failureCount > this.settings.maxDeliveryFailures) {
      webhook.status = 'disabled';
    } else {
      webhook.failureCount += 1;
    }
    this.deps.saved(webhook);
  }

  private isIdle(): boolean {
    const runnable = this.paused || this.stopped ? 0 : this.queue.length;
    return runnable === 0 && this.running === 0 && this.pingsInFlight === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
