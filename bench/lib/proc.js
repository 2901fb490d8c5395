'use strict';
/**
 * What /proc says about processes and the machine: resident memory, CPU time, busy cores, and a
 * description of the machine for the results file. Linux only (the bench needs /proc anyway).
 */
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function read(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** VmRSS of a process in bytes (undefined when it is gone). */
function rssBytes(pid) {
  const status = read(`/proc/${pid}/status`);
  const match = status && /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** User + system CPU seconds a process has used so far (undefined when it is gone). */
function cpuSeconds(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Every process's children, from one pass over /proc (pid → child pids). */
function childrenByParent() {
  const children = new Map();
  for (const pid of allPids()) {
    const stat = read(`/proc/${pid}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  return children;
}

/** A process and all its descendants (a gateway with GATEWAY_WORKERS > 1 is a primary and its workers). */
function processTree(pid, children = childrenByParent()) {
  const out = [];
  const visit = (p) => {
    out.push(p);
    for (const child of children.get(p) || []) visit(child);
  };
  visit(pid);
  return out;
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineCpu() {
  const line = (read('/proc/stat') || '').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = v;
  const total = v.slice(0, 8).reduce((a, b) => a + (b || 0), 0) / CLK_TCK;
  const idleAll = ((idle || 0) + (iowait || 0)) / CLK_TCK;
  return { total, busy: total - idleAll, steal: (steal || 0) / CLK_TCK, user: (user + nice) / CLK_TCK, system: (system + irq + softirq) / CLK_TCK };
}

function cmdline(pid) {
  const raw = read(`/proc/${pid}/cmdline`);
  return raw ? raw.split('\0').filter(Boolean) : [];
}

function allPids() {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
}

/** The nats-server process serving `natsUrl` (matched by its port argument; 4222 when none). */
function natsServerPid(natsUrl) {
  let port = 4222;
  try {
    port = Number(new URL(natsUrl.split(',')[0]).port) || 4222;
  } catch {
    // default
  }
  for (const pid of allPids()) {
    const args = cmdline(pid);
    if (!args.length || !/nats-server$/.test(args[0])) continue;
    let argPort = 4222;
    for (let i = 1; i < args.length; i++) {
      if (args[i] === '-p' || args[i] === '--port') argPort = Number(args[i + 1]);
      else if (/^--port=/.test(args[i])) argPort = Number(args[i].slice(7));
    }
    if (argPort === port) return pid;
  }
  return undefined;
}

function firstLine(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

/** CPU model, cores, memory, OS, Node, NATS and PostgreSQL versions. */
async function machineDescription(queryPg, natsInfo) {
  const cpus = os.cpus();
  const cpuinfo = read('/proc/cpuinfo') || '';
  const model = (/^model name\s*:\s*(.+)$/m.exec(cpuinfo) || [])[1] || cpus[0]?.model || 'unknown';
  const mhz = (/^cpu MHz\s*:\s*(.+)$/m.exec(cpuinfo) || [])[1];
  const osRelease = (/^PRETTY_NAME="?([^"\n]+)"?/m.exec(read('/etc/os-release') || '') || [])[1] || os.type();
  let pg = 'unknown';
  try {
    pg = (await queryPg('SELECT version() AS v'))[0].v.replace(/ on .*$/, '');
    const settings = await queryPg(
      `SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers','synchronous_commit','max_connections','fsync')`,
    );
    pg += ` (${settings.map((s) => `${s.name}=${s.setting}${s.unit && s.unit !== '8kB' ? s.unit : s.unit === '8kB' ? `×8kB` : ''}`).join(', ')})`;
  } catch {
    // keep unknown
  }
  return {
    cpu: `${model}${mhz ? ` @ ${Math.round(Number(mhz))} MHz` : ''}`,
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${osRelease}, kernel ${os.release()}`,
    node: process.version,
    nats: natsInfo || firstLine('nats-server', ['--version']) || 'unknown',
    postgres: pg,
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

module.exports = { CLK_TCK, rssBytes, cpuSeconds, machineCpu, natsServerPid, machineDescription, cmdline, childrenByParent, processTree };
