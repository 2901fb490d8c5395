'use strict';
/** Reads a service's Prometheus /metrics (the Stack knows each instance's port). */

function parse(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const pair of (match[3] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

async function scrape(stack, key) {
  try {
    return parse(await stack.metrics(key));
  } catch {
    return [];
  }
}

function total(samples, name, labels = {}) {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

/** What invoice-sync's consumer did between two scrapes: events by outcome and mean handling time. */
function consumerDelta(before, after, consumer) {
  const d = (name, labels) => total(after, name, labels) - total(before, name, labels);
  const count = d('connector_event_duration_seconds_count', { consumer });
  const sum = d('connector_event_duration_seconds_sum', { consumer });
  return {
    events: count,
    meanMs: count > 0 ? (sum / count) * 1000 : NaN,
    acked: d('connector_events_settled_total', { consumer, outcome: 'ack' }),
    retried: d('connector_events_settled_total', { consumer, outcome: 'retry' }),
    deadLettered: d('connector_events_settled_total', { consumer, outcome: 'dead-letter' }),
  };
}

module.exports = { parse, scrape, total, consumerDelta };
