import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ZohoRateLimiter as SharedRateBudget } from '@connector/persistence';
import { TransientError, withCallDeadline } from '@connector/common';
import { OrganizationCallGate } from './organization-call-gate';

function budget(log: string[] = []) {
  return {
    acquire: async (key: string) => void log.push(`token ${key}`),
    block: async (key: string, ms: number) => void log.push(`block ${key} ${ms}`),
  } as unknown as SharedRateBudget;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('no more than the limit of calls in flight per organization; others wait for a release', async () => {
  const gate = new OrganizationCallGate(budget(), 2);
  const first = await gate.acquire('org-1');
  const second = await gate.acquire('org-1');
  let third: (() => void) | undefined;
  void gate.acquire('org-1').then((release) => (third = release));
  await tick();
  assert.equal(third, undefined, 'the third call waits');
  const otherOrg = await gate.acquire('org-2');
  assert.equal(typeof otherOrg, 'function', 'another organization has its own slots');
  first();
  first(); // a second release of the same call frees nothing more
  await tick();
  assert.equal(typeof third, 'function', 'a release lets the next call go');
  let fourth: (() => void) | undefined;
  void gate.acquire('org-1').then((release) => (fourth = release));
  await tick();
  assert.equal(fourth, undefined, 'the double release did not open a third slot');
  second();
  await tick();
  assert.equal(typeof fourth, 'function');
});

test('the slot is taken before the token, and given back when the budget fails', async () => {
  const log: string[] = [];
  const failing = { acquire: async () => Promise.reject(new Error('PostgreSQL unavailable')), block: async () => undefined } as unknown as SharedRateBudget;
  const gate = new OrganizationCallGate(failing, 1);
  await assert.rejects(gate.acquire('org-1'), /PostgreSQL unavailable/);
  const ok = new OrganizationCallGate(budget(log), 1);
  const release = await ok.acquire('org-1');
  assert.deepEqual(log, ['token org-1']);
  release();
  // The failed acquire released its slot: with one slot, a new acquire does not hang.
  const again = await Promise.race([gate.acquire('org-1').catch(() => 'failed-fast'), new Promise((r) => setTimeout(() => r('hung'), 200))]);
  assert.equal(again, 'failed-fast');
});

test('a 429 block goes to the shared budget', async () => {
  const log: string[] = [];
  await new OrganizationCallGate(budget(log), 3).block('org-1', 5_000);
  assert.deepEqual(log, ['block org-1 5000']);
});

test('a caller waiting through blocks passes its limit to the budget and shares the same slots', async () => {
  const limits: Array<number | undefined> = [];
  const recording = {
    acquire: async (_key: string, options?: { maxBlockedWaitMs?: number }) => void limits.push(options?.maxBlockedWaitMs),
    block: async () => undefined,
  } as unknown as SharedRateBudget;
  const gate = new OrganizationCallGate(recording, 1);
  const patient = gate.waitingThroughBlocks(120_000);
  const held = (await patient.acquire('org-1')) as () => void;
  let next: (() => void) | undefined;
  void gate.acquire('org-1').then((release) => (next = release));
  await tick();
  assert.equal(next, undefined, 'the patient caller holds the organization’s one slot');
  held();
  await tick();
  assert.equal(typeof next, 'function');
  assert.deepEqual(limits, [120_000, undefined]);
});

test('a caller whose deadline passed takes neither a slot nor a token', async () => {
  const log: string[] = [];
  const gate = new OrganizationCallGate(budget(log), 1);
  await assert.rejects(
    withCallDeadline(Date.now() - 1, () => gate.acquire('org-1')),
    (error: unknown) => error instanceof TransientError && error.code === 'caller_gave_up',
  );
  assert.deepEqual(log, [], 'no token was spent for nobody');
  const release = await gate.acquire('org-1');
  assert.equal(typeof release, 'function', 'the caller that gave up left its slot free');
});

test('a caller waiting for a slot gives up at its deadline and leaves the slot to the next', async () => {
  const log: string[] = [];
  const gate = new OrganizationCallGate(budget(log), 1);
  const busy = await gate.acquire('org-1');
  await assert.rejects(
    withCallDeadline(Date.now() + 50, () => gate.acquire('org-1')),
    (error: unknown) => error instanceof TransientError && error.code === 'caller_gave_up',
  );
  busy();
  const next = await gate.acquire('org-1');
  assert.equal(typeof next, 'function');
  assert.deepEqual(log, ['token org-1', 'token org-1']);
});

test('a concurrency refusal (1070) narrows only this organization\'s slots for a while, and blocks nobody', async () => {
  const log: string[] = [];
  const clock = { now: 0 };
  const gate = new OrganizationCallGate(budget(log), 4, () => clock.now);
  gate.concurrencyRefused('org-1');
  const first = await gate.acquire('org-1');
  await gate.acquire('org-1');
  let third: (() => void) | undefined;
  void gate.acquire('org-1').then((release) => (third = release));
  await tick();
  assert.equal(third, undefined, 'two in flight after the refusal, not four');
  for (let i = 0; i < 4; i++) await gate.acquire('org-2');
  assert.ok(log.every((entry) => entry.startsWith('token')), `no block of the shared budget: ${log.join(', ')}`);
  // Slots come back with time: the waiting call goes at the next release, and more after it.
  clock.now += 60_000;
  first();
  await tick();
  assert.equal(typeof third, 'function');
  await gate.acquire('org-1');
});

test('a caller waiting through blocks narrows the same slots on a concurrency refusal', async () => {
  const gate = new OrganizationCallGate(budget(), 2, () => 0);
  gate.waitingThroughBlocks(120_000).concurrencyRefused!('org-1');
  await gate.acquire('org-1');
  let second: (() => void) | undefined;
  void gate.acquire('org-1').then((release) => (second = release));
  await tick();
  assert.equal(second, undefined, 'one slot left of two');
});
