'use strict';
/** Where a service spent its CPU, from a .cpuprofile: share of busy time by package and by function. */
const fs = require('node:fs');

function moduleOf(url, functionName) {
  if (!url) return `(${functionName || 'native'})`;
  const nm = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/').slice(0, 2).join('/');
  const local = /\/(libs|services)\/([^/]+)\//.exec(url);
  return local ? `${local[1]}/${local[2]}` : url;
}

function summarizeProfile(file, top = 8) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const time = new Map();
  profile.samples.forEach((id, i) => time.set(id, (time.get(id) || 0) + (profile.timeDeltas[i] || 0)));
  const byModule = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const [id, t] of time) {
    const { callFrame } = nodes.get(id);
    if (callFrame.functionName === '(idle)' || callFrame.functionName === '(program)') continue;
    busy += t;
    const mod = moduleOf(callFrame.url, callFrame.functionName);
    byModule.set(mod, (byModule.get(mod) || 0) + t);
    const fn = `${callFrame.functionName || '(anonymous)'} (${mod})`;
    byFunction.set(fn, (byFunction.get(fn) || 0) + t);
  }
  const share = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${k} ${((100 * v) / busy).toFixed(1)}%`);
  return { busyMs: busy / 1000, modules: share(byModule), functions: share(byFunction) };
}

module.exports = { summarizeProfile };
