import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/**
 * IPC between the gateway's workers and its primary for `/metrics`. A scrape lands on one worker,
 * which asks the primary for the sum; the primary asks each worker that has announced itself ready
 * for its own metrics and adds them up.
 */
export const WORKER_READY = 'connector:gateway-worker-ready';
export const SUM_REQUEST = 'connector:gateway-metrics-sum?';
export const SUM_REPLY = 'connector:gateway-metrics-sum';
export const OWN_REQUEST = 'connector:gateway-metrics-own?';
export const OWN_REPLY = 'connector:gateway-metrics-own';

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

/** Worker → primary: my registry is set up, include me in sums from now on. */
export interface WorkerReady {
  type: typeof WORKER_READY;
}

/** Worker → primary: the sum over all workers, please. */
export interface SumRequest {
  type: typeof SUM_REQUEST;
  id: number;
}

/** Primary → worker: the sum in the exposition format, or why there is none. */
export interface SumReply {
  type: typeof SUM_REPLY;
  id: number;
  text?: string;
  error?: string;
}

/** Primary → worker: your own metrics, please. */
export interface OwnRequest {
  type: typeof OWN_REQUEST;
  id: number;
}

/** Worker → primary: my own metrics. */
export interface OwnReply {
  type: typeof OWN_REPLY;
  id: number;
  metrics: WorkerMetrics;
}

export type WorkerMessage = WorkerReady | SumRequest | OwnReply;
export type PrimaryMessage = SumReply | OwnRequest;
