'use strict';
// Checks the deployment files (Dockerfile, docker-compose.yml, the Helm chart) by construction: no
// Docker engine or helm binary is needed, so a broken manifest fails `npm test` on any machine
// instead of at deploy time. When helm is on PATH it also lints and renders the chart.
//   node --test scripts/deploy-manifests.spec.js
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');
const { createServer } = require('node:net');

const root = join(__dirname, '..');
const read = (path) => readFileSync(join(root, path), 'utf8');
const chartDir = 'deploy/helm/connector';

/** The five services, the variable that sets each one's HTTP port, and its default port. */
const SERVICES = {
  'webhook-gateway': { key: 'webhookGateway', portEnv: 'GATEWAY_PORT', port: 3000 },
  'token-service': { key: 'tokenService', portEnv: 'ADMIN_PORT', port: 3001 },
  'customer-sync': { key: 'customerSync', portEnv: 'HTTP_PORT', port: 3002 },
  'catalog-sync': { key: 'catalogSync', portEnv: 'HTTP_PORT', port: 3003 },
  'invoice-sync': { key: 'invoiceSync', portEnv: 'HTTP_PORT', port: 3004 },
};
const SERVICE_NAMES = Object.keys(SERVICES);

// ---------------------------------------------------------------------------------------------
// A small YAML reader for the subset these files use: block maps, block lists of scalars, flow
// lists of scalars, `{}`, quoted and plain scalars, block scalars (`|`, `>`), comments, anchors
// (`&name`), aliases (`*name`) and merge keys (`<<: *name`). Anything else is an error, which also
// keeps values.yaml as simple as the chart's documentation promises.

function stripComment(text) {
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:,[{-]/.test(text[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

function splitFlow(inner) {
  const parts = [];
  let quote = null;
  let current = '';
  for (const c of inner) {
    if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ',') {
      parts.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function parseScalar(text, where) {
  const t = text.trim();
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === '{}') return {};
  if (t.startsWith('[')) {
    if (!t.endsWith(']')) throw new Error(`${where}: unterminated flow list`);
    return splitFlow(t.slice(1, -1)).map((part) => parseScalar(part, where));
  }
  if (t.startsWith('{')) throw new Error(`${where}: flow maps are not supported (use block style)`);
  if (t.startsWith('"')) return JSON.parse(t);
  if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

function parseYaml(source, name = 'yaml') {
  const lines = [];
  source.split('\n').forEach((raw, index) => {
    if (/^\s*(#.*)?$/.test(raw) || raw.trim() === '---') {
      lines.push({ blank: true, raw, number: index + 1 });
      return;
    }
    if (/^\t/.test(raw)) throw new Error(`${name}:${index + 1}: tab indentation`);
    const indent = raw.length - raw.trimStart().length;
    lines.push({ indent, text: stripComment(raw.trim()), raw, number: index + 1 });
  });
  const anchors = new Map();
  let i = 0;
  const skipBlank = () => {
    while (i < lines.length && lines[i].blank) i++;
  };
  const where = (line) => `${name}:${line.number}`;

  function blockScalar(style, parentIndent) {
    const collected = [];
    let blockIndent = null;
    while (i < lines.length) {
      const line = lines[i];
      if (!line.blank && line.indent <= parentIndent) break;
      if (!line.blank && blockIndent === null) blockIndent = line.indent;
      collected.push(line.blank ? '' : line.raw.slice(blockIndent));
      i++;
    }
    while (collected.length && collected[collected.length - 1] === '') collected.pop();
    return style.startsWith('|') ? collected.join('\n') : collected.join(' ').replace(/\s+/g, ' ').trim();
  }

  function value(rest, parentIndent, line) {
    let text = rest;
    let anchor = null;
    const anchored = /^&([\w-]+)\s*(.*)$/.exec(text);
    if (anchored) {
      anchor = anchored[1];
      text = anchored[2];
    }
    let result;
    if (/^\*[\w-]+$/.test(text)) {
      const target = text.slice(1);
      if (!anchors.has(target)) throw new Error(`${where(line)}: unknown alias *${target}`);
      result = anchors.get(target);
    } else if (/^[|>][-+]?$/.test(text)) {
      result = blockScalar(text, parentIndent);
    } else if (text === '') {
      skipBlank();
      const next = lines[i];
      const nested = next && (next.indent > parentIndent || (next.indent === parentIndent && next.text.startsWith('- ')));
      result = nested ? node(next.indent) : null;
    } else {
      result = parseScalar(text, where(line));
    }
    if (anchor) anchors.set(anchor, result);
    return result;
  }

  function node(indent) {
    skipBlank();
    return lines[i].text.startsWith('- ') || lines[i].text === '-' ? list(indent) : map(indent);
  }

  function list(indent) {
    const out = [];
    for (skipBlank(); i < lines.length; skipBlank()) {
      const line = lines[i];
      if (line.indent < indent || !(line.text.startsWith('- ') || line.text === '-')) break;
      if (line.indent > indent) throw new Error(`${where(line)}: unexpected indentation`);
      const item = line.text.slice(1).trim();
      if (/^[^\s"'[{][^:]*:(\s|$)/.test(item)) throw new Error(`${where(line)}: lists of maps are not supported`);
      i++;
      out.push(parseScalar(item, where(line)));
    }
    return out;
  }

  function map(indent) {
    const out = {};
    const merged = [];
    for (skipBlank(); i < lines.length; skipBlank()) {
      const line = lines[i];
      if (line.indent < indent) break;
      if (line.indent > indent) throw new Error(`${where(line)}: unexpected indentation`);
      const match = /^("[^"]*"|'[^']*'|[^\s"'#-][^:]*?|<<|-[^\s][^:]*?):(?:\s+(.*))?$/.exec(line.text);
      if (!match) throw new Error(`${where(line)}: expected "key: value", got ${JSON.stringify(line.text)}`);
      const key = parseScalar(match[1], where(line));
      i++;
      const v = value(match[2] ?? '', indent, line);
      if (key === '<<') merged.push(v);
      else {
        if (Object.prototype.hasOwnProperty.call(out, key)) throw new Error(`${where(line)}: duplicate key ${key}`);
        out[key] = v;
      }
    }
    // Merge keys: explicit keys win over merged ones, whatever their order.
    for (const source of merged) {
      for (const [k, v] of Object.entries(source ?? {})) if (!(k in out)) out[k] = v;
    }
    return out;
  }

  skipBlank();
  if (i >= lines.length) return null;
  const result = node(lines[i].indent);
  skipBlank();
  if (i < lines.length) throw new Error(`${where(lines[i])}: unexpected content`);
  return result;
}

/** The value at a dotted path, or `undefined` when a segment is missing. */
function at(object, path) {
  let current = object;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

// ---------------------------------------------------------------------------------------------

describe('the YAML reader used by these checks', () => {
  it('reads maps, lists, anchors, merges and scalars', () => {
    const doc = parseYaml(
      [
        'base: &base',
        '  a: 1',
        '  b: "two" # comment',
        'child:',
        '  <<: *base',
        '  b: three',
        '  list:',
        '    - x',
        "    - 'y z'",
        '  flow: ["-js", "-sd", /data]',
        '  empty: {}',
        '  none:',
        'text: >-',
        '  folded',
        '  lines',
        'url: nats://nats:4222',
      ].join('\n'),
    );
    assert.deepEqual(doc.child, { b: 'three', list: ['x', 'y z'], flow: ['-js', '-sd', '/data'], empty: {}, none: null, a: 1 });
    assert.equal(doc.text, 'folded lines');
    assert.equal(doc.url, 'nats://nats:4222');
  });

  it('rejects what it does not understand', () => {
    assert.throws(() => parseYaml('a:\n  - b: c\n'), /lists of maps/);
    assert.throws(() => parseYaml('a: {b: c}\n'), /flow maps/);
    assert.throws(() => parseYaml('a: 1\na: 2\n'), /duplicate key/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = [];
  for (const line of instructions) {
    if (/^FROM\s/i.test(line)) stages.push({ from: line, body: [] });
    else if (stages.length) stages[stages.length - 1].body.push(line);
  }
  const runtime = stages[stages.length - 1];

  it('is a multi-stage build on node:20-bookworm-slim', () => {
    assert.ok(stages.length >= 2, 'at least a build and a runtime stage');
    for (const stage of stages) assert.match(stage.from, /^FROM node:20-bookworm-slim\b/i);
    assert.ok(stages.some((s) => /\bAS build$/i.test(s.from)), 'a stage named build');
  });

  it('builds with npm ci, npm run build and prunes dev dependencies', () => {
    const build = stages.find((s) => /\bAS build$/i.test(s.from)).body.join('\n');
    assert.match(build, /RUN npm ci\b/);
    assert.match(build, /npm run build\b/);
    assert.match(build, /npm prune --omit=dev\b/);
  });

  it('runs as a non-root user in the final stage', () => {
    const users = runtime.body.filter((line) => /^USER\s/i.test(line));
    assert.ok(users.length > 0, 'the runtime stage sets USER');
    const user = users[users.length - 1].split(/\s+/)[1];
    assert.doesNotMatch(user, /^(root|0)(:|$)/, `USER ${user} must not be root`);
  });

  it('copies only built output into the runtime stage, for production', () => {
    const copies = runtime.body.filter((line) => /^COPY\s/i.test(line));
    for (const copy of copies) {
      assert.ok(/--from=/.test(copy) || /deploy\/docker-entrypoint\.sh/.test(copy), `runtime copies nothing from the context but the entry script: ${copy}`);
    }
    assert.ok(runtime.body.some((line) => /^ENV NODE_ENV=production$/.test(line)), 'ENV NODE_ENV=production');
    assert.ok(runtime.body.some((line) => /^ARG SERVICE\b/.test(line)), 'ARG SERVICE');
    assert.ok(runtime.body.some((line) => /^HEALTHCHECK\s.*healthcheck/.test(line)), 'HEALTHCHECK through the entry script');
    assert.ok(runtime.body.some((line) => /^ENTRYPOINT\s.*docker-entrypoint\.sh/.test(line)), 'ENTRYPOINT is the entry script');
  });

  it('keeps installed and local files out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const pattern of ['node_modules', 'dist', '.git', '.connector', 'bench/results']) {
      assert.ok(ignored.includes(pattern) || ignored.includes(`**/${pattern}`), `.dockerignore excludes ${pattern}`);
    }
    assert.ok(ignored.includes('!deploy/docker-entrypoint.sh'), 'the entry script stays in the context');
  });
});

describe('deploy/docker-entrypoint.sh', () => {
  const script = 'deploy/docker-entrypoint.sh';
  const run = (args, env = {}) =>
    spawnSync('sh', [join(root, script), ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });

  it('is valid sh and knows every service, migrate and the health check', () => {
    const text = read(script);
    assert.match(text, /^#!\/bin\/sh\n/);
    assert.equal(spawnSync('sh', ['-n', join(root, script)]).status, 0, 'sh -n');
    assert.match(text, /migrate\)\s*\n\s*exec node [^\n]*libs\/persistence\/dist\/migrate\.js/);
    assert.match(text, /exec node [^\n]*"services\/\$\{command\}\/dist\/main\.js"/);
    for (const [name, { portEnv, port }] of Object.entries(SERVICES)) {
      assert.match(text, new RegExp(`${name}\\) echo "\\$\\{${portEnv}:-${port}\\}"`), `healthcheck port of ${name}`);
    }
  });

  it('refuses to start without a service and explains why', () => {
    const result = run([]);
    assert.equal(result.status, 64);
    assert.match(result.stderr, /set SERVICE/);
    const unknown = run([], { SERVICE: 'no-such-service' });
    assert.equal(unknown.status, 64);
    assert.match(unknown.stderr, /not a service/);
  });

  it('health-checks nothing for the one-shot migrate container, and fails on a closed port', () => {
    assert.equal(run(['healthcheck'], { SERVICE: 'migrate' }).status, 0);
    assert.equal(run(['healthcheck'], { SERVICE: 'webhook-gateway', GATEWAY_PORT: '1' }).status, 1);
  });

  it('waits for any one of the NATS servers listed in NATS_URL, printing no credentials', async () => {
    // Listening sockets stand in for NATS and PostgreSQL: the kernel accepts the connection even
    // while spawnSync blocks this process.
    const listening = () => new Promise((resolve) => { const server = createServer(); server.listen(0, '127.0.0.1', () => resolve(server)); });
    const [nats, postgres] = await Promise.all([listening(), listening()]);
    try {
      const listed = `nats://s3cret-token@127.0.0.1:1, user:s3cret@127.0.0.1:${nats.address().port}`;
      const ready = run(['wait-for-dependencies'], { NATS_URL: listed, DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${postgres.address().port}/connector` });
      assert.equal(ready.status, 0, ready.stderr);
      assert.equal(ready.stdout, `NATS at 127.0.0.1:${nats.address().port} accepts connections\nPostgreSQL at 127.0.0.1:${postgres.address().port} accepts connections\n`);
    } finally {
      nats.close();
      postgres.close();
    }

    // None answers: it keeps waiting (stopped here after three seconds), naming each server it tries.
    const waiting = spawnSync('sh', [join(root, script), 'wait-for-dependencies'], {
      env: { PATH: process.env.PATH, NATS_URL: 'nats://user:s3cret@127.0.0.1:1,127.0.0.1:2' },
      encoding: 'utf8',
      timeout: 3_000,
    });
    assert.equal(waiting.signal, 'SIGTERM', 'still waiting');
    assert.match(waiting.stdout, /^waiting for NATS at 127\.0\.0\.1:1, 127\.0\.0\.1:2\n/);
    assert.doesNotMatch(waiting.stdout, /s3cret/);
  });

  it('runs any other command as given', () => {
    const result = run(['node', '-e', 'console.log(process.cwd())']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout.trim(), root, 'runs from the repository root (/app in the image)');
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml'), 'docker-compose.yml');
  const services = compose.services;

  it('has NATS, PostgreSQL, the migration and the five services', () => {
    for (const name of ['nats', 'postgres', 'migrate', ...SERVICE_NAMES]) assert.ok(services[name], `service ${name}`);
  });

  it('runs NATS with JetStream on a named volume, with a health check', () => {
    const nats = services.nats;
    assert.match(nats.image, /^nats:2\.10/);
    const command = nats.command;
    assert.ok(command.includes('-js'), 'JetStream on (-js)');
    const storeDir = command[command.indexOf('-sd') + 1];
    assert.ok(storeDir, 'a store directory (-sd)');
    const volume = nats.volumes.find((v) => v.split(':')[1] === storeDir);
    assert.ok(volume, `a volume mounted at ${storeDir}`);
    assert.ok(Object.prototype.hasOwnProperty.call(compose.volumes, volume.split(':')[0]), 'a named volume, kept by `docker compose down`');
    assert.ok(command.includes('-m'), 'monitoring port for the health check');
    assert.match(nats.healthcheck.test.join(' '), /healthz/);
  });

  it('passes DB_POOL_SIZE to every service, within the max_connections PostgreSQL is given', () => {
    for (const name of SERVICE_NAMES) assert.ok('DB_POOL_SIZE' in services[name].environment, `${name} gets DB_POOL_SIZE`);
    const maxConnections = Number(/max_connections=(\d+)/.exec(services.postgres.command.join(' '))[1]);
    // The default pools (databasePoolSize): 10, and 2 x CONCURRENCY + 4 for the sync services
    // (CONCURRENCY 8, invoice-sync 16), one instance each; 10 left for superuser and psql sessions.
    const defaults = { 'webhook-gateway': 10, 'token-service': 10, 'customer-sync': 20, 'catalog-sync': 20, 'invoice-sync': 36 };
    const total = SERVICE_NAMES.reduce((sum, name) => sum + defaults[name], 0);
    assert.ok(total <= maxConnections - 10, `${total} pooled connections, max_connections ${maxConnections}`);
  });

  it('runs PostgreSQL 15 on a named volume, with a health check', () => {
    const postgres = services.postgres;
    assert.match(postgres.image, /^postgres:15/);
    const volume = postgres.volumes.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    assert.ok(volume && Object.prototype.hasOwnProperty.call(compose.volumes, volume.split(':')[0]));
    assert.match(postgres.healthcheck.test.join(' '), /pg_isready/);
  });

  it('migrates once, after PostgreSQL is healthy', () => {
    const migrate = services.migrate;
    assert.equal(migrate.build.args.SERVICE, 'migrate');
    assert.equal(migrate.depends_on.postgres.condition, 'service_healthy');
    assert.equal(migrate.restart, 'no');
    assert.match(migrate.environment.DATABASE_URL, /@postgres:5432\//);
  });

  for (const [name, { portEnv, port }] of Object.entries(SERVICES)) {
    it(`builds and wires ${name}`, () => {
      const service = services[name];
      assert.equal(service.build.context, '.');
      assert.equal(service.build.dockerfile, 'Dockerfile');
      assert.equal(service.build.args.SERVICE, name);
      assert.equal(service.depends_on.nats.condition, 'service_healthy');
      assert.equal(service.depends_on.postgres.condition, 'service_healthy');
      assert.equal(service.depends_on.migrate.condition, 'service_completed_successfully');
      const env = service.environment;
      assert.equal(env.NATS_URL, 'nats://nats:4222');
      assert.match(env.DATABASE_URL, /^postgres:\/\/[^@]+@postgres:5432\/\w+$/);
      assert.equal(env.MIGRATIONS_RUN, 'false', 'the migrate service migrates');
      assert.ok('ENCRYPTION_KEYS' in env);
      assert.equal(String(env[portEnv]), String(port));
      assert.equal('ADMIN_TOKEN' in env, name === 'token-service', 'only token-service gets ADMIN_TOKEN');
      assert.equal(service.restart, 'unless-stopped');
    });
  }

  it('publishes the gateway on 3000 and the admin API on 3001', () => {
    assert.ok(services['webhook-gateway'].ports.some((p) => /(^|:)3000:3000$/.test(p)));
    assert.ok(services['token-service'].ports.some((p) => /(^|:)3001:3001$/.test(p)));
    assert.ok('PUBLIC_URL' in services['token-service'].environment);
  });

  it('hard-codes no secret: each one is a required variable documented in deploy/.env.example', () => {
    const secretNames = /KEY|TOKEN|PASSWORD|SECRET/;
    const required = new Set();
    for (const [serviceName, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (key === 'ENCRYPTION_KEY_ID') continue; // an id, not a key
        if (secretNames.test(key)) {
          assert.ok(value === null || /^\$\{[A-Z_]+:\?[^}]+\}$/.test(value), `${serviceName}.${key} must be \${VAR:?message}, not a literal`);
        }
        if (key === 'DATABASE_URL') {
          assert.match(value, /^postgres:\/\/\w+:\$\{POSTGRES_PASSWORD:\?[^}]+\}@/, `${serviceName}.DATABASE_URL takes its password from POSTGRES_PASSWORD`);
        }
      }
    }
    const walk = (node) => {
      if (typeof node === 'string') for (const match of node.matchAll(/\$\{([A-Z_]+):\?/g)) required.add(match[1]);
      else if (node && typeof node === 'object') Object.values(node).forEach(walk);
    };
    walk(compose);
    assert.deepEqual([...required].sort(), ['ADMIN_TOKEN', 'ENCRYPTION_KEYS', 'POSTGRES_PASSWORD']);
    const example = read('deploy/.env.example');
    for (const name of required) {
      assert.match(example, new RegExp(`^${name}=$`, 'm'), `deploy/.env.example lists ${name} with no value`);
    }
  });
});

describe('Helm chart', () => {
  const chart = parseYaml(read(`${chartDir}/Chart.yaml`), 'Chart.yaml');
  const values = parseYaml(read(`${chartDir}/values.yaml`), 'values.yaml');
  const templatesDir = join(root, chartDir, 'templates');
  const templates = Object.fromEntries(readdirSync(templatesDir).map((file) => [file, readFileSync(join(templatesDir, file), 'utf8')]));
  const all = Object.values(templates).join('\n');

  it('is an apiVersion v2 application chart', () => {
    assert.equal(chart.apiVersion, 'v2');
    assert.equal(chart.name, 'connector');
    assert.equal(chart.type, 'application');
    assert.match(String(chart.version), /^\d+\.\d+\.\d+/);
    assert.ok(chart.appVersion);
    assert.ok(templates['NOTES.txt'], 'NOTES.txt');
    assert.ok(templates['_helpers.tpl'], '_helpers.tpl');
  });

  it('has balanced template actions in every file', () => {
    for (const [file, text] of Object.entries(templates)) {
      const opens = (text.match(/\{\{/g) ?? []).length;
      const closes = (text.match(/\}\}/g) ?? []).length;
      assert.equal(opens, closes, `${file}: {{ and }} balance`);
      const blocks = (text.match(/\{\{-?\s*(if|range|with|define|block)\b/g) ?? []).length;
      const ends = (text.match(/\{\{-?\s*end\s*-?\}\}/g) ?? []).length;
      assert.equal(blocks, ends, `${file}: every if/range/with/define has its end`);
    }
  });

  it('lists the five services in one catalog, matching values.yaml', () => {
    const catalog = /define "connector\.catalog" -\}\}\n([\s\S]*?)\{\{- end -\}\}/.exec(templates['_helpers.tpl']);
    assert.ok(catalog, 'connector.catalog in _helpers.tpl');
    assert.deepEqual(parseYaml(catalog[1], 'connector.catalog'), Object.fromEntries(SERVICE_NAMES.map((n) => [n, { key: SERVICES[n].key, portEnv: SERVICES[n].portEnv }])));
  });

  for (const [name, { key, port }] of Object.entries(SERVICES)) {
    it(`deploys ${name} with its own replicas, resources, port and autoscaling settings`, () => {
      const template = templates[`deployment-${name}.yaml`];
      assert.ok(template, `templates/deployment-${name}.yaml`);
      assert.match(template, new RegExp(`include "connector\\.deployment" \\(dict "root" \\$ "name" "${name}"\\)`));
      const svc = values.services[key];
      assert.ok(Number.isInteger(svc.replicas) && svc.replicas >= 1, 'replicas');
      assert.equal(svc.port, port);
      assert.ok(svc.resources.requests.cpu && svc.resources.requests.memory, 'resource requests (the HPA needs cpu)');
      assert.ok(svc.resources.limits.memory, 'a memory limit');
      assert.equal(svc.autoscaling.enabled, false);
      assert.ok(svc.autoscaling.minReplicas >= 1 && svc.autoscaling.maxReplicas >= svc.autoscaling.minReplicas);
      assert.ok(svc.autoscaling.targetCPUUtilizationPercentage > 0);
    });
  }

  it('gives each Deployment replicas, resources, probes on its port and a non-root security context', () => {
    const workload = templates['_workload.tpl'];
    assert.match(workload, /kind: Deployment/);
    assert.match(workload, /replicas: \{\{ \$svc\.replicas \}\}/);
    assert.match(workload, /resources:\n\s+\{\{- toYaml \$svc\.resources/);
    assert.match(workload, /livenessProbe:\n\s+httpGet:\n\s+path: \/health\/live\n\s+port: http/);
    assert.match(workload, /readinessProbe:\n\s+httpGet:\n\s+path: \/health\/ready\n\s+port: http/);
    assert.match(workload, /containerPort: \{\{ \$svc\.port \}\}/);
    assert.match(workload, /configMapRef:/);
    assert.match(workload, /secretKeyRef:/);
    assert.match(workload, /securityContext:\n\s+\{\{- toYaml \$root\.Values\.podSecurityContext/);
    assert.equal(values.podSecurityContext.runAsNonRoot, true);
    assert.ok(values.podSecurityContext.runAsUser > 0, 'a numeric non-root uid');
    assert.equal(values.containerSecurityContext.allowPrivilegeEscalation, false);
  });

  it('has an optional HorizontalPodAutoscaler per service', () => {
    assert.match(templates['_workload.tpl'], /kind: HorizontalPodAutoscaler/);
    assert.match(templates['_workload.tpl'], /\{\{- if \$svc\.autoscaling\.enabled \}\}\napiVersion: autoscaling\/v2/);
    assert.match(templates['hpa.yaml'], /include "connector\.hpa"/);
    assert.match(templates['_workload.tpl'], /\{\{- if not \$svc\.autoscaling\.enabled \}\}\n\s+replicas:/, 'no fixed replicas under an HPA');
  });

  it('has Services for the gateway and the admin API, and an optional Ingress', () => {
    assert.match(templates['service.yaml'], /name: \{\{ \$fullname \}\}-webhook-gateway/);
    assert.match(templates['service.yaml'], /name: \{\{ \$fullname \}\}-token-service/);
    const ingress = templates['ingress.yaml'];
    assert.match(ingress, /^\{\{- if \.Values\.ingress\.enabled \}\}/m);
    assert.match(ingress, /kind: Ingress/);
    assert.match(ingress, /path: \/webhooks\n\s+pathType: Prefix\n\s+backend:\n\s+service:\n\s+name: \{\{ \$fullname \}\}-webhook-gateway/);
    assert.match(ingress, /path: \/\n\s+pathType: Prefix\n\s+backend:\n\s+service:\n\s+name: \{\{ \$fullname \}\}-token-service/);
    assert.equal(values.ingress.enabled, false);
  });

  it('keeps config in a ConfigMap and secrets in a Secret unless existingSecret is set', () => {
    const configmap = templates['configmap.yaml'];
    for (const variable of ['NATS_URL', 'NATS_STREAM', 'NATS_SUBJECT_PREFIX', 'NATS_REPLICAS', 'LOG_LEVEL', 'MIGRATIONS_RUN', 'ALLOW_PRIVATE_ENDPOINTS', 'PUBLIC_URL']) {
      assert.match(configmap, new RegExp(`^\\s+${variable}: `, 'm'), `ConfigMap ${variable}`);
    }
    const secret = templates['secret.yaml'];
    assert.match(secret, /^\{\{- if not \.Values\.secrets\.existingSecret \}\}/m);
    for (const variable of ['ENCRYPTION_KEYS', 'ADMIN_TOKEN', 'DATABASE_URL']) assert.match(secret, new RegExp(`^\\s+${variable}: `, 'm'), `Secret ${variable}`);
    assert.match(secret, /helm\.sh\/hook: pre-install,pre-upgrade/, 'exists before the migration hook runs');
    assert.equal(values.secrets.existingSecret, '');
  });

  it('migrates in a pre-install/pre-upgrade hook Job', () => {
    const job = templates['migration-job.yaml'];
    assert.match(job, /kind: Job/);
    assert.match(job, /helm\.sh\/hook: pre-install,pre-upgrade/);
    assert.match(job, /args: \["migrate"\]/);
    assert.match(job, /restartPolicy: Never/);
    assert.equal(values.migrations.job.enabled, true);
  });

  it('bundles NATS with JetStream on a volume and PostgreSQL 15, or uses external ones', () => {
    const nats = templates['nats.yaml'];
    assert.match(nats, /kind: StatefulSet/);
    assert.match(nats, /"-js", "-sd", "\/data"/);
    assert.match(nats, /volumeClaimTemplates:/);
    assert.match(nats, /mountPath: \/data/);
    const postgres = templates['postgresql.yaml'];
    assert.match(postgres, /kind: StatefulSet/);
    assert.match(postgres, /volumeClaimTemplates:/);
    assert.equal(String(values.postgresql.bundled.image.tag), '15');
    assert.equal(values.nats.bundled.enabled, true);
    assert.equal(values.nats.external.url, '');
    assert.equal(values.postgresql.external.url, '');
    assert.match(templates['_helpers.tpl'], /required "nats\.external\.url is required/);
    assert.match(templates['secret.yaml'], /required "postgresql\.external\.url is required/);
  });

  // Pods of one service at most: its replicas (an HPA's maximum when autoscaling) and, during an
  // upgrade, the surge pod started beside them (maxSurge in _workload.tpl).
  const surge = Number(/maxSurge: (\d+)/.exec(templates['_workload.tpl'])[1]);
  const mostPods = (svc) => (svc.autoscaling.enabled ? svc.autoscaling.maxReplicas : svc.replicas) + surge;
  const env = (svc, name) => (svc.env && svc.env[name] !== undefined ? Number(svc.env[name]) : undefined);

  it('keeps the database pools of every pod, surge pods included, within the bundled PostgreSQL max_connections', () => {
    // databasePoolSize (libs/platform/src/database-pool.ts): DB_POOL_SIZE, else 2 x CONCURRENCY + 4
    // for the sync services (CONCURRENCY defaults: 8, invoice-sync 16), at least 10; one pool per
    // gateway worker process.
    const defaultConcurrency = { customerSync: 8, catalogSync: 8, invoiceSync: 16 };
    const pools = Object.entries(values.services).map(([key, svc]) => {
      const concurrency = env(svc, 'CONCURRENCY') ?? defaultConcurrency[key];
      const pool = env(svc, 'DB_POOL_SIZE') ?? (concurrency === undefined ? 10 : Math.max(10, 2 * concurrency + 4));
      return [key, mostPods(svc) * pool * (env(svc, 'GATEWAY_WORKERS') ?? 1)];
    });
    const total = pools.reduce((sum, [, connections]) => sum + connections, 0);
    const maxConnections = values.postgresql.bundled.maxConnections;
    assert.match(templates['postgresql.yaml'], /args: \["-c", "max_connections=\{\{ \$pg\.maxConnections \| int64 \}\}"\]/);
    // Room left for superuser_reserved_connections (3) and an operator's psql sessions.
    assert.ok(total <= maxConnections - 10, `pools ${JSON.stringify(Object.fromEntries(pools))} = ${total} connections, max_connections ${maxConnections} less 10`);
  });

  it('keeps the Zoho calls in flight of every sync pod, surge pods included, within Zoho\'s 10', () => {
    // ZOHO_MAX_CALLS_IN_FLIGHT is counted per process (OrganizationCallGate), not shared between pods.
    const perPod = (svc) => env(svc, 'ZOHO_MAX_CALLS_IN_FLIGHT') ?? values.config.zohoMaxCallsInFlight;
    const inFlight = ['customerSync', 'catalogSync', 'invoiceSync'].reduce((sum, key) => sum + mostPods(values.services[key]) * perPod(values.services[key]), 0);
    assert.ok(inFlight <= 10, `${inFlight} Zoho calls in flight at once`);
    assert.match(templates['configmap.yaml'], /ZOHO_MAX_CALLS_IN_FLIGHT: \{\{ \.Values\.config\.zohoMaxCallsInFlight/);
  });

  it('references only values that exist in values.yaml', () => {
    const missing = [];
    for (const [file, text] of Object.entries(templates)) {
      for (const match of text.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) {
        const path = match[1].slice(1);
        if (at(values, path) === undefined) missing.push(`${file}: .Values.${path}`);
      }
    }
    // Shorthands bound in templates: $svc is one of .Values.services.*, $nats and $pg the bundled ones.
    const scopes = {
      svc: Object.keys(values.services).map((key) => `services.${key}`),
      nats: ['nats.bundled'],
      pg: ['postgresql.bundled'],
    };
    for (const [variable, prefixes] of Object.entries(scopes)) {
      for (const match of all.matchAll(new RegExp(`\\$${variable}((?:\\.[A-Za-z0-9_]+)+)`, 'g'))) {
        for (const prefix of prefixes) {
          if (at(values, `${prefix}${match[1]}`) === undefined) missing.push(`$${variable}${match[1]} (${prefix}${match[1]})`);
        }
      }
    }
    assert.deepEqual([...new Set(missing)], []);
  });

  it('binds $svc, $nats and $pg only to those values', () => {
    assert.match(all, /\$svc := index \$root\.Values\.services \$meta\.key/);
    for (const match of all.matchAll(/\$(svc|nats|pg) :=\s*([^}]+?)\s*-?\}\}/g)) {
      assert.match(match[2].trim(), /^(index \$root\.Values\.services \$meta\.key|\.Values\.nats\.bundled|\.Values\.postgresql\.bundled)$/, match[0]);
    }
  });

  const helm = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' });
  it('lints and renders with helm', { skip: helm.status !== 0 && 'helm is not installed' }, () => {
    const lint = spawnSync('helm', ['lint', '--strict', join(root, chartDir)], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    const render = spawnSync('helm', ['template', 'connector', join(root, chartDir)], { encoding: 'utf8' });
    assert.equal(render.status, 0, render.stderr);
    for (const name of SERVICE_NAMES) assert.match(render.stdout, new RegExp(`kind: Deployment\\nmetadata:\\n  name: connector-${name}\\n`));
  });
});

describe('every service folder is deployed', () => {
  it('has a Dockerfile entry, a compose service and a Helm Deployment for each services/* package', () => {
    const folders = readdirSync(join(root, 'services')).filter((name) => existsSync(join(root, 'services', name, 'package.json')) && statSync(join(root, 'services', name)).isDirectory());
    assert.deepEqual(folders.sort(), [...SERVICE_NAMES].sort(), 'services/* and the deployed services are the same set');
  });
});
