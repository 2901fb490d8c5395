'use strict';
/**
 * Watches the in-process FakeZoho as it answers: every Books call is seen the moment the fake
 * records it (right before it sends the response), so "invoice created" has a precise time.
 */

function watchZoho(zoho) {
  const watch = {
    /** `${organizationId}:${reference_number}` → performance.now() when the invoice was created. */
    invoices: new Map(),
    waiters: new Map(),
    /** Calls seen, with their arrival time on this process's clock. */
    log: [],
    stop() {
      zoho.calls.push = Array.prototype.push;
    },
    /** Resolves when the invoice of this order exists (or with undefined after `timeoutMs`). */
    invoiceCreated(organizationId, reference, timeoutMs) {
      const key = `${organizationId}:${reference}`;
      if (watch.invoices.has(key)) return Promise.resolve(watch.invoices.get(key));
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          watch.waiters.delete(key);
          resolve(undefined);
        }, timeoutMs);
        watch.waiters.set(key, (at) => {
          clearTimeout(timer);
          resolve(at);
        });
      });
    },
    mark() {
      return watch.log.length;
    },
    since(mark, organizationId) {
      const calls = watch.log.slice(mark);
      return organizationId ? calls.filter((c) => c.organizationId === organizationId || c.organizationId === undefined) : calls;
    },
  };
  const push = zoho.calls.push;
  zoho.calls.push = function observe(...records) {
    const now = performance.now();
    for (const record of records) {
      // `at` is when the request arrived (epoch ms); keep our own clock for both ends.
      watch.log.push({
        seenAt: now,
        arrivedAt: now - record.durationMs,
        method: record.method,
        resourcePath: record.resourcePath,
        status: record.status,
        code: record.code,
        organizationId: record.organizationId,
      });
      if (record.method === 'POST' && record.resourcePath === '/invoices' && record.status < 300 && record.body) {
        const key = `${record.organizationId}:${record.body.reference_number}`;
        if (!watch.invoices.has(key)) {
          watch.invoices.set(key, now);
          const waiter = watch.waiters.get(key);
          if (waiter) {
            watch.waiters.delete(key);
            waiter(now);
          }
        }
      }
    }
    return push.apply(this, records);
  };
  return watch;
}

/** "GET /contacts" style label of a call, ids collapsed. */
function callKind(call) {
  return `${call.method} ${call.resourcePath.replace(/\/\d+/g, '/:id')}`;
}

function countKinds(calls) {
  const counts = {};
  for (const call of calls) counts[callKind(call)] = (counts[callKind(call)] || 0) + 1;
  return counts;
}

module.exports = { watchZoho, callKind, countKinds };
