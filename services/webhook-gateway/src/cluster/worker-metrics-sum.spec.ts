import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { Counter, Registry } from 'prom-client';
import { OWN_REQUEST, OwnRequest } from './metrics-messages';
import { WorkerMetricsSum } from './worker-metrics-sum';

/** A stand-in for a cluster worker: `answer` decides what it does with the primary's request. */
function fakeWorker(pid: number, answer: (request: OwnRequest, sum: WorkerMetricsSum) => void, sum: WorkerMetricsSum) {
  const worker = Object.assign(new EventEmitter(), {
    process: { pid },
    dead: false,
    isDead() {
      return this.dead;
    },
    send(message: OwnRequest) {
      assert.equal(message.type, OWN_REQUEST);
      answer(message, sum);
      return true;
    },
  });
  return worker as unknown as Worker & { dead: boolean };
}

async function deliveries(count: number) {
  const registry = new Registry();
  new Counter({ name: 'deliveries_total', help: 'd', registers: [registry] }).inc(count);
  return registry.getMetricsAsJSON();
}

const answersWith = (count: number) => (request: OwnRequest, sum: WorkerMetricsSum) =>
  void deliveries(count).then((metrics) => sum.received({ type: 'connector:gateway-metrics-own', id: request.id, metrics }));

describe('WorkerMetricsSum (the gateway primary summing its workers)', () => {
  test('sums the ready workers and leaves out one still booting', async () => {
    const sum = new WorkerMetricsSum();
    const booting = fakeWorker(3, () => assert.fail('a worker that has not said it is ready is not asked'), sum);
    sum.markReady(fakeWorker(1, answersWith(15), sum));
    sum.markReady(fakeWorker(2, answersWith(25), sum));
    void booting;
    assert.match(await sum.render(), /^deliveries_total 40$/m);
  });

  test('leaves out a worker that has exited, and fails a scrape a worker could not finish', async () => {
    const sum = new WorkerMetricsSum();
    const gone = fakeWorker(1, answersWith(5), sum);
    sum.markReady(gone);
    sum.markReady(fakeWorker(2, answersWith(7), sum));
    gone.dead = true;
    assert.match(await sum.render(), /^deliveries_total 7$/m);

    const silent = fakeWorker(3, () => undefined, sum);
    sum.markReady(silent);
    const scrape = sum.render();
    sum.forget(silent);
    await assert.rejects(scrape, /gateway worker 3 exited during the scrape/);
    assert.match(await sum.render(), /^deliveries_total 7$/m);
  });

  test('with no worker ready yet, the sum is empty rather than an error', async () => {
    assert.equal((await new WorkerMetricsSum().render()).trim(), '');
  });
});
