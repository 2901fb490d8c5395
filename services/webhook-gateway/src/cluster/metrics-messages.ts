/** IPC between a gateway worker serving /metrics and the primary that sums all workers' metrics. */
export const METRICS_REQUEST = 'connector:gateway-metrics?';
export const METRICS_REPLY = 'connector:gateway-metrics';

export interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}

export interface MetricsReply {
  type: typeof METRICS_REPLY;
  id: number;
  text?: string;
  error?: string;
}
