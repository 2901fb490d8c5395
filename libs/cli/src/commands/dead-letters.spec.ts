import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeAdminApi } from '../test-support/fake-admin-api';
import { ACME, BETA, LETTER } from '../test-support/fixtures';

describe('dead-letters', () => {
  const { api, cli } = FakeAdminApi.forSuite();

  it('list shows the open ones with their reason', async () => {
    const run = await cli(['dead-letters', 'list']);
    assert.equal(run.code, 0, run.stderr);
    const [header, row] = run.stdout.trimEnd().split('\n');
    assert.match(header, /^ID +CONNECTION +CONSUMER +EVENT +TOPIC +TRIES +STATUS +SINCE \(UTC\) +REASON$/);
    assert.match(row, new RegExp(`^${LETTER} +${ACME} +invoice-sync +#57 +order\\.updated +20 +open +2026-01-04 11:00:00 +tax "VAT 19%" does not exist$`));
    // The help says how a temporary failure's letter reads, as the services write it.
    assert.match((await cli(['dead-letters', 'list', '--help'])).stdout, /`gave up after N deliveries over 24 h: …`/);
  });

  it('list --connection and --status filter on the server', async () => {
    api.requests.length = 0;
    const run = await cli(['dead-letters', 'list', '--connection', BETA, '--status', 'resolved', '--json']);
    assert.equal(run.code, 0);
    assert.deepEqual(api.requests[0].query, { connectionId: BETA, status: 'resolved' });
    assert.deepEqual(JSON.parse(run.stdout), []);

    const human = await cli(['dead-letters', 'list', '--connection', BETA]);
    assert.equal(human.stdout, 'No dead letters.\n');
  });

  it('retry <id> republishes that one', async () => {
    api.requests.length = 0;
    const run = await cli(['dead-letters', 'retry', LETTER]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.calls(), [`POST /api/dead-letters/${LETTER}/retry`]);
    assert.match(run.stdout, new RegExp(`^Dead letter ${LETTER}: event #57 sent again as #\\d+\\.$`, 'm'));
    assert.match(run.stdout, /^It is retrying: resolved when the copy succeeds, superseded by a new letter if it fails again\.$/m);
  });

  it("retry of a malformed id prints the server's validation message and exits 1", async () => {
    const run = await cli(['dead-letters', 'retry', 'not-a-uuid']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Validation failed \(uuid is expected\) \(POST \/api\/dead-letters\/not-a-uuid\/retry answered 400\)/);
  });

  it('retry --all --connection sends the connection in the body', async () => {
    api.requests.length = 0;
    const run = await cli(['dead-letters', 'retry', '--all', '--connection', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests.map((r) => [r.method, r.path, r.body]), [['POST', '/api/dead-letters/retry', { connectionId: ACME }]]);
    assert.match(run.stdout, /Sent 1 event through the pipeline again:\n  EVENT +RETRY\n  #57 +#\d+/);

    const json = await cli(['dead-letters', 'retry', '--all', '--json']);
    assert.equal(JSON.parse(json.stdout).retried, 1);
    assert.deepEqual(api.requests.at(-1)?.body, {});
  });

  it('retry needs exactly one of an id and --all', async () => {
    for (const args of [['dead-letters', 'retry'], ['dead-letters', 'retry', LETTER, '--all'], ['dead-letters', 'retry', LETTER, '--connection', ACME]]) {
      const run = await cli(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /Usage: connector dead-letters retry \[<id>\] \[options\]/);
    }
  });

  it('dismiss sends the reason to the server; without an id it is a usage error', async () => {
    api.requests.length = 0;
    await cli(['dead-letters', 'dismiss', LETTER, '--reason', 'invoice made by hand in Zoho']);
    assert.deepEqual(api.requests.map((r) => [r.method, r.path, r.body]), [['POST', `/api/dead-letters/${LETTER}/dismiss`, { reason: 'invoice made by hand in Zoho' }]]);
    await cli(['dead-letters', 'dismiss', LETTER]);
    assert.deepEqual(api.requests.at(-1)?.body, {});

    const run = await cli(['dead-letters', 'dismiss']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Usage: connector dead-letters dismiss <id> \[options\]/);
  });

  it('the group alone is a usage error naming its subcommands', async () => {
    const run = await cli(['dead-letters']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /`dead-letters` needs a subcommand/);
  });
});
