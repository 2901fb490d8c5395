import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { madeSince, ZOHO_CLOCK_SKEW_MS } from './lost-create-guard';

describe('madeSince', () => {
  const claimedAt = new Date('2026-11-29T10:00:00Z');

  test('a document Zoho made after the claim can be the lost one; one made well before cannot', () => {
    assert.equal(madeSince('2026-11-29T02:00:05-0800', claimedAt), true, 'Zoho stamps in the organization time zone');
    assert.equal(madeSince('2026-11-29T09:00:00+0000', claimedAt), false);
    assert.equal(madeSince('2026-11-28T10:00:00Z', claimedAt), false);
  });

  test("Zoho's clock may be a few minutes behind ours", () => {
    const justBefore = new Date(claimedAt.getTime() - ZOHO_CLOCK_SKEW_MS + 1_000).toISOString();
    const tooEarly = new Date(claimedAt.getTime() - ZOHO_CLOCK_SKEW_MS - 1_000).toISOString();
    assert.equal(madeSince(justBefore, claimedAt), true);
    assert.equal(madeSince(tooEarly, claimedAt), false);
  });

  test('without either time (a claim from before claims were timed, a row without created_time) nothing is ruled out', () => {
    assert.equal(madeSince(undefined, claimedAt), true);
    assert.equal(madeSince('2020-01-01T00:00:00Z', null), true);
    assert.equal(madeSince('not a time', claimedAt), true);
  });
});
