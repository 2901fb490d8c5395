'use strict';
/**
 * The intake load generator in a thread of its own (worker_threads): its own event loop and its
 * own small heap, so that neither the bench's main thread (sandbox fakes, monitors, the request
 * lists being built) nor that thread's garbage collection stalls the sending and timing of
 * requests. A stalled generator shows up as latency of the server it measures (open loop).
 *
 * Main thread: `const load = new LoadThread(); await load.run('closed' | 'open', options, requests)`.
 * The requests are copied to the thread once per run (before its clock starts).
 */
const { isMainThread, parentPort, Worker } = require('node:worker_threads');
const { monitorEventLoopDelay } = require('node:perf_hooks');

/** WooCommerce's answer counts as acknowledged only with an accepted status and a stream sequence. */
function isAcknowledged(res) {
  try {
    const body = JSON.parse(res.text);
    return body.status === 'accepted' && Number.isInteger(body.sequence) && body.duplicate === false;
  } catch {
    return false;
  }
}

if (!isMainThread) {
  const { closedLoop, newClient, openLoop } = require('./http-load');
  const clients = new Map();
  // One client per target and size: its connections stay warm across runs of the same
  // concurrency, and a run at another concurrency really gets that many connections.
  const clientFor = (baseUrl, size) => {
    const key = `${baseUrl} ${size}`;
    if (!clients.has(key)) clients.set(key, newClient(size));
    return clients.get(key);
  };
  parentPort.on('message', async ({ id, kind, options, packed, checkAck }) => {
    if (kind === 'close') {
      for (const client of clients.values()) client.destroy();
      parentPort.postMessage({ id });
      return;
    }
    const counts = { acked: 0, notAcked: 0 };
    const onResponse = checkAck
      ? (res) => {
          if (res.status !== 200) return;
          if (isAcknowledged(res)) counts.acked += 1;
          else counts.notAcked += 1;
        }
      : undefined;
    const loop = monitorEventLoopDelay({ resolution: 5 });
    try {
      const client = clientFor(options.baseUrl, options.connections);
      const bytes = Buffer.from(packed.bytes);
      const make = (i) => ({ wire: bytes.subarray(packed.offsets[i], packed.offsets[i + 1]), wireHost: packed.host });
      loop.enable();
      const result = kind === 'closed' ? await closedLoop({ ...options, client, make, onResponse }) : await openLoop({ ...options, client, make, onResponse });
      loop.disable();
      parentPort.postMessage({ id, result: { ...result, ...counts, generatorStallMs: loop.max / 1e6 } });
    } catch (error) {
      parentPort.postMessage({ id, error: String((error && error.stack) || error) });
    }
  });
} else {
  const { requestWire } = require('./http-load');

  /**
   * The requests as the bytes they are sent as, in one buffer moved (not copied) to the thread:
   * outside its heap, so 100 MB of requests cost its garbage collector nothing.
   */
  const pack = (baseUrl, requests) => {
    if (!baseUrl) return { host: '', bytes: undefined, offsets: [] };
    const host = new URL(baseUrl).host;
    const wires = requests.map((request) => requestWire(host, request));
    const offsets = new Float64Array(wires.length + 1);
    for (let i = 0; i < wires.length; i++) offsets[i + 1] = offsets[i] + wires[i].length;
    const bytes = new ArrayBuffer(offsets[wires.length]);
    const view = new Uint8Array(bytes);
    for (let i = 0; i < wires.length; i++) view.set(wires[i], offsets[i]);
    return { host, bytes, offsets };
  };

  class LoadThread {
    constructor() {
      this.worker = new Worker(__filename);
      this.waiting = new Map();
      this.nextId = 0;
      this.worker.on('message', ({ id, result, error }) => {
        const waiter = this.waiting.get(id);
        this.waiting.delete(id);
        if (error) waiter.reject(new Error(`load thread: ${error}`));
        else waiter.resolve(result);
      });
      this.worker.on('error', (error) => {
        for (const waiter of this.waiting.values()) waiter.reject(error);
        this.waiting.clear();
      });
    }

    /** One closed- or open-loop run (http-load's options plus `connections`); resolves with its result and ack counts. */
    run(kind, options, requests, { checkAck = false } = {}) {
      const id = this.nextId++;
      const packed = pack(options.baseUrl, requests);
      return new Promise((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        this.worker.postMessage({ id, kind, options, packed, checkAck }, packed.bytes ? [packed.bytes] : []);
      });
    }

    async close() {
      await this.run('close', {}, []);
      await this.worker.terminate();
    }
  }
  module.exports = { LoadThread };
}
