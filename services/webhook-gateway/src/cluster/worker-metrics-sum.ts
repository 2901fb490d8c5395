import type { Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { OWN_REQUEST, OwnReply, WorkerMetrics } from './metrics-messages';

const WORKER_TIMEOUT_MS = 5_000;

/**
 * In the gateway's primary: sums the metrics of the workers that are ready. A worker counts once
 * it has said so (its registry exists); one still booting, or gone, is left out rather than
 * holding every scrape until a timeout. A ready worker that does not answer fails the scrape,
 * with its pid, instead of silently under-reporting.
 */
export class WorkerMetricsSum {
  private readonly ready = new Set<Worker>();
  private readonly pending = new Map<number, { worker: Worker; resolve: (metrics: WorkerMetrics) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 0;

  markReady(worker: Worker): void {
    this.ready.add(worker);
  }

  /** The worker exited: leave it out of sums, and fail the requests it can no longer answer. */
  forget(worker: Worker): void {
    this.ready.delete(worker);
    for (const [id, request] of this.pending) {
      if (request.worker !== worker) continue;
      this.pending.delete(id);
      clearTimeout(request.timer);
      request.reject(new Error(`gateway worker ${worker.process.pid} exited during the scrape`));
    }
  }

  received(reply: OwnReply): void {
    const request = this.pending.get(reply.id);
    if (!request) return;
    this.pending.delete(reply.id);
    clearTimeout(request.timer);
    request.resolve(reply.metrics);
  }

  async render(): Promise<string> {
    const workers = [...this.ready].filter((worker) => !worker.isDead());
    const perWorker = await Promise.all(workers.map((worker) => this.ask(worker)));
    return AggregatorRegistry.aggregate(perWorker).metrics();
  }

  private ask(worker: Worker): Promise<WorkerMetrics> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`gateway worker ${worker.process.pid} did not send its metrics within ${WORKER_TIMEOUT_MS} ms`));
      }, WORKER_TIMEOUT_MS);
      this.pending.set(id, { worker, resolve, reject, timer });
      worker.send({ type: OWN_REQUEST, id });
    });
  }
}
