import { AggregatorRegistry } from 'prom-client';
import type { PlatformMetrics } from '@connector/platform';
import { METRICS_REPLY, METRICS_REQUEST, MetricsReply, MetricsRequest } from './metrics-messages';

const TIMEOUT_MS = 5_000;

/**
 * In a gateway worker: `/metrics` answers with the sum over all workers, asked of the primary,
 * so a scrape that lands on any one worker still sees every delivery the gateway took.
 */
export function serveClusterMetrics(metrics: PlatformMetrics): void {
  // prom-client answers the primary's "your metrics?" in a worker only once an AggregatorRegistry
  // has been created there (its constructor installs the listener); this one exists for that.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([metrics.registry]);
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  process.on('message', (message: MetricsReply) => {
    if (message?.type !== METRICS_REPLY) return;
    const waiter = waiting.get(message.id);
    if (!waiter) return;
    waiting.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.text !== undefined) waiter.resolve(message.text);
    else waiter.reject(new Error(`the gateway's primary process could not collect metrics: ${message.error ?? 'no answer'}`));
  });
  metrics.serveWith(
    () =>
      new Promise<string>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`the gateway's primary process did not send metrics within ${TIMEOUT_MS} ms`));
        }, TIMEOUT_MS);
        waiting.set(id, { resolve, reject, timer });
        process.send!({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
      }),
  );
}
