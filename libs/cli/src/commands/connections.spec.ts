import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FakeAdminApi, TEST_TOKEN } from '../test-support/fake-admin-api';
import { ACME, BETA, connection, OK_PING, order } from '../test-support/fixtures';

const DELTA = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

const CONNECT_ARGS = [
  'connect', '--name', 'Gamma store', '--store-url', 'https://gamma.example.com',
  '--consumer-key', 'ck_123', '--consumer-secret', 'cs_456',
  '--zoho-client-id', '1000.ABC', '--zoho-client-secret', 'zsecret', '--zoho-refresh-token', '1000.refresh',
  '--zoho-accounts-url', 'https://accounts.zoho.eu',
];

/** The connect options without any secret, for tests that give the secrets another way. */
const CONNECT_WITHOUT_SECRETS = [
  'connect', '--name', 'Gamma store', '--store-url', 'https://gamma.example.com', '--consumer-key', 'ck_123',
  '--zoho-client-id', '1000.ABC', '--zoho-accounts-url', 'https://accounts.zoho.eu',
];
const SECRETS = { consumer: 'cs_live_a1b2c3d4e5', zohoClient: 'zoho_client_f6g7h8', zohoRefresh: '1000.refresh_i9j0k1', webhook: 'whsec_l2m3n4' };

function fileHolding(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'connector-secret-')), 'secret');
  writeFileSync(path, text);
  return path;
}

/** No secret value may appear in anything the CLI prints, whatever happened. */
function assertNoSecretPrinted(run: { stdout: string; stderr: string }): void {
  for (const secret of Object.values(SECRETS)) assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `printed ${secret}`);
}

describe('connections, connect, ping, webhooks, status', () => {
  const { api, cli } = FakeAdminApi.forSuite();

  it('connect creates the connection with the nested body, pings it and prints id and webhook URL', async () => {
    api.requests.length = 0;
    const run = await cli([...CONNECT_ARGS, '--zoho-org', '20071234']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.calls().map((c) => c.replace(/[0-9a-f-]{36}/, ':id')), ['POST /api/connections', 'POST /api/connections/:id/ping']);
    assert.deepEqual(api.requests[0].body, {
      name: 'Gamma store',
      woocommerce: { url: 'https://gamma.example.com', consumerKey: 'ck_123', consumerSecret: 'cs_456' },
      zoho: { clientId: '1000.ABC', clientSecret: 'zsecret', refreshToken: '1000.refresh', accountsUrl: 'https://accounts.zoho.eu', organizationId: '20071234' },
    });
    const id = api.created.at(-1) as string;
    assert.match(run.stdout, new RegExp(`Created connection ${id} \\(Gamma store\\)`));
    assert.match(run.stdout, new RegExp(`Webhook URL: +http://127.0.0.1:3000/webhooks/woocommerce/${id}`));
    assert.match(run.stdout, /WooCommerce +ok +version: 9\.4\.2/);
    assert.match(run.stdout, /Zoho Books +ok +organization: 20071234, Acme Ltd, EUR/);
    assert.ok(api.requests.every((r) => r.authorization === `Bearer ${TEST_TOKEN}`));
  });

  it('connect --register-webhooks registers them and --json prints one document', async () => {
    api.requests.length = 0;
    const run = await cli([...CONNECT_ARGS, '--register-webhooks', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.calls().map((c) => c.replace(/[0-9a-f-]{36}/, ':id')), [
      'POST /api/connections', 'POST /api/connections/:id/ping', 'POST /api/connections/:id/webhooks',
    ]);
    const result = JSON.parse(run.stdout);
    assert.equal(result.connection.name, 'Gamma store');
    assert.equal(result.ping.zoho.ok, true);
    assert.equal(result.webhooks.webhooks.length, 4);
    assert.deepEqual(result.problems, []);
  });

  it('connect exits 1 and says so when the new connection fails its ping, still printing the id', async () => {
    api.requests.length = 0;
    api.failEveryPing = true;
    const run = await cli([...CONNECT_ARGS, '--register-webhooks']);
    api.failEveryPing = false;
    assert.equal(run.code, 1);
    assert.match(run.stdout, new RegExp(`Created connection ${api.created.at(-1)}`));
    assert.match(run.stdout, /Zoho Books +FAILED +Zoho refused the refresh token/);
    assert.match(run.stderr, /the ping failed/);
    // Only Zoho failed; webhooks need just the store, so they are registered all the same.
    assert.ok(api.calls().some((call) => call.endsWith('/webhooks')));
  });

  it("connect prints the server's validation message and exits 1", async () => {
    const run = await cli(CONNECT_ARGS.map((a) => (a === 'https://accounts.zoho.eu' ? 'https://evil.example.com' : a)));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /zoho\.accountsUrl: https:\/\/evil\.example\.com is not one of Zoho's accounts servers/);
    assert.match(run.stderr, /POST \/api\/connections answered 400/);
    assert.equal(run.stdout, '');
  });

  it('connect without a required option is a usage error and sends nothing', async () => {
    api.requests.length = 0;
    const run = await cli(['connect', '--name', 'x']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /missing --store-url/);
    assert.match(run.stderr, /Usage: connector connect <required options> \[options\]/);
    assert.equal(api.requests.length, 0);
  });

  it('connect takes its secrets from environment variables, files and stdin, and prints none of them', async () => {
    api.requests.length = 0;
    const run = await cli([
      ...CONNECT_WITHOUT_SECRETS, '--json',
      '--consumer-secret-file', fileHolding(`${SECRETS.consumer}\n`), '--webhook-secret-file', '-',
    ], {
      env: { CONNECTOR_ZOHO_CLIENT_SECRET: SECRETS.zohoClient, CONNECTOR_ZOHO_REFRESH_TOKEN: SECRETS.zohoRefresh },
      stdin: `${SECRETS.webhook}\r\n`,
    });
    assert.equal(run.code, 0, run.stderr);
    const { woocommerce, zoho } = api.requests[0].body as { woocommerce: Record<string, string>; zoho: Record<string, string> };
    assert.deepEqual([woocommerce.consumerSecret, woocommerce.webhookSecret, zoho.clientSecret, zoho.refreshToken], [SECRETS.consumer, SECRETS.webhook, SECRETS.zohoClient, SECRETS.zohoRefresh]);
    assertNoSecretPrinted(run);
  });

  it('connect refuses a secret given both as an option and as a file, and sends nothing', async () => {
    api.requests.length = 0;
    const run = await cli([...CONNECT_WITHOUT_SECRETS, '--consumer-secret', SECRETS.consumer, '--consumer-secret-file', fileHolding(SECRETS.consumer)], {
      env: { CONNECTOR_ZOHO_CLIENT_SECRET: SECRETS.zohoClient, CONNECTOR_ZOHO_REFRESH_TOKEN: SECRETS.zohoRefresh },
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^connector: give --consumer-secret or --consumer-secret-file, not both\nUsage: connector connect <required options> \[options\]/);
    assert.equal(api.requests.length, 0);
    assertNoSecretPrinted(run);
  });

  it('connect: a missing secret file, an empty stdin or a secret given nowhere is a usage error naming the option only', async () => {
    api.requests.length = 0;
    const env = { CONNECTOR_ZOHO_CLIENT_SECRET: SECRETS.zohoClient, CONNECTOR_ZOHO_REFRESH_TOKEN: SECRETS.zohoRefresh };
    // The path is where a secret lands by mistake when moving from `--consumer-secret "$X"` to the file form.
    const missing = await cli([...CONNECT_WITHOUT_SECRETS, '--consumer-secret-file', SECRETS.consumer], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^connector: --consumer-secret-file: cannot read the file \(no such file\)$/m);
    assertNoSecretPrinted(missing);

    const empty = await cli([...CONNECT_WITHOUT_SECRETS, '--consumer-secret-file', '-'], { env, stdin: '' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^connector: --consumer-secret-file: stdin is empty$/m);

    const nowhere = await cli([...CONNECT_WITHOUT_SECRETS, '--json'], { env: { ...env, CONNECTOR_CONSUMER_SECRET: '' } });
    assert.equal(nowhere.code, 2);
    assert.deepEqual(JSON.parse(nowhere.stderr), { error: {
      message: 'missing --consumer-secret-file <path>, CONNECTOR_CONSUMER_SECRET or --consumer-secret (CONNECTOR_CONSUMER_SECRET is set but empty)',
      exitCode: 2,
    } });
    assert.equal(api.requests.length, 0);
    assertNoSecretPrinted(nowhere);
  });

  it('connect --help recommends the variables and files, and suggests no "$VAR" argument', async () => {
    const run = await cli(['connect', '--help']);
    assert.match(run.stdout, /^Usage: connector connect <required options> \[options\]/);
    assert.match(run.stdout, /^  --consumer-secret-file <path> +WooCommerce REST secret \(cs_…\), read from a file \(- for stdin\), or env CONNECTOR_CONSUMER_SECRET \(required\)$/m);
    assert.match(run.stdout, /^  --zoho-refresh-token <token> +Not recommended: the same as an argument, which other local users see in `ps`/m);
    assert.match(run.stdout, /env CONNECTOR_ZOHO_CLIENT_SECRET/);
    assert.doesNotMatch(run.stdout, /"\$/, 'no example expands a variable into the arguments');
  });

  it('connections lists them in an aligned table', async () => {
    const run = await cli(['connections']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^ID +NAME +STATUS +STORE +ZOHO ORG +LAST PING$/);
    const acme = lines.find((line) => line.startsWith(ACME)) as string;
    assert.match(acme, /Acme store +active +https:\/\/shop\.example\.com +20071234 +ok 2026-01-05 09:00:00/);
    assert.match(lines.find((line) => line.startsWith(BETA)) as string, /needs_reauthorization .* zoho failed/);
    assert.equal(lines[0].indexOf('NAME'), acme.indexOf('Acme store'));
  });

  it('connections --json prints the API answer as it came', async () => {
    const run = await cli(['--json', 'connections']);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout).slice(0, 2), api.state.connections.slice(0, 2));
  });

  it('ping exits 0 when both sides answer and 1 when one fails', async () => {
    const good = await cli(['ping', ACME]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /WooCommerce +ok/);

    api.failingPings.add(ACME);
    const bad = await cli(['ping', ACME, '--json']);
    api.failingPings.clear();
    assert.equal(bad.code, 1);
    assert.equal(JSON.parse(bad.stdout).zoho.error, 'Zoho refused the refresh token (invalid_code); re-authorize the connection');
  });

  it("ping of an unknown connection prints the server's message and exits 1", async () => {
    const run = await cli(['ping', 'nope']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^connector: Connection nope does not exist \(POST \/api\/connections\/nope\/ping answered 404\)/);
  });

  it('webhooks registers and lists them', async () => {
    const run = await cli(['webhooks', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Delivery URL: +http://127.0.0.1:3000/webhooks/woocommerce/${ACME}`));
    assert.match(run.stdout, /ID +TOPIC +STATUS +ACTION/);
    assert.match(run.stdout, /31 +order\.created +active +created/);
    assert.match(run.stdout, /^Store reached: +the store reached http:\/\/127\.0\.0\.1:3000\/webhooks\/woocommerce\//m);
  });

  it('webhooks a store cannot deliver to: registered, listed, and exit 1 saying so', async () => {
    api.unreachableStores.add(ACME);
    try {
      const run = await cli(['webhooks', ACME]);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /31 +order\.created +active +created/);
      assert.match(run.stderr, /^connector: the store did not reach http:\/\/127\.0\.0\.1:3000\/webhooks\/woocommerce\/.*did not arrive/m);
    } finally {
      api.unreachableStores.delete(ACME);
    }
  });

  it('webhooks --rotate-secret asks for a new secret with its grace period and says how long the old one is accepted', async () => {
    api.requests.length = 0;
    const run = await cli(['webhooks', ACME, '--rotate-secret', '--grace-minutes', '0']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests.map((r) => [`${r.method} ${r.path}`, r.body]), [[`POST /api/connections/${ACME}/webhooks/rotate-secret`, { graceMinutes: 0 }]]);
    assert.match(run.stdout, /^Secret: +rotated; the old one is no longer accepted$/m);
    const graced = await cli(['webhooks', ACME, '--rotate-secret']);
    assert.match(graced.stdout, /^Secret: +rotated; the old one is accepted until 2026-11-29 12:00/m);
    assert.equal((await cli(['webhooks', ACME, '--grace-minutes', '5'])).code, 2, '--grace-minutes alone is a usage error');
    assert.equal((await cli(['webhooks', ACME, '--rotate-secret', '--grace-minutes', 'soon'])).code, 2);
  });

  it('restore brings a deleted connection back, registering its webhooks only when asked', async () => {
    api.requests.length = 0;
    const plain = await cli(['restore', ACME]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^Webhooks: +not registered \(connector webhooks <id> registers them\)$/m);
    assert.match(plain.stdout, /^Catch-up: +orders changed while it was deleted/m);
    const registered = await cli(['restore', ACME, '--register-webhooks']);
    assert.equal(registered.code, 0, registered.stderr);
    assert.match(registered.stdout, /31 +order\.created +active +created/);
    assert.deepEqual(api.requests.map((r) => `${r.method} ${r.path}`), [`POST /api/connections/${ACME}/restore`, `POST /api/connections/${ACME}/restore`]);
    assert.equal((await cli(['restore', DELTA])).code, 1, 'an unknown connection exits 1 with the server\'s 404');
  });

  it("store-keys sends the new keys (and the store's new address), prints no secret; a refusal exits 1 with the server's words", async () => {
    api.requests.length = 0;
    const run = await cli(['store-keys', ACME, '--consumer-key', 'ck_new', '--consumer-secret', 'cs_new_secret']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests.map((r) => [`${r.method} ${r.path}`, r.body]), [[`PUT /api/connections/${ACME}/woocommerce`, { consumerKey: 'ck_new', consumerSecret: 'cs_new_secret' }]]);
    assert.match(run.stdout, /^Keys: +replaced \(checked on the store\)$/m);
    assert.ok(!run.stdout.includes('cs_new_secret'));
    const refused = await cli(['store-keys', ACME, '--consumer-key', 'ck_new', '--consumer-secret', 'cs_refused']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /the store refused the new keys, so nothing changed/);
    const missing = await cli(['store-keys', ACME, '--consumer-key', 'ck_new']);
    assert.equal(missing.code, 2, 'the secret is required');
    assert.match(missing.stderr, /^connector: missing --consumer-secret-file <path>, CONNECTOR_CONSUMER_SECRET or --consumer-secret\nUsage: connector store-keys <connectionId> --consumer-key <key> --consumer-secret-file <path> \[options\]$/m);
  });

  it('store-keys reads the secret from stdin or CONNECTOR_CONSUMER_SECRET, and refuses it twice', async () => {
    api.requests.length = 0;
    const piped = await cli(['store-keys', ACME, '--consumer-key', 'ck_new', '--consumer-secret-file', '-'], { stdin: `${SECRETS.consumer}\n` });
    assert.equal(piped.code, 0, piped.stderr);
    const fromEnv = await cli(['store-keys', ACME, '--consumer-key', 'ck_new', '--json'], { env: { CONNECTOR_CONSUMER_SECRET: SECRETS.consumer } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.deepEqual(api.requests.map((r) => (r.body as { consumerSecret: string }).consumerSecret), [SECRETS.consumer, SECRETS.consumer]);
    assertNoSecretPrinted(piped);
    assertNoSecretPrinted(fromEnv);

    const both = await cli(['store-keys', ACME, '--consumer-key', 'ck_new', '--consumer-secret', SECRETS.consumer, '--consumer-secret-file', '-'], { stdin: SECRETS.consumer });
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give --consumer-secret or --consumer-secret-file, not both/);
    assert.equal(api.requests.length, 2, 'nothing sent');
    assertNoSecretPrinted(both);
  });

  it('status summarises each connection and exits 1 when one needs attention', async () => {
    api.requests.length = 0;
    (api.state.connections[0] as { lastPing: unknown }).lastPing = OK_PING;
    const run = await cli(['status']);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(api.calls().includes(`GET /api/connections/${ACME}/orders`));
    assert.equal(api.requests.find((r) => r.path === `/api/connections/${ACME}/orders`)?.query.limit, '1000');
    assert.equal(api.requests.find((r) => r.path === '/api/dead-letters' && r.query.connectionId === ACME)?.method, 'GET');
    const acme = run.stdout.split('\n').find((line) => line.startsWith(ACME)) as string;
    assert.match(acme, /active +ok 2026-01-05 09:00:00 +2 synced, 1 failed +1  612 of 1,000 used \(Zoho's count\)$/);
    const beta = run.stdout.split('\n').find((line) => line.startsWith(BETA)) as string;
    assert.match(beta, /0  1,250 of 2,000 used \(Connector's count\)$/);
    assert.match(run.stdout, /DEAD LETTERS +ZOHO QUOTA TODAY\n/);
    assert.match(run.stdout, new RegExp(`Beta shop \\(${BETA}\\) is needs_reauthorization: Zoho revoked the refresh token`));
  });

  it('status --json carries each usage answer; a token-service without usage still gives its status', async () => {
    const run = await cli(['status', ACME, '--json']);
    assert.deepEqual(JSON.parse(run.stdout).usage.quota, { source: 'zoho', used: 612, limit: 1000, remaining: 388, resetsAt: '2026-11-30T05:00:00.000Z', period: '2026-11-30T05:00Z', readAt: '2026-11-29T09:59:58.000Z' });

    api.usageAvailable = false;
    try {
      const older = await cli(['status']);
      assert.equal(older.code, 1, older.stderr);
      assert.equal(older.stderr, '');
      assert.match(older.stdout.split('\n').find((line) => line.startsWith(ACME)) as string, /2 synced, 1 failed +1  -$/);
      assert.equal(JSON.parse((await cli(['status', ACME, '--json'])).stdout).usage, null);
    } finally {
      api.usageAvailable = true;
    }
    api.usageFailing = true;
    try {
      const failing = await cli(['status', ACME, '--json']);
      assert.equal(failing.stderr, '', 'a failed quota read does not fail the status check');
      assert.equal(JSON.parse(failing.stdout).usage, null);
    } finally {
      api.usageFailing = false;
    }
  });

  it('status of one connection: --json gives its counts, exit 0 only when healthy', async () => {
    const run = await cli(['status', BETA, '--json']);
    assert.equal(run.code, 1);
    const beta = JSON.parse(run.stdout);
    assert.equal(beta.healthy, false);

    api.state.connections.push(connection(DELTA, 'Delta shop'));
    api.state.orders[DELTA] = [order(2001)];
    const healthy = await cli(['status', DELTA, '--json']);
    assert.equal(healthy.code, 0, healthy.stderr);
    assert.deepEqual(JSON.parse(healthy.stdout).orders, { synced: 1 });
  });
});
