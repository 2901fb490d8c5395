import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkpointAfterPass } from './pass-checkpoint';
import { compareWooGmt, shiftWooGmt } from './woo-gmt';

const at = (time: string) => `2025-03-01T${time}`;

test('a change to a customer read early in a long pass is found by the next pass', () => {
  // The pass starts at 12:00:00 and reads customers by id for two minutes. Customer 5 (read on
  // page 1) changes at 12:00:10; customer 290 (read at the end) changes at 12:02:00.
  const checkpoint = checkpointAfterPass(at('11:55:00'), at('12:02:00'), new Date(`${at('12:00:00')}Z`), 5);
  assert.equal(checkpoint, at('11:59:55'), 'no further than the start of the pass, less the overlap');
  const nextPassReadsAfter = shiftWooGmt(checkpoint, -5);
  assert.ok(compareWooGmt(at('12:00:10'), nextPassReadsAfter) > 0, "customer 5's change is after the next pass's filter");
});

test('a pass that saw nothing newer than its start moves to the newest time seen', () => {
  assert.equal(checkpointAfterPass(at('11:00:00'), at('11:30:00'), new Date(`${at('12:00:00')}Z`), 5), at('11:30:00'));
});

test('the checkpoint never moves back (a pass that started before the checkpoint: clocks apart, an overlapping sweep)', () => {
  assert.equal(checkpointAfterPass(at('12:00:00'), at('12:00:00'), new Date(`${at('11:59:58')}Z`), 5), at('12:00:00'));
});
