import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds, from a quick database answer to a call waiting out a slow Zoho. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The Prometheus registry of one process and the metrics every service shares. Service-specific
 * metrics register on the same registry so `/metrics` shows them all.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  private renderer: () => Promise<string> = () => this.registry.metrics();

  readonly eventsSettled: Counter<'consumer' | 'outcome'>;
  readonly eventDuration: Histogram<'consumer'>;
  readonly deadLetters: Counter<'consumer'>;
  readonly consumerLag: Gauge<'consumer' | 'kind'>;
  readonly rpcAnswered: Counter<'operation' | 'outcome'>;
  readonly rpcDuration: Histogram<'operation'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.eventsSettled = new Counter({
      name: 'connector_events_settled_total',
      help: 'Events settled by a consumer, by outcome (ack, retry, dead-letter)',
      labelNames: ['consumer', 'outcome'],
      registers: [this.registry],
    });
    this.eventDuration = new Histogram({
      name: 'connector_event_duration_seconds',
      help: 'Time to handle one event',
      labelNames: ['consumer'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.consumerLag = new Gauge({
      name: 'connector_consumer_lag',
      help: 'Events waiting for a durable consumer (pending = not yet delivered, ack_pending = in flight)',
      labelNames: ['consumer', 'kind'],
      registers: [this.registry],
    });
    this.deadLetters = new Counter({
      name: 'connector_dead_letters_total',
      help: 'Events given up on and recorded as dead letters',
      labelNames: ['consumer'],
      registers: [this.registry],
    });
    this.rpcAnswered = new Counter({
      name: 'connector_rpc_answered_total',
      help: 'Calls from other services answered here, by operation and outcome (ok, transient or permanent error, late: after the caller stopped waiting)',
      labelNames: ['operation', 'outcome'],
      registers: [this.registry],
    });
    this.rpcDuration = new Histogram({
      name: 'connector_rpc_duration_seconds',
      help: 'Time to answer a call from another service',
      labelNames: ['operation'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
  }

  /** The text `/metrics` serves: this process's registry, or what `serveWith` put in its place. */
  render(): Promise<string> {
    return this.renderer();
  }

  /** A process that is one of several workers behind one port serves the metrics of all of them. */
  serveWith(renderer: () => Promise<string>): void {
    this.renderer = renderer;
  }
}
