#!/usr/bin/env node
// Enforces the Nx module boundaries declared in module-boundaries.json from each project's tags
// (project.json) and its actual imports of @connector/* packages. Exits non-zero on a violation.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rules = JSON.parse(readFileSync(join(root, 'module-boundaries.json'), 'utf8')).depConstraints;

const projects = new Map();
for (const top of ['libs', 'services', 'tests']) {
  for (const name of readdirSync(join(root, top))) {
    const dir = join(root, top, name);
    if (!existsSync(join(dir, 'project.json'))) continue;
    const project = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'));
    projects.set(name, { dir, tags: project.tags ?? [], kind: top });
  }
}

function sources(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const violations = [];
for (const [name, project] of projects) {
  const src = join(project.dir, 'src');
  if (!existsSync(src)) continue;
  for (const file of sources(src)) {
    // Tests, and the fixtures (`*.fixture.ts`) several of a project's tests share, are test code.
    const isTest = /\.(spec|fixture)\.ts$/.test(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from\s+'@connector\/([a-z0-9-]+)'/g)) {
      const target = projects.get(match[1]);
      if (!target || match[1] === name) continue;
      if (target.kind === 'services') {
        violations.push(`${relative(root, file)}: imports service ${match[1]} (services talk over NATS only)`);
        continue;
      }
      for (const rule of rules) {
        if (!project.tags.includes(rule.sourceTag)) continue;
        const allowed = isTest ? [...rule.onlyDependOnLibsWithTags, ...(rule.testsMayAlsoDependOn ?? [])] : rule.onlyDependOnLibsWithTags;
        if (!target.tags.some((t) => allowed.includes(t))) {
          violations.push(`${relative(root, file)}: ${name} [${project.tags}] may not depend on ${match[1]} [${target.tags}]`);
        }
      }
    }
  }
}

if (violations.length) {
  console.error(`Module boundary violations:\n  ${violations.join('\n  ')}`);
  process.exit(1);
}
console.log(`module boundaries ok (${projects.size} projects)`);
