import type { PlatformMetrics } from '@connector/platform';
import { OWN_REPLY, OWN_REQUEST, PrimaryMessage, SUM_REPLY, SUM_REQUEST, WORKER_READY, WorkerMessage } from './metrics-messages';

/** Longer than the primary's own wait for each worker, so its answer (or its reason) arrives first. */
const SUM_TIMEOUT_MS = 10_000;

/**
 * In a gateway worker: `/metrics` answers with the sum over all workers, asked of the primary,
 * so a scrape that lands on any one worker still sees every delivery the gateway took. The worker
 * also answers the primary's requests for its own metrics, and says it is ready for them only
 * once its registry exists, so a worker still booting never holds up a scrape.
 */
export function serveClusterMetrics(metrics: PlatformMetrics): void {
  const send = (message: WorkerMessage) => process.send!(message);
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  process.on('message', (message: PrimaryMessage) => {
    if (message?.type === OWN_REQUEST) {
      void metrics.registry.getMetricsAsJSON().then((own) => send({ type: OWN_REPLY, id: message.id, metrics: own }));
      return;
    }
    if (message?.type !== SUM_REPLY) return;
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
          reject(new Error(`the gateway's primary process did not send metrics within ${SUM_TIMEOUT_MS} ms`));
        }, SUM_TIMEOUT_MS);
        waiting.set(id, { resolve, reject, timer });
        send({ type: SUM_REQUEST, id });
      }),
  );
  send({ type: WORKER_READY });
}
