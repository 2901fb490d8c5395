'use strict';
/**
 * 6. Memory: resident set size (VmRSS from /proc/<pid>/status) of each service, idle (started,
 * connected, nothing sent yet) and the peak sampled every 250 ms while the other scenarios ran.
 * The gateway's peak under load is taken from the intake scenario (its own stack).
 */
const { ALL_SERVICES } = require('../lib/stack');

function mb(bytes) {
  return bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

function run(ctx) {
  const idle = ctx.memory.idle || {};
  const peaks = ctx.memory.peak || {};
  const intakePeak = ctx.memory.intakePeak || {};
  for (const name of ALL_SERVICES) {
    const loads = [];
    if (peaks[name]) loads.push(`${mb(peaks[name].bytes)} (${peaks[name].phase})`);
    if (intakePeak[name]) loads.push(`${mb(intakePeak[name].bytes)} (${intakePeak[name].phase})`);
    ctx.row({
      scenario: '6. Memory (RSS)',
      metric: name,
      measured: `idle ${mb(idle[name])}; peak under load ${loads.join(', ') || 'n/a'}; after the run ${mb((ctx.memory.end || {})[name])}`,
      reference: '',
      target: '—',
      value: `${mb(idle[name])} → ${mb(Math.max(peaks[name]?.bytes ?? 0, intakePeak[name]?.bytes ?? 0) || undefined)}`,
      pass: null,
    });
  }
  if (idle['nats-server'] !== undefined) {
    ctx.row({
      scenario: '6. Memory (RSS)',
      metric: 'nats-server (shared, for reference)',
      measured: `${mb(idle['nats-server'])} at start, ${mb(ctx.memory.natsEnd)} at the end`,
      reference: '',
      target: '—',
      value: mb(ctx.memory.natsEnd),
      pass: null,
    });
  }
}

module.exports = { name: 'memory', run };
