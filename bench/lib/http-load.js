'use strict';
/**
 * A small HTTP load generator (no dependencies): keep-alive agent, either a fixed number of
 * concurrent workers (closed loop, for the highest sustained rate) or requests scheduled at a
 * fixed rate (open loop, latency measured from the scheduled time so a slow server cannot hide
 * its queueing). Every run is bounded in request count and in time, and only targets loopback.
 */
const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');

const REQUEST_TIMEOUT_MS = 30_000;

function assertLoopback(url) {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (!(host === 'localhost' || host === '::1' || /^127\./.test(host))) {
    throw new Error(`the bench only sends traffic to loopback addresses, not ${host}`);
  }
}

function newAgent(maxSockets) {
  return new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

/**
 * One POST; resolves with the status and body text (rejects on network errors and timeouts). A
 * kept-alive socket that the server closed while it sat idle is retried once on a new one (the
 * request never reached the server; Node's documented `reusedSocket` pattern).
 */
function post(agent, baseUrl, request) {
  return postOnce(agent, baseUrl, request).catch((error) => {
    if (error && error.reusedSocket && error.code === 'ECONNRESET') return postOnce(agent, baseUrl, request);
    throw error;
  });
}

const targets = new Map();

/** Host and port of a base URL, parsed once per URL (the generator should cost little per request). */
function target(baseUrl) {
  let t = targets.get(baseUrl);
  if (!t) {
    const url = new URL(baseUrl);
    t = { host: url.hostname, port: Number(url.port) };
    targets.set(baseUrl, t);
  }
  return t;
}

function postOnce(agent, baseUrl, request) {
  const { host, port } = target(baseUrl);
  if (!request.headers['content-length']) request.headers['content-length'] = String(request.body.length);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host, port, path: request.path, method: 'POST', headers: request.headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error('request timed out')));
    req.on('error', (error) => {
      error.reusedSocket = req.reusedSocket;
      reject(error);
    });
    req.end(request.body);
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
async function closedLoop({ baseUrl, agent, concurrency, maxRequests, maxMs, make, onResponse }) {
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
        const res = await post(agent, baseUrl, request);
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
 * is counted as dropped instead of piling up.
 */
async function openLoop({ baseUrl, agent, ratePerSecond, durationMs, maxRequests, maxInFlight = 512, make, onResponse, onSent }) {
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
    const p = post(agent, baseUrl, request)
      .then((res) => {
        result.latencies.push(performance.now() - due);
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

module.exports = { assertLoopback, newAgent, post, closedLoop, openLoop };
