import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { FakeAdminApi } from '../test-support/fake-admin-api';
import { ACME, BETA, CALENDAR_DAY_USAGE, ZOHO_COUNTED_USAGE } from '../test-support/fixtures';

describe('usage', () => {
  const { api, cli } = FakeAdminApi.forSuite();
  beforeEach(() => {
    api.requests.length = 0;
    api.usageAvailable = true;
    api.state.usage[ACME] = ZOHO_COUNTED_USAGE;
    api.state.usage[BETA] = CALENDAR_DAY_USAGE;
  });

  it("shows Zoho's own count: used of its limit, what is left, when it resets and when Zoho said so", async () => {
    const run = await cli(['usage', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(api.calls(), [`GET /api/connections/${ACME}/usage`]);
    assert.equal(run.stdout, [
      'Organization:       20071234',
      "Zoho quota:         612 of 1,000 used, 388 left (Zoho's count, read 2026-11-29 09:59:58 UTC)",
      'Resets:             2026-11-30 05:00:00 UTC',
      "Connector's calls:  640 since the database's midnight",
      'Refused by Zoho:    2 today (429)',
      '',
    ].join('\n'));
  });

  it("without Zoho's count: Connector's calls since midnight against the limit set, said to be Connector's", async () => {
    const run = await cli(['usage', BETA]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Zoho quota: +1,250 of 2,000 used, 750 left \(Connector's count since the database's midnight: Zoho's answers have not said its count\)$/m);
    assert.match(run.stdout, /^Resets: +2026-11-30 00:00:00 UTC$/m);
    assert.doesNotMatch(run.stdout, /Refused by Zoho/, 'no 429s, no line');
  });

  it('a limit nobody knows is said, with how to set it; a block still in force is shown', async () => {
    const blockedUntil = new Date(Date.now() + 60 * 60_000).toISOString();
    api.state.usage[BETA] = { ...CALENDAR_DAY_USAGE, dailyLimit: null, blockedUntil };
    const run = await cli(['usage', BETA]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Zoho quota: +1,250 calls used \\(Connector's count since the database's midnight: Zoho's answers have not said its count\\); the daily limit is unknown: set it with connector settings ${BETA} --daily-limit <calls>$`, 'm'));
    assert.match(run.stdout, new RegExp(`^Blocked until: +${blockedUntil.slice(0, 19).replace('T', ' ')} UTC \\(Zoho refused calls; events wait until then\\)$`, 'm'));

    // A block that has passed is history, not news.
    api.state.usage[BETA] = { ...CALENDAR_DAY_USAGE, blockedUntil: '2026-01-01T00:00:00.000Z' };
    assert.doesNotMatch((await cli(['usage', BETA])).stdout, /Blocked until/);
  });

  it('a quota spent to the last call shows 0 left, not a negative count', async () => {
    api.state.usage[ACME] = { ...ZOHO_COUNTED_USAGE, quota: { ...ZOHO_COUNTED_USAGE.quota!, used: 1000, remaining: 0 } };
    const run = await cli(['usage', ACME]);
    assert.match(run.stdout, /^Zoho quota: +1,000 of 1,000 used, 0 left/m);
  });

  it('--json prints the answer as the API gave it, quota included', async () => {
    const run = await cli(['usage', ACME, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), ZOHO_COUNTED_USAGE);
  });

  it('a connection with no organization yet says the quota is not known', async () => {
    delete api.state.usage[ACME];
    const run = await cli(['usage', ACME]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'No Zoho organization yet: the quota is known once the connection has reached Zoho.\n');
  });

  it('a token-service without the endpoint is told apart from a wrong id', async () => {
    api.usageAvailable = false;
    const old = await cli(['usage', ACME]);
    assert.equal(old.code, 1);
    assert.match(old.stderr, /this admin API does not offer Zoho usage yet \(GET \/api\/connections\/.+\/usage answered 404\); update token-service/);
    api.usageAvailable = true;
    const unknown = await cli(['usage', '00000000-0000-4000-8000-000000000000']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Connection 00000000-0000-4000-8000-000000000000 does not exist/);
  });
});
