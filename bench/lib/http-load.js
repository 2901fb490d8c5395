'use strict';
/**
 * A small HTTP load generator (no dependencies): a keep-alive connection pool speaking HTTP/1.1
 * over plain sockets, either a fixed number of concurrent workers (closed loop, for the highest
 * sustained rate) or requests scheduled at a fixed rate (open loop, latency measured from the
 * scheduled time so a slow server cannot hide its queueing). Every run is bounded in request
 * count and in time, and only targets loopback.
 *
 * Why not node:http's client: on this 2-core machine it spent 120–220 µs of CPU per request, as
 * much as the gateway it measured, on the cores the gateway and NATS need. Here each request is
 * written as bytes prepared once (`wire`, or built on first use) and a response is read by finding
 * its status, Content-Length and body: about what wrk or autocannon do, so the generator's own
 * cost weighs less on what it measures.
 */
const net = require('node:net');
const { setTimeout: sleep } = require('node:timers/promises');

const REQUEST_TIMEOUT_MS = 30_000;
const HEADER_END = Buffer.from('\r\n\r\n');

function assertLoopback(url) {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!(host === 'localhost' || host === '::1' || /^127\./.test(host))) {
    throw new Error(`the bench only sends traffic to loopback addresses, not ${host}`);
  }
}

/** A request as the bytes of one HTTP/1.1 POST (keep-alive is HTTP/1.1's default). */
function requestWire(host, request) {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body);
  let head = `POST ${request.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(request.headers || {})) {
    if (name.toLowerCase() !== 'content-length' && name.toLowerCase() !== 'host') head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Reads HTTP/1.1 responses off one socket: status, headers up to the blank line, then a body of
 * Content-Length bytes or chunked. Returns a response once complete, else undefined (needs more).
 */
class ResponseReader {
  constructor() {
    this.buffer = Buffer.alloc(0);
    this.head = undefined;
  }

  push(chunk) {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    return this.take();
  }

  take() {
    if (!this.head) {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) return undefined;
      const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
      const status = Number(lines[0].slice(9, 12));
      let length = 0;
      let chunked = false;
      let close = false;
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        const name = lines[i].slice(0, colon).trim().toLowerCase();
        const value = lines[i].slice(colon + 1).trim().toLowerCase();
        if (name === 'content-length') length = Number(value);
        else if (name === 'transfer-encoding') chunked = value.includes('chunked');
        else if (name === 'connection') close = value === 'close';
      }
      this.head = { status, length, chunked, close };
      this.buffer = this.buffer.subarray(end + HEADER_END.length);
    }
    const body = this.head.chunked ? this.chunkedBody() : this.buffer.length >= this.head.length ? this.fixedBody() : undefined;
    if (body === undefined) return undefined;
    const response = { status: this.head.status, text: body.toString('utf8'), close: this.head.close };
    this.head = undefined;
    return response;
  }

  fixedBody() {
    const body = this.buffer.subarray(0, this.head.length);
    this.buffer = this.buffer.subarray(this.head.length);
    return body;
  }

  /** The whole chunked body once its last (empty) chunk has arrived. */
  chunkedBody() {
    const parts = [];
    let at = 0;
    for (;;) {
      const lineEnd = this.buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(this.buffer.toString('latin1', at, lineEnd), 16);
      const start = lineEnd + 2;
      if (size === 0) {
        const trailerEnd = this.buffer.indexOf('\r\n', start);
        if (trailerEnd < 0) return undefined;
        this.buffer = this.buffer.subarray(trailerEnd + 2);
        return Buffer.concat(parts);
      }
      if (this.buffer.length < start + size + 2) return undefined;
      parts.push(this.buffer.subarray(start, start + size));
      at = start + size + 2;
    }
  }
}

/** One keep-alive connection carrying one request at a time. */
class Connection {
  constructor(host, port, onIdle, onGone) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.reader = new ResponseReader();
    this.pending = undefined;
    this.used = false;
    this.socket.on('data', (chunk) => {
      const response = this.pending && this.reader.push(chunk);
      if (!response) return;
      const { resolve, timer } = this.pending;
      this.pending = undefined;
      clearTimeout(timer);
      if (response.close) this.socket.destroy();
      resolve({ status: response.status, text: response.text });
      if (!response.close) onIdle(this);
    });
    const fail = (error) => {
      onGone(this);
      if (!this.pending) return;
      const { reject, timer } = this.pending;
      this.pending = undefined;
      clearTimeout(timer);
      reject(error);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(Object.assign(new Error('socket closed before the response'), { code: 'ECONNRESET' })));
  }

  send(wire) {
    const reused = this.used;
    this.used = true;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.socket.destroy(new Error('request timed out')), REQUEST_TIMEOUT_MS);
      this.pending = { resolve, reject: (error) => reject(Object.assign(error, { reusedSocket: reused })), timer };
      this.socket.write(wire);
    });
  }
}

/** Keep-alive connections per host, at most `maxSockets` each; requests beyond that wait for one. */
class HttpClient {
  constructor(maxSockets) {
    this.maxSockets = maxSockets;
    this.hosts = new Map();
  }

  hostOf(baseUrl) {
    let h = this.hosts.get(baseUrl);
    if (!h) {
      const url = new URL(baseUrl);
      h = { host: url.hostname, port: Number(url.port), hostHeader: url.host, idle: [], all: new Set(), waiting: [] };
      this.hosts.set(baseUrl, h);
    }
    return h;
  }

  async connection(h) {
    const idle = h.idle.pop();
    if (idle) return idle;
    if (h.all.size < this.maxSockets) return this.open(h);
    return new Promise((resolve) => h.waiting.push(resolve));
  }

  open(h) {
    const connection = new Connection(
      h.host,
      h.port,
      (c) => this.release(h, c),
      (c) => {
        if (!h.all.delete(c)) return;
        const at = h.idle.indexOf(c);
        if (at >= 0) h.idle.splice(at, 1);
        // A request waiting for a connection gets a new one in place of the one that closed.
        const next = h.waiting.shift();
        if (next) next(this.open(h));
      },
    );
    h.all.add(connection);
    return connection;
  }

  release(h, connection) {
    const next = h.waiting.shift();
    if (next) next(connection);
    else h.idle.push(connection);
  }

  /** One POST; resolves with the status and body text (rejects on network errors and timeouts). */
  async post(baseUrl, request) {
    const h = this.hostOf(baseUrl);
    if (request.wireHost !== h.hostHeader) {
      request.wire = requestWire(h.hostHeader, request);
      request.wireHost = h.hostHeader;
    }
    const connection = await this.connection(h);
    return connection.send(request.wire);
  }

  destroy() {
    for (const h of this.hosts.values()) {
      for (const c of h.all) c.socket.destroy();
      h.idle.length = 0;
    }
  }
}

function newClient(maxSockets) {
  return new HttpClient(maxSockets);
}

/**
 * One POST. A kept-alive connection the server closed while it sat idle is retried once on a new
 * one (the request never reached the server).
 */
function post(client, baseUrl, request) {
  return client.post(baseUrl, request).catch((error) => {
    if (error && error.reusedSocket && error.code === 'ECONNRESET') return client.post(baseUrl, request);
    throw error;
  });
}

function tally(result, res) {
  result.statuses[res.status] = (result.statuses[res.status] || 0) + 1;
  if (res.status === 200) result.ok += 1;
}

/**
 * `concurrency` workers each send the next request as soon as their previous one is answered,
 * until `maxRequests` were sent or `maxMs` passed. `make(i)` builds request i.
 */
async function closedLoop({ baseUrl, client, concurrency, maxRequests, maxMs, make, onResponse }) {
  assertLoopback(baseUrl);
  const result = { latencies: [], statuses: {}, ok: 0, errors: 0, errorSamples: [], elapsedMs: 0, sent: 0 };
  const started = performance.now();
  const deadline = started + maxMs;
  let next = 0;
  const worker = async () => {
    while (next < maxRequests && performance.now() < deadline) {
      const i = next++;
      const request = make(i);
      const t = performance.now();
      try {
        const res = await post(client, baseUrl, request);
        result.latencies.push(performance.now() - t);
        tally(result, res);
        if (onResponse) onResponse(res, i);
      } catch (error) {
        result.errors += 1;
        if (result.errorSamples.length < 3) result.errorSamples.push(String(error && error.message));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.sent = next;
  result.elapsedMs = performance.now() - started;
  result.rps = result.ok / (result.elapsedMs / 1000);
  return result;
}

/**
 * Requests scheduled every 1/rate seconds for `durationMs` (at most `maxRequests`); latency is
 * counted from each request's scheduled time. A request due while `maxInFlight` are still open
 * is counted as dropped instead of piling up. The first `warmupMs` of the schedule run at the
 * same rate but their latencies are not kept: they open the connections the closed-loop runs
 * left to time out and take the open loop's own code from cold to compiled, a transient of the
 * generator's making (it was 2.5% of one run's requests, all in its first 200 ms).
 */
async function openLoop({ baseUrl, client, ratePerSecond, durationMs, warmupMs = 0, maxRequests, maxInFlight = 512, make, onResponse, onSent }) {
  assertLoopback(baseUrl);
  const result = { latencies: [], statuses: {}, ok: 0, errors: 0, errorSamples: [], dropped: 0, elapsedMs: 0, sent: 0 };
  const interval = 1000 / ratePerSecond;
  const started = performance.now();
  const pending = new Set();
  let k = 0;
  while (k < maxRequests) {
    const due = started + k * interval;
    if (due - started >= durationMs) break;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (pending.size >= maxInFlight) {
      result.dropped += 1;
      k += 1;
      continue;
    }
    const i = k++;
    const request = make(i);
    if (onSent) onSent(i, due);
    const p = post(client, baseUrl, request)
      .then((res) => {
        if (due - started >= warmupMs) result.latencies.push(performance.now() - due);
        tally(result, res);
        if (onResponse) onResponse(res, i);
      })
      .catch((error) => {
        result.errors += 1;
        if (result.errorSamples.length < 3) result.errorSamples.push(String(error && error.message));
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }
  const scheduledMs = performance.now() - started;
  await Promise.all([...pending]);
  result.sent = k - result.dropped;
  result.elapsedMs = performance.now() - started;
  result.rps = result.ok / (Math.max(scheduledMs, 1) / 1000);
  return result;
}

module.exports = { assertLoopback, newClient, post, closedLoop, openLoop, requestWire };
