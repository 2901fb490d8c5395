'use strict';
/**
 * CPU and memory of everything taking part in a measurement: the five service processes, the
 * nats-server, the PostgreSQL backends of the bench database (plus its WAL writer, checkpointer
 * and background writer), the bench process itself (load generator and the sandbox fakes), and
 * the machine as a whole. A window (begin/end) gives CPU in cores (1.00 = one core fully busy).
 */
const { childrenByParent, cpuSeconds, machineCpu, natsServerPid, processTree, rssBytes } = require('./proc');

/** How long the process trees (a service and its children) are reused: scanning /proc is not free. */
const TREE_TTL_MS = 2_000;

class Monitor {
  constructor({ natsUrl }) {
    this.natsPid = natsServerPid(natsUrl);
    this.services = new Map(); // name -> pid
    this.queryPg = undefined;
    this.dbName = undefined;
    this.phase = 'idle';
    this.peaks = new Map(); // service -> { bytes, phase }
    this.timer = undefined;
    this.children = undefined;
    this.childrenAt = 0;
  }

  /** A service's processes: its pid and its descendants (one /proc scan every TREE_TTL_MS at most). */
  family(pid) {
    const now = performance.now();
    if (!this.children || now - this.childrenAt > TREE_TTL_MS) {
      this.children = childrenByParent();
      this.childrenAt = now;
    }
    return processTree(pid, this.children);
  }

  /** Resident memory of a service's processes, in bytes (undefined when it is gone). */
  familyRss(pid) {
    const own = rssBytes(pid);
    if (own === undefined) return undefined;
    return this.family(pid).slice(1).reduce((sum, child) => sum + (rssBytes(child) || 0), own);
  }

  /** Points the monitor at a running stack (its service pids and its database). */
  attach(stack, servicePids) {
    this.services = new Map(Object.entries(servicePids));
    this.queryPg = (sql, params) => stack.db.dataSource.query(sql, params);
    this.dbName = new URL(stack.db.url).pathname.slice(1);
  }

  setPhase(phase) {
    this.phase = phase;
  }

  startSampling(intervalMs = 250) {
    this.stopSampling();
    this.timer = setInterval(() => this.sampleRss(), intervalMs);
    this.timer.unref();
  }

  stopSampling() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  sampleRss() {
    for (const [name, pid] of this.services) {
      const bytes = this.familyRss(pid);
      if (bytes === undefined || this.phase === 'idle') continue;
      const peak = this.peaks.get(name);
      if (!peak || bytes > peak.bytes) this.peaks.set(name, { bytes, phase: this.phase });
    }
  }

  rssNow() {
    const out = {};
    for (const [name, pid] of this.services) out[name] = this.familyRss(pid);
    if (this.natsPid) out['nats-server'] = rssBytes(this.natsPid);
    return out;
  }

  async pgPids() {
    if (!this.queryPg) return [];
    try {
      const rows = await this.queryPg(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = $1 OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
        [this.dbName],
      );
      return rows.map((r) => Number(r.pid));
    } catch {
      return [];
    }
  }

  async cpuSnapshot() {
    const perPid = new Map();
    const groups = new Map();
    // A service's CPU includes its child processes (the gateway's workers).
    for (const [name, pid] of this.services) groups.set(name, this.family(pid));
    if (this.natsPid) groups.set('nats-server', [this.natsPid]);
    groups.set('postgres', await this.pgPids());
    for (const pids of groups.values()) for (const pid of pids) perPid.set(pid, cpuSeconds(pid));
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      groups,
      perPid,
      bench: (usage.user + usage.system) / 1e6,
      machine: machineCpu(),
    };
  }

  async begin(label, { phase = true } = {}) {
    if (phase) this.setPhase(label);
    return { label, start: await this.cpuSnapshot() };
  }

  /**
   * Waits (bounded) until processes outside the bench — other work on a shared machine — use at
   * most `maxOtherCores`, sampling one second at a time. Returns what they used in the last second.
   */
  async waitQuiet({ maxOtherCores = 0.25, maxWaitMs = 20_000 } = {}) {
    const started = performance.now();
    for (;;) {
      const window = await this.begin('quiet check', { phase: false });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const cpu = await this.end(window, { phase: false });
      const waitedMs = performance.now() - started;
      if (cpu.other <= maxOtherCores || waitedMs >= maxWaitMs) return { other: cpu.other, waitedMs };
    }
  }

  /** CPU used during the window, in cores, by group; plus the machine's busy cores. */
  async end(window, { phase = true } = {}) {
    const end = await this.cpuSnapshot();
    const start = window.start;
    const wall = (end.at - start.at) / 1000;
    const cores = {};
    const names = new Set([...start.groups.keys(), ...end.groups.keys()]);
    for (const name of names) {
      const pids = new Set([...(start.groups.get(name) || []), ...(end.groups.get(name) || [])]);
      let seconds = 0;
      for (const pid of pids) {
        const a = start.perPid.get(pid);
        const b = end.perPid.get(pid);
        if (b === undefined) continue; // gone: its last interval is lost (rare: pools keep connections)
        seconds += b - (a ?? 0);
      }
      cores[name] = seconds / wall;
    }
    cores.bench = (end.bench - start.bench) / wall;
    const machineBusy = (end.machine.busy - start.machine.busy) / wall;
    const machineTotal = (end.machine.total - start.machine.total) / wall;
    const steal = (end.machine.steal - start.machine.steal) / wall;
    const accounted = Object.values(cores).reduce((a, b) => a + b, 0);
    if (phase) this.setPhase('idle');
    return { label: window.label, wallSeconds: wall, cores, machineBusy, machineCores: machineTotal, steal, other: Math.max(0, machineBusy - accounted) };
  }
}

/** "invoice-sync 0.93, postgres 0.41, …" — the biggest consumers first. */
function describeCpu(cpu, top = 4) {
  return Object.entries(cpu.cores)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, c]) => `${name} ${c.toFixed(2)}`)
    .join(', ');
}

module.exports = { Monitor, describeCpu };
