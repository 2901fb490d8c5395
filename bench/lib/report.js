'use strict';
/** The results as one Markdown table (printed and written to bench/results/), plus diagnosis. */

const SERVICE_COLUMNS = ['webhook-gateway', 'token-service', 'customer-sync', 'catalog-sync', 'invoice-sync', 'nats-server', 'postgres', 'bench', 'bare-handler'];

function cell(text) {
  return String(text ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function resultCell(row) {
  if (row.pass === true) return `pass (${row.value})`;
  if (row.pass === false) return `**miss** (${row.value})`;
  return row.value ?? '';
}

function renderTable(rows) {
  const lines = ['| Scenario | Measurement | Measured | Baseline / reference | Target | Result |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${[r.scenario, r.metric, r.measured, r.reference, r.target, resultCell(r)].map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function renderCpu(windows, cores) {
  const head = ['Measurement', 'wall s', `machine busy (of ${cores})`, ...SERVICE_COLUMNS.map((c) => c.replace('webhook-', '')), 'other', 'steal'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const w of windows) {
    const values = SERVICE_COLUMNS.map((c) => (w.cores[c] === undefined ? '' : w.cores[c].toFixed(2)));
    lines.push(`| ${[w.label, w.wallSeconds.toFixed(1), w.machineBusy.toFixed(2), ...values, w.other.toFixed(2), (w.steal ?? 0).toFixed(2)].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

function render({ rows, diagnoses, cpuWindows, machine, meta, notes }) {
  const out = [];
  out.push(`# Connector benchmark — ${meta.startedAt}`);
  out.push('');
  out.push(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory} RAM; ${machine.os}.`);
  out.push(`Node ${machine.node}; ${machine.nats}; ${machine.postgres}.`);
  out.push(`Run: \`npm run bench\` at ${meta.commit}, BENCH_SCALE=${meta.scale}, ${meta.durationMinutes} min, load average at start ${machine.loadavg}, LOG_LEVEL=${meta.logLevel}${meta.serviceEnv ? `, service settings ${meta.serviceEnv}` : ''}.`);
  out.push('');
  out.push(renderTable(rows));
  out.push('');
  const passed = rows.filter((r) => r.pass === true).length;
  const missed = rows.filter((r) => r.pass === false).length;
  out.push(`Targets: ${passed} met, ${missed} missed.`);
  if (diagnoses.length) {
    out.push('');
    out.push('## Where a target is missed: the limit and what would move it');
    out.push('');
    for (const d of diagnoses) out.push(`- ${d}`);
  }
  out.push('');
  out.push(`## CPU during each measurement (cores in use; 1.00 = one core busy; \`bench\` = load generator + sandbox fakes, \`postgres\` = the bench database's backends + WAL writer, checkpointer, bgwriter)`);
  out.push('');
  out.push(renderCpu(cpuWindows, machine.cores));
  if (notes.length) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const n of notes) out.push(`- ${n}`);
  }
  out.push('');
  return out.join('\n');
}

module.exports = { render, renderTable };
