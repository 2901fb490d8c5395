import cluster, { Worker } from 'node:cluster';
import { createLogger, describeError } from '@connector/common';
import { OWN_REPLY, PrimaryMessage, SUM_REPLY, SUM_REQUEST, WORKER_READY, WorkerMessage } from './metrics-messages';
import { WorkerMetricsSum } from './worker-metrics-sum';

/** A worker that dies this often within a minute is failing, not crashing now and then: give up. */
const MAX_EXITS_PER_MINUTE = 5;
const RESTART_DELAY_MS = 1_000;
const STOP_GRACE_MS = 30_000;

/**
 * The primary process of a gateway that runs GATEWAY_WORKERS processes behind one port
 * (node:cluster hands each new connection to a worker). Why: the gateway is stateless and
 * CPU-bound per delivery (signature, parse, publish), and one Node thread uses one core; workers
 * use the cores a host or container has. The primary only supervises: it restarts a worker that
 * dies (giving up, with exit code 1, when they keep dying), passes SIGTERM/SIGINT on and waits
 * for the workers to drain, and sums the workers' metrics for whichever worker is scraped.
 */
export function runGatewayWorkers(workers: number, logLevel: string): Promise<void> {
  const logger = createLogger('webhook-gateway', logLevel);
  const metrics = new WorkerMetricsSum();
  const recentExits: number[] = [];
  let stopping = false;

  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message: WorkerMessage) => {
      if (message?.type === WORKER_READY) metrics.markReady(worker);
      else if (message?.type === OWN_REPLY) metrics.received(message);
      else if (message?.type === SUM_REQUEST) {
        metrics
          .render()
          .then((text) => reply(worker, { type: SUM_REPLY, id: message.id, text }))
          .catch((error) => reply(worker, { type: SUM_REPLY, id: message.id, error: describeError(error) }));
      }
    });
  };

  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping gateway workers');
      const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
      for (const worker of alive) worker.process.kill('SIGTERM');
      const deadline = setTimeout(() => alive.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), STOP_GRACE_MS);
      deadline.unref();
      if (alive.length === 0) resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);

    cluster.on('exit', (worker, code, signal) => {
      metrics.forget(worker);
      const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead()).length;
      if (stopping) {
        if (alive === 0) resolve();
        return;
      }
      const now = Date.now();
      recentExits.push(now);
      while (recentExits.length && recentExits[0]! < now - 60_000) recentExits.shift();
      if (recentExits.length > MAX_EXITS_PER_MINUTE) {
        logger.fatal({ pid: worker.process.pid, code, signal, exitsInLastMinute: recentExits.length }, 'gateway workers keep exiting; stopping');
        process.exitCode = 1;
        stop('SIGTERM');
        if (alive === 0) resolve();
        return;
      }
      logger.error({ pid: worker.process.pid, code, signal }, 'gateway worker exited; starting another');
      setTimeout(() => stopping || fork(), RESTART_DELAY_MS);
    });

    logger.info({ workers }, 'starting gateway workers');
    for (let i = 0; i < workers; i++) fork();
  });
}

function reply(worker: Worker, message: PrimaryMessage): void {
  if (!worker.isDead()) worker.send(message);
}
