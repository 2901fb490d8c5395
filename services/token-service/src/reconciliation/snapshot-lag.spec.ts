import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lacksSnapshot, modifiedOf } from './snapshot-lag';
import { compareWooGmt, parseWooGmt, shiftWooGmt, toWooGmt } from './woo-gmt';

test('the pipeline lacks a snapshot it has no record of, none applied, or an older one', () => {
  assert.equal(lacksSnapshot(undefined, '2026-03-01T10:00:00'), true, 'no record');
  assert.equal(lacksSnapshot(null, '2026-03-01T10:00:00'), true, 'record without an applied snapshot');
  assert.equal(lacksSnapshot('2026-03-01T09:59:59', '2026-03-01T10:00:00'), true, 'older');
  assert.equal(lacksSnapshot('2026-03-01T10:00:00', '2026-03-01T10:00:00'), false, 'the same');
  assert.equal(lacksSnapshot('2026-03-01T10:00:01', '2026-03-01T10:00:00'), false, 'newer (the store answered from a stale replica)');
  assert.equal(lacksSnapshot('2026-03-01T10:00:00', null), false);
});

test('a snapshot of the applied one\'s second is lacking only when its content differs', () => {
  assert.equal(lacksSnapshot('2026-03-01T10:00:00', '2026-03-01T10:00:00', true), true, 'same second, other content: the later save was lost');
  assert.equal(lacksSnapshot('2026-03-01T10:00:00', '2026-03-01 10:00:00', false), false, 'same second, same content');
  assert.equal(lacksSnapshot('2026-03-01T10:00:01', '2026-03-01T10:00:00', true), false, 'an older time never counts, whatever its content');
});

test('modification time falls back to creation time', () => {
  assert.equal(modifiedOf({ date_modified_gmt: null, date_created_gmt: '2026-01-01T00:00:00' }), '2026-01-01T00:00:00');
  assert.equal(modifiedOf({ date_modified_gmt: '2026-01-02T00:00:00', date_created_gmt: '2026-01-01T00:00:00' }), '2026-01-02T00:00:00');
});

test('WooCommerce GMT times: formatting, shifting across midnight, comparing as instants', () => {
  assert.equal(toWooGmt(new Date('2026-03-01T10:00:00.999Z')), '2026-03-01T10:00:00', 'fractions dropped, never rounded up');
  assert.equal(shiftWooGmt('2026-03-01T00:00:03', -5), '2026-02-28T23:59:58');
  assert.equal(compareWooGmt('2026-03-01 10:00:00', '2026-03-01T10:00:00'), 0);
  assert.equal(compareWooGmt(null, '2026-03-01T10:00:00'), -1);
  assert.equal(parseWooGmt('not a date'), undefined);
  assert.throws(() => shiftWooGmt('garbage', 1));
});

test('backfill since: a bare date or a zoneless time means UTC; an explicit offset is kept', async () => {
  const { sinceInstant } = await import('./dto/start-backfill.dto');
  assert.equal(sinceInstant('2026-01-01').toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(sinceInstant('2026-01-01T08:30').toISOString(), '2026-01-01T08:30:00.000Z');
  assert.equal(sinceInstant('2026-01-01T08:30:00+02:00').toISOString(), '2026-01-01T06:30:00.000Z');
});
