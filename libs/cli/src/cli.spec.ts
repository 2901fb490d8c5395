import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTcpServer, AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from './commands';
import { FakeAdminApi, TEST_TOKEN } from './test-support/fake-admin-api';
import { runCli } from './test-support/run-cli';

describe('connector: help, configuration and exit codes', () => {
  const { api } = FakeAdminApi.forSuite();

  it('--help lists every command and the exit codes, and exits 0', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    for (const command of COMMANDS) assert.ok(run.stdout.includes(`  ${command.path.join(' ')}`), command.path.join(' '));
    assert.match(run.stdout, /Exit codes: 0 ok, 1 the operation failed, 2 usage error, 3 admin API unreachable or token rejected/);
    assert.equal(run.stderr, '');
  });

  it('every command answers --help with its usage and options, without calling the API', async () => {
    for (const command of COMMANDS) {
      const run = await runCli([...command.path, '--help'], { env: { CONNECTOR_URL: api.url } });
      assert.equal(run.code, 0, command.path.join(' '));
      assert.match(run.stdout, new RegExp(`^Usage: connector ${command.path.join(' ')}`), command.path.join(' '));
      for (const option of command.options) assert.ok(run.stdout.includes(`--${option.name}`), `${command.path.join(' ')} --${option.name}`);
      assert.match(run.stdout, /--json/);
    }
    assert.equal(api.requests.length, 0);
  });

  it('`help <command>`, `-h` and a group name give help too', async () => {
    const help = await runCli(['help', 'orders', 'retry']);
    assert.match(help.stdout, /^Usage: connector orders retry <connectionId> <orderId> \[options\]/);
    const short = await runCli(['ping', '-h']);
    assert.match(short.stdout, /^Usage: connector ping <connectionId>/);
    const group = await runCli(['catalog', '--help']);
    assert.equal(group.code, 0);
    assert.match(group.stdout, /^Usage: connector catalog <sync> \[options\]/);
  });

  it('no command prints the overview on stderr and exits 2', async () => {
    const run = await runCli([]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Usage: connector <command> \[options\]/);
  });

  it('an unknown command or option is a usage error (2)', async () => {
    const command = await runCli(['frobnicate']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /^connector: unknown command "frobnicate"$/m);
    const option = await runCli(['connections', '--verbose']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /^connector: unknown option --verbose\nUsage: connector connections \[options\]/);
    const value = await runCli(['orders', 'c1', '--state']);
    assert.equal(value.code, 2);
    assert.match(value.stderr, /--state needs a value/);
  });

  it('a usage error with --json is reported as JSON on stderr, leaving stdout empty', async () => {
    const run = await runCli(['orders', '--json']);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.deepEqual(JSON.parse(run.stderr), { error: { message: 'missing <connectionId>', exitCode: 2 } });
  });

  it('an unreachable admin API exits 3 and says it could not reach it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(['connections'], { env: { CONNECTOR_URL: url, CONNECTOR_TOKEN: TEST_TOKEN } });
    assert.equal(run.code, 3);
    assert.match(run.stderr, new RegExp(`^connector: cannot reach the admin API at ${url}: connection refused`));
  });

  it('a rejected token exits 3, says which token was refused, and never prints it', async () => {
    const wrong = 'wrong-token-abcdef0123456789';
    const run = await runCli(['connections'], { env: { CONNECTOR_URL: api.url, CONNECTOR_TOKEN: wrong } });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /rejected the token from CONNECTOR_TOKEN \(401: A valid admin token is required/);
    assert.ok(!run.stderr.includes(wrong) && !run.stdout.includes(wrong));
    assert.equal(api.requests.at(-1)?.authorization, `Bearer ${wrong}`);

    const json = await runCli(['connections', '--json', '--token', wrong], { env: { CONNECTOR_URL: api.url } });
    assert.equal(json.code, 3);
    assert.equal(JSON.parse(json.stderr).error.statusCode, undefined);
    assert.match(JSON.parse(json.stderr).error.message, /rejected the token from --token/);
  });

  it('without a token anywhere it exits 3 and says where to put one', async () => {
    const run = await runCli(['connections'], { env: { CONNECTOR_URL: api.url } });
    assert.equal(run.code, 3);
    assert.match(run.stderr, /no admin token: set CONNECTOR_TOKEN or pass --token/);
  });

  it('--token-file reads the admin token from a file or stdin, and a refusal names it, never the token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'connector-cli-token-'));
    writeFileSync(join(dir, 'token'), `${TEST_TOKEN}\n`);
    const fromFile = await runCli(['connections', '--json', '--token-file', join(dir, 'token')], { env: { CONNECTOR_URL: api.url, CONNECTOR_TOKEN: 'not-this-one' } });
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(api.requests.at(-1)?.authorization, `Bearer ${TEST_TOKEN}`);
    const fromStdin = await runCli(['--token-file', '-', 'connections', '--json'], { env: { CONNECTOR_URL: api.url }, stdin: `${TEST_TOKEN}\n` });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);

    const wrong = 'wrong-token-from-stdin-0123456789';
    const refused = await runCli(['connections', '--token-file', '-'], { env: { CONNECTOR_URL: api.url }, stdin: wrong });
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /rejected the token from stdin \(--token-file -\)/);
    assert.ok(!refused.stderr.includes(wrong) && !refused.stdout.includes(wrong));
  });

  it('--token with --token-file, a missing token file or an empty one is a usage error (2) that sends nothing', async () => {
    api.requests.length = 0;
    const env = { CONNECTOR_URL: api.url };
    const both = await runCli(['connections', '--token', TEST_TOKEN, '--token-file', '-'], { env, stdin: TEST_TOKEN });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /^connector: give --token or --token-file, not both$/m);
    const missing = await runCli(['connections', '--token-file', TEST_TOKEN], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^connector: --token-file: cannot read the file \(no such file\)$/m);
    const empty = await runCli(['connections', '--token-file', '-'], { env, stdin: '\n' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^connector: --token-file: stdin is empty$/m);
    for (const run of [both, missing, empty]) assert.ok(!run.stderr.includes(TEST_TOKEN) && !run.stdout.includes(TEST_TOKEN));
    assert.equal(api.requests.length, 0);
  });

  it('reads ADMIN_TOKEN from .connector/local.env in the current directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'connector-cli-home-'));
    mkdirSync(join(cwd, '.connector'));
    writeFileSync(join(cwd, '.connector', 'local.env'), `ENCRYPTION_KEYS=local1:abc\nADMIN_TOKEN=${TEST_TOKEN}\n`);
    const run = await runCli(['connections', '--json'], { cwd, env: { CONNECTOR_URL: api.url } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).length, 2);
  });

  it('--url and --token win over the environment; a URL ending in /api is accepted', async () => {
    const run = await runCli(['connections', '--url', `${api.url}/api/`, '--token', TEST_TOKEN], {
      env: { CONNECTOR_URL: 'http://127.0.0.1:9', CONNECTOR_TOKEN: 'not-this-one' },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(api.requests.at(-1)?.path, '/api/connections');
  });

  it('a URL that is not http(s) is a usage error', async () => {
    const run = await runCli(['connections', '--url', 'ftp://example.com', '--token', TEST_TOKEN]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /must be http or https/);
  });

  it('something other than the admin API (HTML answers) exits 3', async () => {
    const server = createServer((_, res) => res.end('<html>hello</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = await runCli(['connections'], { env: { CONNECTOR_URL: url, CONNECTOR_TOKEN: TEST_TOKEN } });
    server.close();
    assert.equal(run.code, 3);
    assert.match(run.stderr, /something other than JSON; is it token-service's admin API\?/);
  });
});

/** A port nothing listens on: bound once by us, then released. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
