import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CREDIT_CHECK_AGES_MS, creditCheckDue, describeAge } from './credit-check-schedule';

const HOUR = 60 * 60 * 1000;
const since = new Date('2026-11-01T10:00:00Z');
const at = (hours: number) => new Date(since.getTime() + hours * HOUR);

describe('creditCheckDue', () => {
  test('nothing is due in the first hour', () => {
    assert.equal(creditCheckDue(since, undefined, at(0.5)), false);
    assert.equal(creditCheckDue(since, at(0.2), at(0.99)), false);
  });

  test('a check is due once per age reached since the last pass', () => {
    assert.equal(creditCheckDue(since, at(0.9), at(1)), true);
    assert.equal(creditCheckDue(since, at(1), at(5.9)), false, 'the 1 h check was made; 6 h not reached');
    assert.equal(creditCheckDue(since, at(5.9), at(6)), true);
    assert.equal(creditCheckDue(since, at(6.1), at(23)), false);
    assert.equal(creditCheckDue(since, at(23), at(25)), true);
    assert.equal(creditCheckDue(since, at(25), at(71)), false);
    assert.equal(creditCheckDue(since, at(71), at(72)), true);
  });

  test('several ages passed while no sweep ran are one check', () => {
    assert.equal(creditCheckDue(since, at(0.5), at(100)), true);
    assert.equal(creditCheckDue(since, at(100), at(101)), false);
  });

  test('a first pass (none recorded) checks a credit any age has reached', () => {
    assert.equal(creditCheckDue(since, undefined, at(2)), true);
    assert.equal(creditCheckDue(since, undefined, at(24 * 90)), true);
  });

  test('a credit made after the last pass counts from its own time', () => {
    assert.equal(creditCheckDue(since, at(-5), at(0.5)), false);
    assert.equal(creditCheckDue(since, at(-5), at(1.5)), true);
  });

  test('after 30 days nothing more is due', () => {
    const last = CREDIT_CHECK_AGES_MS[CREDIT_CHECK_AGES_MS.length - 1]! / HOUR;
    assert.equal(last, 30 * 24);
    assert.equal(creditCheckDue(since, at(last), at(last * 10)), false);
  });

  test('seven checks in all, each age reached once', () => {
    let checks = 0;
    let lastPass: Date | undefined;
    for (let hours = 0; hours <= 24 * 60; hours += 0.25) {
      if (creditCheckDue(since, lastPass, at(hours))) checks += 1;
      lastPass = at(hours);
    }
    assert.equal(checks, CREDIT_CHECK_AGES_MS.length);
  });
});

describe('describeAge', () => {
  test('hours under a day, days after', () => {
    assert.equal(describeAge(90 * 60 * 1000), '1 h');
    assert.equal(describeAge(30 * HOUR), '1 d');
    assert.equal(describeAge(72 * HOUR), '3 d');
  });
});
