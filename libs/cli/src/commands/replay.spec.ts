import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { FakeAdminApi } from '../test-support/fake-admin-api';
import { ACME } from '../test-support/fixtures';

describe('replay and backfill', () => {
  const { api, cli } = FakeAdminApi.forSuite();
  beforeEach(() => {
    api.requests.length = 0;
    api.jobScript = { total: 10, step: 3, failures: 0 };
    api.jobsAvailable = true;
  });

  it('replay starts the job, polls its progress to the end and reports progress on stderr', async () => {
    const run = await cli(['replay', ACME, '--from-seq', '1200', '--resource', 'order']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests[0].body, { fromSeq: 1200, resource: 'order', dryRun: false });
    assert.deepEqual(api.calls(), [
      `POST /api/connections/${ACME}/replay`,
      'GET /api/replays/replay-1', 'GET /api/replays/replay-1', 'GET /api/replays/replay-1', 'GET /api/replays/replay-1',
    ]);
    // Not a terminal: one plain line per step, no carriage returns.
    assert.equal(run.stderr, ['replay replay-1 started', 'replay: 3/10 (30%)', 'replay: 6/10 (60%)', 'replay: 9/10 (90%)', 'replay: 10/10 (100%)', ''].join('\n'));
    assert.equal(run.stdout, 'Replay replay-1: 10 of 10 events replayed, 0 failed.\n');
  });

  it('replay --dry-run --from-time sends both and says nothing was written', async () => {
    const run = await cli(['replay', ACME, '--dry-run', '--from-time', '2026-01-05T00:00:00Z']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests[0].body, { fromTime: '2026-01-05T00:00:00Z', dryRun: true });
    assert.match(run.stdout, /^Dry run replay-\d+: 10 events examined, 0 Zoho writes would be made; nothing was written\.$/m);
  });

  it('replay --json prints only the final progress on stdout', async () => {
    const run = await cli(['replay', ACME, '--json']);
    assert.equal(run.code, 0);
    const { replayId, ...progress } = JSON.parse(run.stdout);
    assert.match(replayId, /^replay-\d+$/);
    assert.deepEqual(progress, { dryRun: false, processed: 10, total: 10, done: true, failures: 0 });
    assert.match(run.stderr, /replay: 10\/10 \(100%\)/);
  });

  it('replay with failures lists them and exits 1', async () => {
    api.jobScript = { total: 4, step: 4, failures: [{ seq: 1201, error: 'Zoho answered 500' }] };
    const run = await cli(['replay', ACME]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /4 of 4 events replayed, 1 failed\.\n  seq=1201 error=Zoho answered 500\n/);
  });

  it('a token-service without the endpoint gets a clear message, not "not found"', async () => {
    api.jobsAvailable = false;
    const run = await cli(['replay', ACME]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^connector: this admin API does not offer replays yet \\(POST /api/connections/${ACME}/replay answered 404\\); update token-service$`, 'm'));

    const backfill = await cli(['backfill', ACME, '--since', '2026-01-01']);
    assert.equal(backfill.code, 1);
    assert.match(backfill.stderr, /does not offer backfills yet/);
  });

  it('an unknown connection is still reported as such', async () => {
    const run = await cli(['replay', 'nope']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Connection nope does not exist/);
  });

  it('replay checks its options before calling the server', async () => {
    for (const args of [['replay', ACME, '--from-seq', 'ten'], ['replay', ACME, '--from-time', 'yesterday'], ['replay']]) {
      const run = await cli(args);
      assert.equal(run.code, 2, args.join(' '));
    }
    assert.equal(api.requests.length, 0);
  });

  it('backfill sends --since and follows the job', async () => {
    api.jobScript = { total: 6, step: 6, failures: 0 };
    const run = await cli(['backfill', ACME, '--since', '2026-01-01']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.requests[0].body, { since: '2026-01-01' });
    assert.match(api.calls()[1], /^GET \/api\/backfills\/backfill-\d+$/);
    assert.match(run.stderr, /backfill: 6\/6 \(100%\)/);
    assert.match(run.stdout, /^Backfill backfill-\d+ since 2026-01-01: 6 of 6 processed, 0 failed\.$/m);
  });

  it('backfill requires a real date', async () => {
    const missing = await cli(['backfill', ACME]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing --since/);
    const wrong = await cli(['backfill', ACME, '--since', 'last week']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--since must be a date like 2026-01-01/);
    assert.equal(api.requests.length, 0);
  });
});
